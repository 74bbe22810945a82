CREATE TABLE "digest_deliveries" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "digest_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"team_ref" text NOT NULL,
	"channel" text NOT NULL,
	"period" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_by" text,
	"claimed_until" timestamp with time zone,
	"not_before" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"message_ts" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"posted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "digest_runs" (
	"period" text PRIMARY KEY NOT NULL,
	"skipped" text[] NOT NULL,
	"planned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "entity_facts" (
	"entity_ref" text NOT NULL,
	"name" text NOT NULL,
	"value" jsonb,
	"unknown_reason" text,
	"read_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entity_facts_entity_ref_name_pk" PRIMARY KEY("entity_ref","name")
);
--> statement-breakpoint
CREATE TABLE "scorecard_results" (
	"scorecard_id" text NOT NULL,
	"period" text NOT NULL,
	"entity_ref" text NOT NULL,
	"level" integer NOT NULL,
	"score" real NOT NULL,
	"outcomes" jsonb NOT NULL,
	"evaluated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scorecard_results_period_scorecard_id_entity_ref_pk" PRIMARY KEY("period","scorecard_id","entity_ref")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "digest_deliveries_key_idx" ON "digest_deliveries" USING btree ("team_ref","channel","period");--> statement-breakpoint
CREATE INDEX "digest_deliveries_period_status_idx" ON "digest_deliveries" USING btree ("period","status");--> statement-breakpoint
CREATE INDEX "scorecard_results_entity_idx" ON "scorecard_results" USING btree ("entity_ref","period");