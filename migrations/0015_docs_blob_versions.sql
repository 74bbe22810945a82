ALTER TABLE "doc_files" ADD COLUMN "version" text;--> statement-breakpoint
ALTER TABLE "doc_sources" ADD COLUMN "fingerprint" text;