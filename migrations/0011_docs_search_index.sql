DROP INDEX "doc_chunks_search_idx";--> statement-breakpoint
CREATE INDEX "doc_chunks_search_idx" ON "doc_chunks" USING gin ("search") WITH (fastupdate=false);