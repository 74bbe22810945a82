CREATE TABLE "import_roots" (
	"root" text PRIMARY KEY NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "entities_display_name_idx" ON "entities" USING btree (lower("envelope" #>> '{spec,profile,displayName}')) WHERE "entities"."envelope" #>> '{spec,profile,displayName}' is not null;