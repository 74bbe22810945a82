/**
 * What a team holds: the entities owned by the group or any of its sub-teams (recursively, through `parentOf`),
 * or, for a User, by them or by the groups they are a member of; owned as `/owner` means it (`entity_owners`: an
 * entity's own owner, else its system's or its domain's). One statement returns the count (and how many the
 * group or User owns itself), `limit` entities from `offset` (by kind, then name; for a User what they own
 * themselves first) and the groups counted.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { HoldingsFacts } from '../../core/catalog/records.ts';
import type { EntityRef } from '../../core/catalog/types.ts';
import type { Db } from '../drizzle-db.ts';
import { type EntityRow, entityColumns, toEntityRecord } from '../entity-row.ts';

type HoldingsRow = {
  total: number;
  direct: number;
  groups: EntityRow[];
  owned: (EntityRow & { ownerRef: string })[];
};

export async function getHoldings(
  db: Db,
  opts: { ref: EntityRef; limit: number; offset?: number },
): Promise<HoldingsFacts> {
  const isUser = opts.ref.startsWith('user:');
  // A person's own entities come first, so that an answer can list them apart from their teams'.
  const order = isUser ? sql`(owner_ref <> ${opts.ref}), kind, lower(name), ref` : sql`kind, lower(name), ref`;
  const { rows } = await db.execute<HoldingsRow>(sql`
    with recursive ${isUser ? userGroups(opts.ref) : subTeams(opts.ref)},
    owners(ref) as (
      select ref from teams ${isUser ? sql`union select ${opts.ref}` : sql``}
    ),
    owned_here as (
      -- Each entity's effective owner: its own, else its system's or domain's (entity_owners), as /owner answers.
      select e.ref, e.kind, e.name, eo.owner_ref
      from entity_owners eo join entities e on e.ref = eo.ref
      where eo.owner_ref in (select ref from owners)
    )
    select
      (select count(*)::int from owned_here) as total,
      (select count(*)::int from owned_here where owner_ref = ${opts.ref}) as direct,
      coalesce((
        select json_agg(g order by g.kind, lower(g.name), g.ref)
        from (select ${entityColumns('e')} from teams t join entities e on e.ref = t.ref and e.kind = 'group') g
      ), '[]') as groups,
      coalesce((
        select json_agg(o order by o.position)
        from (
          select ${entityColumns('e')}, t.owner_ref as "ownerRef", t.position
          from (
            select ref, owner_ref, row_number() over (order by ${order}) as position from owned_here
            order by ${order}
            limit ${Math.max(0, Math.floor(opts.limit))} offset ${Math.max(0, Math.floor(opts.offset ?? 0))}
          ) t join entities e on e.ref = t.ref
        ) o
      ), '[]') as owned
  `);
  const row = rows[0];
  if (!row) return { owned: [], total: 0, direct: 0, groups: [] };
  return {
    total: row.total,
    direct: row.direct,
    groups: row.groups.map(toEntityRecord),
    owned: row.owned.map((entity) => ({ entity: toEntityRecord(entity), ownerRef: entity.ownerRef })),
  };
}

/** CTE `teams`: the group and all its sub-teams; `union` stops at a `parentOf` cycle. */
function subTeams(ref: EntityRef): SQL {
  return sql`teams(ref) as (
    select ${ref}::text
    union
    select r.target_ref from teams t join relations r on r.source_ref = t.ref and r.type = 'parentOf'
  )`;
}

/** CTE `teams`: the groups the user is a direct member of. */
function userGroups(ref: EntityRef): SQL {
  return sql`teams(ref) as (
    select distinct target_ref from relations where source_ref = ${ref} and type = 'memberOf'
  )`;
}
