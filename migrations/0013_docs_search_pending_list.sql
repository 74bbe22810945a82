-- GIN's pending list back on (0011 turned it off): inserts go to the list, and each indexing run merges it into the
-- index with gin_clean_pending_list. Set in place: the index is not rebuilt.
ALTER INDEX "doc_chunks_search_idx" RESET (fastupdate);