CREATE TABLE "conditional_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"etag" text NOT NULL,
	"body" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "error_notices" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"notified_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "github_repositories" (
	"full_name" text PRIMARY KEY NOT NULL,
	"default_branch" text NOT NULL,
	"pushed_at" text,
	"descriptor_paths" text[] NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "entities" ADD COLUMN "source_scope" text;--> statement-breakpoint
ALTER TABLE "entities" ADD COLUMN "orphaned_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "entities_source_scope_idx" ON "entities" USING btree ("source_scope");--> statement-breakpoint
CREATE INDEX "entities_orphaned_at_idx" ON "entities" USING btree ("orphaned_at") WHERE "entities"."orphan";