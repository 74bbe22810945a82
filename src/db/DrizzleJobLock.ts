import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { JobLock } from '../core/ports/job-lock.ts';
import type { Db } from './drizzle-db.ts';
import { jobLeases } from './schema.ts';

/**
 * `JobLock` on `job_leases`. Each method is one statement: the insert-or-takeover is atomic on the primary key, so
 * of replicas racing for the same tick exactly one gets `true`, and no transaction stays open while the job runs
 * (PGlite has one connection and no autovacuum).
 */
export class DrizzleJobLock implements JobLock {
  readonly #db: Db;

  constructor(opts: { db: Db }) {
    this.#db = opts.db;
  }

  async tryAcquire(opts: { name: string; holder: string; ttlMs: number }): Promise<boolean> {
    const acquired = await this.#db
      .insert(jobLeases)
      .values({ name: opts.name, holder: opts.holder, leasedUntil: fromNow(opts.ttlMs) })
      .onConflictDoUpdate({
        target: jobLeases.name,
        set: { holder: sql`excluded.holder`, leasedUntil: sql`excluded.leased_until` },
        // Only an expired lease is taken over; a live one, even this holder's, means the job is running.
        setWhere: sql`${jobLeases.leasedUntil} <= now()`,
      })
      .returning({ name: jobLeases.name });
    return acquired.length === 1;
  }

  async renew(opts: { name: string; holder: string; ttlMs: number }): Promise<boolean> {
    const renewed = await this.#db
      .update(jobLeases)
      .set({ leasedUntil: fromNow(opts.ttlMs) })
      .where(and(eq(jobLeases.name, opts.name), eq(jobLeases.holder, opts.holder)))
      .returning({ name: jobLeases.name });
    return renewed.length === 1;
  }

  async release(opts: { name: string; holder: string; keepMs?: number }): Promise<void> {
    const mine = and(eq(jobLeases.name, opts.name), eq(jobLeases.holder, opts.holder));
    if (opts.keepMs && opts.keepMs > 0) {
      await this.#db
        .update(jobLeases)
        .set({ leasedUntil: fromNow(opts.keepMs) })
        .where(mine);
      return;
    }
    await this.#db.delete(jobLeases).where(mine);
  }
}

function fromNow(ms: number): SQL {
  return sql`now() + ${ms}::double precision * interval '1 millisecond'`;
}
