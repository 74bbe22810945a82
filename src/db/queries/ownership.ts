/**
 * Who owns an entity, in one statement (the `/owner` hot path): the entity's own owner, else its system's, else the
 * system's domain's; the first owner that exists in the catalog as a Group or User wins. For a Group the statement
 * also returns its parent teams and members (with Slack ids); for a User, the person.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { EntityRecord, OwnershipFacts } from '../../core/ports.ts';
import type { Db } from '../client.ts';
import { entityColumns, toEntityRecord, toPersonRecord } from '../entity-row.ts';
import { prepareStatement } from '../prepared.ts';
import { slackUserIdOf, type TeamRow, teamCtes, teamRows, toTeamFacts } from './team-facts.ts';

type Via = NonNullable<OwnershipFacts['owner']>['via'];

export type OwnershipRow = TeamRow & {
  via: Via | null;
  ownerRef: string | null;
};

export type GetOwnership = (opts: { entity: EntityRecord }) => Promise<OwnershipFacts>;

export function createGetOwnership(db: Db): GetOwnership {
  const statement = prepareStatement<OwnershipRow>(
    db,
    'wayfinder_get_ownership',
    sql`
    with recursive subject as (
      select ref, owner_ref, kind from entities where ref = ${sql.placeholder('ref')}
    ),
    ${ownershipCtes()}
    ${ownershipRows()}
  `,
  );
  return async (opts) => toOwnershipFacts(opts.entity, await statement.execute({ ref: opts.entity.ref }));
}

/**
 * The ownership CTEs for the entity in CTE `subject(ref, owner_ref, kind)` (at most one row); needs `with recursive`
 * and a preceding `subject`. Shared with `findOwnership`, which resolves the subject in the same statement.
 */
export function ownershipCtes(): SQL {
  return sql`
    -- The entity's system; a System (or Domain) is its own anchor for the domain step.
    sys as (
      select s.ref, s.owner_ref
      from subject x
      join relations r on r.source_ref = x.ref and r.type = 'partOf' and r.target_ref like 'system:%'
      join entities s on s.ref = r.target_ref
      where x.kind not in ('system', 'domain')
      order by s.ref limit 1
    ),
    anchor as (
      select ref from sys
      union all
      select ref from subject where kind in ('system', 'domain')
    ),
    dom as (
      select d.ref, d.owner_ref
      from anchor a
      join relations r on r.source_ref = a.ref and r.type = 'partOf' and r.target_ref like 'domain:%'
      join entities d on d.ref = r.target_ref
      order by d.ref limit 1
    ),
    candidates(rank, via, from_ref, owner_ref) as (
      select 1, 'entity', ref, owner_ref from subject
      union all select 2, 'system', ref, owner_ref from sys
      union all select 3, 'domain', ref, owner_ref from dom
    ),
    chosen as (
      select c.via, c.from_ref, o.ref as owner_ref, o.kind as owner_kind
      from candidates c join entities o on o.ref = c.owner_ref and o.kind in ('group', 'user')
      order by c.rank limit 1
    ),
    owner_team as (
      select owner_ref as team_ref from chosen where owner_kind = 'group'
    ),
    ${teamCtes('owner_team')}`;
}

/** The rows of an ownership answer (roles subject, from, owner, parent, member), for the CTEs of `ownershipCtes`. */
export function ownershipRows(): SQL {
  return sql`
    select 'subject' as role, null::int as depth, null as "slackUserId", null as via, x.owner_ref as "ownerRef",
      ${entityColumns('e')}
    from subject x join entities e on e.ref = x.ref
    union all
    select 'from', null, null, c.via, null, ${entityColumns('e')}
    from chosen c join entities e on e.ref = c.from_ref
    union all
    select 'owner', null, ${slackUserIdOf('e')}, null, null, ${entityColumns('e')}
    from chosen c join entities e on e.ref = c.owner_ref
    union all
    select t.role, t.depth, t."slackUserId", null, null,
      t.ref, t.kind, t.namespace, t.name, t.envelope, t."sourceLocation", t.orphan
    from (${teamRows()}) t`;
}

export function toOwnershipFacts(entity: EntityRecord, rows: readonly OwnershipRow[]): OwnershipFacts {
  const facts: OwnershipFacts = { entity };
  const declared = rows.find((row) => row.role === 'subject')?.ownerRef;
  if (declared) facts.declaredOwnerRef = declared;
  const from = rows.find((row) => row.role === 'from');
  const owner = rows.find((row) => row.role === 'owner');
  if (!from?.via || !owner) return facts;

  const answer: NonNullable<OwnershipFacts['owner']> = { via: from.via, from: toEntityRecord(from) };
  if (owner.kind === 'group') {
    answer.group = toTeamFacts(rows, 'owner');
  } else {
    answer.user = toPersonRecord(owner);
  }
  facts.owner = answer;
  return facts;
}
