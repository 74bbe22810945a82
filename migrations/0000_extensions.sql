-- Extensions the schema needs, created before any table or index that uses them.
-- pg_trgm: trigram similarity for name suggestions and typo-tolerant search (gin_trgm_ops indexes).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
