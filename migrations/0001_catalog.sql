CREATE TABLE "chat_identities" (
	"platform" text NOT NULL,
	"platform_user_id" text NOT NULL,
	"email" text,
	"user_ref" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_identities_platform_platform_user_id_pk" PRIMARY KEY("platform","platform_user_id")
);
--> statement-breakpoint
CREATE TABLE "entities" (
	"ref" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"namespace" text NOT NULL,
	"name" text NOT NULL,
	"title" text,
	"description" text,
	"owner_ref" text,
	"lifecycle" text,
	"type" text,
	"envelope" jsonb NOT NULL,
	"source_location" text,
	"content_hash" text NOT NULL,
	"orphan" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce("name", '')), 'A') || setweight(to_tsvector('english', coalesce("title", '')), 'A') || setweight(to_tsvector('english', coalesce("envelope" -> 'metadata' -> 'tags', '[]'::jsonb)), 'B') || setweight(to_tsvector('english', coalesce("description", '')), 'C')) STORED NOT NULL,
	"aliases" text[] GENERATED ALWAYS AS (regexp_split_to_array(lower(btrim("envelope" -> 'metadata' -> 'annotations' ->> 'wayfinder.dev/aliases')), '\s*,\s*')) STORED
);
--> statement-breakpoint
CREATE TABLE "ingest_errors" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ingest_errors_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"location" text NOT NULL,
	"line" integer,
	"field" text,
	"message" text NOT NULL,
	"entity_ref" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "locations" (
	"location" text PRIMARY KEY NOT NULL,
	"last_read_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "relations" (
	"source_ref" text NOT NULL,
	"type" text NOT NULL,
	"target_ref" text NOT NULL,
	"origin_ref" text NOT NULL,
	CONSTRAINT "relations_source_ref_type_target_ref_origin_ref_pk" PRIMARY KEY("source_ref","type","target_ref","origin_ref")
);
--> statement-breakpoint
CREATE INDEX "chat_identities_email_idx" ON "chat_identities" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "entities_search_idx" ON "entities" USING gin ("search");--> statement-breakpoint
CREATE INDEX "entities_name_trgm_idx" ON "entities" USING gin (lower("name") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "entities_title_trgm_idx" ON "entities" USING gin (lower("title") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "entities_label_trgm_gist_idx" ON "entities" USING gist ((lower("name") || ' ' || lower(coalesce("title", ''))) gist_trgm_ops);--> statement-breakpoint
CREATE INDEX "entities_lower_name_idx" ON "entities" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "entities_lower_title_idx" ON "entities" USING btree (lower("title"));--> statement-breakpoint
CREATE INDEX "entities_aliases_idx" ON "entities" USING gin ("aliases") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "entities_owner_ref_idx" ON "entities" USING btree ("owner_ref");--> statement-breakpoint
CREATE INDEX "entities_email_idx" ON "entities" USING btree (lower("envelope" #>> '{spec,profile,email}')) WHERE "entities"."envelope" #>> '{spec,profile,email}' is not null;--> statement-breakpoint
CREATE INDEX "ingest_errors_location_idx" ON "ingest_errors" USING btree ("location");--> statement-breakpoint
CREATE INDEX "relations_target_type_idx" ON "relations" USING btree ("target_ref","type");--> statement-breakpoint
CREATE INDEX "relations_origin_idx" ON "relations" USING btree ("origin_ref");