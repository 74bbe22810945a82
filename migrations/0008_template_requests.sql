CREATE TABLE "audit_log" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"request_id" text NOT NULL,
	"action" text NOT NULL,
	"actor" jsonb,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "request_steps" (
	"request_id" text NOT NULL,
	"position" integer NOT NULL,
	"step_id" text NOT NULL,
	"name" text NOT NULL,
	"action" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"output" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"log" text[] DEFAULT '{}' NOT NULL,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "request_steps_request_id_step_id_pk" PRIMARY KEY("request_id","step_id")
);
--> statement-breakpoint
CREATE TABLE "template_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"template_ref" text NOT NULL,
	"template_title" text NOT NULL,
	"values" jsonb NOT NULL,
	"requester" jsonb NOT NULL,
	"state" text NOT NULL,
	"approvers" text,
	"allow_self_approval" boolean DEFAULT false NOT NULL,
	"decided_by" jsonb,
	"decided_at" timestamp with time zone,
	"reason" text,
	"output" jsonb,
	"error" text,
	"status_message" jsonb,
	"approval_messages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"claimed_by" text,
	"heartbeat_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wizard_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"template_ref" text NOT NULL,
	"page" integer DEFAULT 0 NOT NULL,
	"values" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "request_steps" ADD CONSTRAINT "request_steps_request_id_template_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."template_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_request_idx" ON "audit_log" USING btree ("request_id","at");--> statement-breakpoint
CREATE INDEX "template_requests_state_idx" ON "template_requests" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "template_requests_created_idx" ON "template_requests" USING btree ("created_at");