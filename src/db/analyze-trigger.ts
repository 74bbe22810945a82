import { sql } from 'drizzle-orm';
import type { Db } from './drizzle-db.ts';

/** Autovacuum's defaults: analyze once 50 rows plus 10% of the table have changed since the last analyze. */
const BASE_THRESHOLD = 50;
const SCALE_FACTOR = 0.1;

/**
 * Refreshes one table's planner statistics as it grows, the way autovacuum would. It matters for tables that start
 * empty and fill while the server runs (chat identities): the `/owner` statements are prepared once per connection,
 * and a plan made against an empty table (a sequential scan) stays until the table is analyzed. PGlite has no
 * autovacuum and some servers run with it off. Counts are per process, so several replicas analyze a little more
 * often, which is harmless.
 */
export class AnalyzeTrigger {
  readonly #db: Db;
  readonly #table: string;
  #rowsAtLastAnalyze = 0;
  #addedSinceAnalyze = 0;

  constructor(opts: { db: Db; table: 'chat_identities' }) {
    this.#db = opts.db;
    this.#table = opts.table;
  }

  async rowsAdded(count: number): Promise<void> {
    this.#addedSinceAnalyze += count;
    if (this.#addedSinceAnalyze < BASE_THRESHOLD + SCALE_FACTOR * this.#rowsAtLastAnalyze) return;
    this.#rowsAtLastAnalyze += this.#addedSinceAnalyze;
    this.#addedSinceAnalyze = 0;
    await this.#db.execute(sql`analyze ${sql.identifier(this.#table)}`);
  }
}
