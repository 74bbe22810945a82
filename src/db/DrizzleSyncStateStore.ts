import { inArray, sql } from 'drizzle-orm';
import type { RepositorySyncState, SyncStateStore } from '../core/ports/sync-state-store.ts';
import type { Db } from './drizzle-db.ts';
import { errorNotices, githubRepositories } from './schema.ts';
import { textArray } from './sql-fragments.ts';

const stateFields = {
  fullName: githubRepositories.fullName,
  defaultBranch: githubRepositories.defaultBranch,
  pushedAt: githubRepositories.pushedAt,
  descriptorPaths: githubRepositories.descriptorPaths,
};

export class DrizzleSyncStateStore implements SyncStateStore {
  readonly #db: Db;

  constructor(opts: { db: Db }) {
    this.#db = opts.db;
  }

  async listRepositories(): Promise<RepositorySyncState[]> {
    return this.#db.select(stateFields).from(githubRepositories);
  }

  async getRepository(opts: { fullName: string }): Promise<RepositorySyncState | undefined> {
    const [row] = await this.#db
      .select(stateFields)
      .from(githubRepositories)
      .where(sql`lower(${githubRepositories.fullName}) = lower(${opts.fullName})`)
      .limit(1);
    return row;
  }

  async saveRepositories(opts: { states: readonly RepositorySyncState[] }): Promise<void> {
    if (opts.states.length === 0) return;
    await this.#db
      .insert(githubRepositories)
      .values(opts.states.map((state) => ({ ...state, syncedAt: new Date() })))
      .onConflictDoUpdate({
        target: githubRepositories.fullName,
        set: {
          defaultBranch: sql`excluded.default_branch`,
          pushedAt: sql`excluded.pushed_at`,
          descriptorPaths: sql`excluded.descriptor_paths`,
          syncedAt: sql`excluded.synced_at`,
        },
      });
  }

  async forgetRepositories(opts: { fullNames: readonly string[] }): Promise<void> {
    if (opts.fullNames.length === 0) return;
    await this.#db.delete(githubRepositories).where(inArray(githubRepositories.fullName, [...opts.fullNames]));
  }

  async claimErrorNotices(opts: { fingerprints: readonly string[]; current: readonly string[] }): Promise<string[]> {
    return this.#db.transaction(async (tx) => {
      await tx.execute(sql`
        delete from error_notices where fingerprint not in (select unnest(${textArray([...opts.current])}))
      `);
      if (opts.fingerprints.length === 0) return [];
      const claimed = await tx
        .insert(errorNotices)
        .values([...new Set(opts.fingerprints)].map((fingerprint) => ({ fingerprint })))
        .onConflictDoNothing()
        .returning({ fingerprint: errorNotices.fingerprint });
      return claimed.map((row) => row.fingerprint);
    });
  }
}
