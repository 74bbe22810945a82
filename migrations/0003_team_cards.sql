CREATE TABLE "team_cards" (
	"team_ref" text PRIMARY KEY NOT NULL,
	"card" jsonb NOT NULL,
	"member_emails" text[] NOT NULL
);
