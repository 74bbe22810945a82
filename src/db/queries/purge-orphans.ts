/**
 * Deletes orphans whose grace period is over: the entities, the relations they declared, and then the derived rows.
 * Relations other entities declared about them stay, as dangling references, as they would for any missing entity.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../drizzle-db.ts';
import { rebuildDerived } from './derived.ts';
import { lockCatalogWrites } from './import-entities.ts';

export async function purgeOrphans(db: Db, opts: { before: Date }): Promise<number> {
  return db.transaction(async (tx) => {
    // After any import in progress: one restoring an orphan must not see it deleted under it.
    await lockCatalogWrites(tx);
    const deleted = await tx.execute<{ ref: string }>(sql`
      delete from entities where orphan and orphaned_at < ${opts.before.toISOString()}::timestamptz returning ref
    `);
    const refs = deleted.rows.map((row) => row.ref);
    if (refs.length === 0) return 0;
    await tx.execute(sql`delete from relations where origin_ref in (select unnest(${sql.param(refs)}::text[]))`);
    await rebuildDerived(tx);
    return refs.length;
  });
}
