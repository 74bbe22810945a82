CREATE TABLE "entity_owners" (
	"ref" text PRIMARY KEY NOT NULL,
	"via" text NOT NULL,
	"from_ref" text NOT NULL,
	"owner_ref" text NOT NULL,
	"owner_kind" text NOT NULL
);
