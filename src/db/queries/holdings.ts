/**
 * What a team holds: the entities owned by the group or any of its sub-teams (recursively, through `parentOf`),
 * or, for a User, by them or by the groups they are a member of. One statement returns the count, the first
 * `limit` entities (by kind, then name) and the groups counted.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { EntityRef } from '../../core/catalog/types.ts';
import type { HoldingsFacts } from '../../core/ports.ts';
import type { Db } from '../client.ts';
import { type EntityRow, entityColumns, toEntityRecord } from '../entity-row.ts';

type HoldingsRow = {
  total: number;
  groups: EntityRow[];
  owned: (EntityRow & { ownerRef: string })[];
};

export async function getHoldings(db: Db, opts: { ref: EntityRef; limit: number }): Promise<HoldingsFacts> {
  const isUser = opts.ref.startsWith('user:');
  const { rows } = await db.execute<HoldingsRow>(sql`
    with recursive ${isUser ? userGroups(opts.ref) : subTeams(opts.ref)},
    owners(ref) as (
      select ref from teams ${isUser ? sql`union select ${opts.ref}` : sql``}
    )
    select
      (select count(*)::int from entities where owner_ref in (select ref from owners)) as total,
      coalesce((
        select json_agg(g order by g.kind, lower(g.name), g.ref)
        from (select ${entityColumns('e')} from teams t join entities e on e.ref = t.ref and e.kind = 'group') g
      ), '[]') as groups,
      coalesce((
        select json_agg(o order by o.kind, o.rank_name, o.ref)
        from (
          select ${entityColumns('e')}, e.owner_ref as "ownerRef", t.rank_name
          from (
            select ref, lower(name) as rank_name from entities
            where owner_ref in (select ref from owners)
            order by kind, lower(name), ref
            limit ${Math.max(0, Math.floor(opts.limit))}
          ) t join entities e on e.ref = t.ref
        ) o
      ), '[]') as owned
  `);
  const row = rows[0];
  if (!row) return { owned: [], total: 0, groups: [] };
  return {
    total: row.total,
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
