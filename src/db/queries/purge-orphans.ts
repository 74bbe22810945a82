/**
 * Deletes orphans whose grace period is over: the entities, the relations they declared, and then the derived rows.
 * Relations other entities declared about them stay, as dangling references, as they would for any missing entity.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../drizzle-db.ts';
import { atOrUnder } from '../sql-fragments.ts';
import { rebuildDerived } from './derived.ts';
import { lockCatalogWrites } from './import-entities.ts';

export function purgeOrphans(db: Db, opts: { before: Date }): Promise<number> {
  return deleteEntities(db, sql`orphan and orphaned_at < ${opts.before.toISOString()}::timestamptz`);
}

/**
 * Deletes at once every entity read from `scope` (`file:/srv/catalog`) or from a scope under it (`file:/srv/catalog/
 * payments`), orphan or not, with their relations and their files' recorded errors: `wayfinder catalog forget`.
 */
export async function forgetScope(db: Db, opts: { scope: string }): Promise<number> {
  return deleteEntities(db, atOrUnder(sql`source_scope`, opts.scope), {
    errorsAt: atOrUnder(sql`location`, opts.scope),
  });
}

async function deleteEntities(db: Db, where: SQL, opts: { errorsAt?: SQL } = {}): Promise<number> {
  return db.transaction(async (tx) => {
    // After any import in progress: one restoring an orphan must not see it deleted under it.
    await lockCatalogWrites(tx);
    const deleted = await tx.execute<{ ref: string }>(sql`delete from entities where ${where} returning ref`);
    const refs = deleted.rows.map((row) => row.ref);
    if (opts.errorsAt) await tx.execute(sql`delete from ingest_errors where ${opts.errorsAt}`);
    if (refs.length === 0) return 0;
    await tx.execute(sql`delete from relations where origin_ref in (select unnest(${sql.param(refs)}::text[]))`);
    await rebuildDerived(tx);
    return refs.length;
  });
}
