/**
 * The dependency graph around an entity, breadth-first in one statement. Down: what it `dependsOn`, and the
 * providers of the APIs it consumes (`consumesApi` → API → `apiProvidedBy`). Up: its dependants (`dependencyOf`)
 * and the consumers of the APIs it provides (`providesApi` → API → `apiConsumedBy`). From an API itself, down reaches
 * the components that provide it and up the components that consume it. A ref that relations name but the catalog
 * does not hold (a dependency never defined) is listed too, without an entity: nothing leads on from it.
 *
 * Each level of the search is one row holding the whole frontier and every ref visited so far, so an entity is
 * reached once, at its shortest distance, and a cycle ends the search instead of multiplying paths.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { DependencyNode } from '../../core/catalog/records.ts';
import type { EntityRef, RelationType } from '../../core/catalog/types.ts';
import type { Db } from '../drizzle-db.ts';
import { type EntityRow, entityColumns, toEntityRecord } from '../entity-row.ts';

type Direction = 'down' | 'up';

type DependencyRow = Omit<EntityRow, 'kind' | 'namespace' | 'name' | 'envelope' | 'orphan'> & {
  kind: string | null;
  namespace: string | null;
  name: string | null;
  envelope: EntityRow['envelope'] | null;
  orphan: boolean | null;
  nodeRef: string;
  depth: number;
  viaRef: string;
  link: RelationType;
  apiRef: string | null;
};

export async function getDependencies(
  db: Db,
  opts: { ref: EntityRef; direction: Direction; depth: number },
): Promise<DependencyNode[]> {
  const maxDepth = Math.floor(opts.depth);
  if (!(maxDepth > 0)) return [];
  const { rows } = await db.execute<DependencyRow>(sql`
    with recursive bfs(depth, frontier, visited) as (
      select 0, array[${opts.ref}::text], array[${opts.ref}::text]
      union all
      select b.depth + 1, n.next, b.visited || n.next
      from bfs b cross join lateral (
        select array_agg(distinct s.dst) as next
        from (${steps(opts.direction, sql`b.frontier`)}) s
        where not s.dst = any(b.visited)
      ) n
      where b.depth < ${maxDepth} and n.next is not null
    ),
    levels(depth, ref) as (
      select b.depth, f.ref from bfs b cross join unnest(b.frontier) as f(ref)
    ),
    edges as (
      ${steps(opts.direction, sql`array(select ref from levels where depth < ${maxDepth})`)}
    )
    select distinct on (l.ref) l.ref as "nodeRef", l.depth, s.src as "viaRef", s.link, s.api as "apiRef",
      ${entityColumns('e')}
    from levels l
    join levels p on p.depth = l.depth - 1
    join edges s on s.src = p.ref and s.dst = l.ref
    left join entities e on e.ref = l.ref
    where l.depth > 0
    order by l.ref, s.src, s.link, s.api
  `);
  return rows
    .sort((a, b) => a.depth - b.depth || (a.nodeRef < b.nodeRef ? -1 : a.nodeRef > b.nodeRef ? 1 : 0))
    .map((row) => {
      const node: DependencyNode = { ref: row.nodeRef, depth: row.depth, viaRef: row.viaRef, link: row.link };
      if (row.kind !== null && row.namespace !== null && row.name !== null && row.envelope !== null) {
        node.entity = toEntityRecord({
          ...row,
          ref: row.nodeRef,
          kind: row.kind,
          namespace: row.namespace,
          name: row.name,
          envelope: row.envelope,
          orphan: row.orphan ?? false,
        });
      }
      if (row.apiRef !== null) node.apiRef = row.apiRef;
      return node;
    });
}

/** One step from any ref in the text[] expression `from`: rows (src, dst, link, api). */
function steps(direction: Direction, from: SQL): SQL {
  const [direct, viaApi, apiHop] =
    direction === 'down'
      ? (['dependsOn', 'consumesApi', 'apiProvidedBy'] as const)
      : (['dependencyOf', 'providesApi', 'apiConsumedBy'] as const);
  // Down, a component reached through an API is linked by `consumesApi`; up, by `apiConsumedBy`.
  const apiLink = direction === 'down' ? viaApi : apiHop;
  // From an API itself, one hop reaches its providers (down) or its consumers (up).
  const fromApi = direction === 'down' ? 'apiProvidedBy' : 'apiConsumedBy';
  return sql`
    select r.source_ref as src, r.target_ref as dst, ${direct}::text as link, null::text as api
    from relations r
    where r.type = ${direct} and r.source_ref = any(${from})
    union all
    select a.source_ref, h.target_ref, ${apiLink}::text, a.target_ref
    from relations a join relations h on h.source_ref = a.target_ref and h.type = ${apiHop}
    where a.type = ${viaApi} and a.source_ref = any(${from})
    union all
    select r.source_ref, r.target_ref, ${fromApi}::text, r.source_ref
    from relations r
    where r.type = ${fromApi} and r.source_ref = any(${from})
    ${direction === 'down' ? missingApis(from) : sql``}`;
}

/**
 * Down only: an API consumed but missing from the catalog, as a step of its own (link `consumesApi`), so that a
 * dependency nobody defined is listed instead of vanishing with the hop through it.
 */
function missingApis(from: SQL): SQL {
  return sql`
    union all
    select a.source_ref, a.target_ref, 'consumesApi'::text, a.target_ref
    from relations a
    where a.type = 'consumesApi' and a.source_ref = any(${from})
      and not exists (select 1 from entities x where x.ref = a.target_ref)`;
}
