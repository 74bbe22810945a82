import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new migration into ./migrations from the schema; `npm run db:check` fails when one
// is missing. The first migration (`0000_extensions`) is hand-written: it enables pg_trgm, which the indexes need.
export default defineConfig({
  schema: './src/db/schema.ts',
  out: './migrations',
  dialect: 'postgresql',
  strict: true,
  verbose: true,
});
