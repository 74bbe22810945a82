/**
 * Rows derived from the catalog so that answers read one row instead of walking relations: each entity's owner
 * (`entity_owners`) and each Group's team card (`team_cards`). They change only when entities or relations do, and
 * are brought up to date in the same transaction.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../drizzle-db.ts';
import { rebuildEntityOwners } from './ownership.ts';
import { rebuildTeamCards, refreshMemberIds } from './team-cards.ts';

/** Call it in the transaction that changed entities or relations. */
export async function rebuildDerived(db: Db): Promise<void> {
  await rebuildEntityOwners(db);
  await rebuildTeamCards(db);
}

/**
 * Rebuilds the derived rows when they are missing, as after the migration that introduced them, and works out the
 * members' ids of team cards that have none yet (after the migration that added them): `migrateDatabase` calls it,
 * so an existing catalog needs no re-import.
 */
export async function rebuildMissingDerived(db: Db): Promise<void> {
  const [row] = (
    await db.execute<{ missing: boolean; idsUnknown: boolean }>(sql`
      select (select count(*) from entities where kind = 'group') <> (select count(*) from team_cards)
        or (not exists (select 1 from entity_owners) and exists (select 1 from entities where owner_ref is not null))
        as missing,
        exists (select 1 from team_cards where member_ids is null) as "idsUnknown"
    `)
  ).rows;
  if (!row?.missing && !row?.idsUnknown) return;
  await db.transaction(async (tx) => {
    if (row.missing) return rebuildDerived(tx);
    await refreshMemberIds(tx, 'unknown');
  });
}
