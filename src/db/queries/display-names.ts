/** What answers call people and teams, by ref: the SQL twin of `displayNameOf` (src/core/catalog/facts.ts). */
import { sql } from 'drizzle-orm';
import type { EntityRef } from '../../core/catalog/types.ts';
import type { Db } from '../drizzle-db.ts';
import { textArray } from '../sql-fragments.ts';

/**
 * The display name of an `entities` row, as `displayNameOf` decides it: `spec.profile.displayName` (trimmed, when
 * not blank), else `metadata.title`, else `metadata.name` as written. A column expression over `entities`' own
 * columns, for a statement that selects from `entities`.
 */
export const displayNameColumn = sql`coalesce(nullif(btrim(envelope #>> '{spec,profile,displayName}', E' \t\r\n'), ''), title, name)`;

/**
 * The display name of each of `refs` the catalog holds: `spec.profile.displayName` (trimmed, when not blank), else
 * `metadata.title`, else `metadata.name` as written, as `displayNameOf` decides it. Keyed by the ref as given; refs
 * are matched case-insensitively (catalog refs are lowercase). A ref the catalog does not hold has no entry. One
 * statement, by primary key.
 */
export async function findDisplayNames(db: Db, refs: readonly EntityRef[]): Promise<Map<EntityRef, string>> {
  const wanted = [...new Set(refs)];
  if (wanted.length === 0) return new Map();
  const { rows } = await db.execute<{ ref: string; name: string }>(sql`
    select ref, ${displayNameColumn} as name
    from entities
    where ref = any(${textArray(wanted.map((ref) => ref.toLowerCase()))})
  `);
  const byRef = new Map(rows.map((row) => [row.ref, row.name]));
  const names = new Map<EntityRef, string>();
  for (const ref of wanted) {
    const name = byRef.get(ref.toLowerCase());
    if (name !== undefined) names.set(ref, name);
  }
  return names;
}
