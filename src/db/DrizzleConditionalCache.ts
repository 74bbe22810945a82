import { eq, sql } from 'drizzle-orm';
import type { ConditionalCache } from '../core/ports/conditional-cache.ts';
import type { Db } from './drizzle-db.ts';
import { conditionalCache } from './schema.ts';

/** GitHub's ETags and bodies in Postgres, so every replica and every restart asks conditionally. */
export class DrizzleConditionalCache implements ConditionalCache {
  readonly #db: Db;

  constructor(opts: { db: Db }) {
    this.#db = opts.db;
  }

  async get(opts: { key: string }): Promise<{ etag: string; body: unknown } | undefined> {
    const [row] = await this.#db
      .select({ etag: conditionalCache.etag, body: conditionalCache.body })
      .from(conditionalCache)
      .where(eq(conditionalCache.key, opts.key));
    return row;
  }

  async set(opts: { key: string; etag: string; body: unknown }): Promise<void> {
    await this.#db
      .insert(conditionalCache)
      .values({ key: opts.key, etag: opts.etag, body: opts.body })
      .onConflictDoUpdate({
        target: conditionalCache.key,
        set: { etag: opts.etag, body: sql`excluded.body`, updatedAt: sql`now()` },
      });
  }
}
