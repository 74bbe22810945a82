/**
 * Who owns an entity: the entity's own owner, else its system's, else the system's domain's; the first owner that
 * exists in the catalog as a Group or User wins. Worked out for every entity when the catalog changes
 * (`rebuildEntityOwners`) and read in one statement (the `/owner` hot path): for a Group owner with its team card
 * (parents and members, `team-cards.ts`) and the members' Slack ids; for a User, the person.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { EntityRecord, OwnershipFacts } from '../../core/catalog/records.ts';
import type { ChatPlatform } from '../../core/view-model.ts';
import type { Db } from '../drizzle-db.ts';
import { type EntityRow, entityColumns, toEntityRecord, toPersonRecord } from '../entity-row.ts';
import { prepareStatement } from '../prepared.ts';
import {
  type ChatUserIds,
  chatUserIdOf,
  chatUserIdsOf,
  PLATFORM,
  platformParameter,
  type TeamCard,
  toTeamFacts,
} from './team-cards.ts';

type Via = NonNullable<OwnershipFacts['owner']>['via'];

/**
 * One row of an ownership answer; `role` says what it is. The row of role `subject` carries only the subject's
 * `ref`, `kind` and `ownerRef` (the caller has its entity); the row of role `card` carries the owner's team card in
 * `envelope` and its members' ids on the platform asked about in `userIds`; the row of role `owner` (a User) its id in
 * `userId`.
 */
export type OwnershipRow = EntityRow & {
  role: string;
  depth: number | null;
  userId: string | null;
  via: Via | null;
  ownerRef: string | null;
  userIds: ChatUserIds | null;
  /** On `findOwnership`'s rows of role `named` only: whether another entity has the same name (see `namedCte`). */
  nameShared: boolean | null;
};

export type GetOwnership = (opts: { entity: EntityRecord; platform?: ChatPlatform }) => Promise<OwnershipFacts>;

export function createGetOwnership(db: Db): GetOwnership {
  const statement = prepareStatement<OwnershipRow>(
    db,
    'wayfinder_get_ownership',
    sql`
    with subject as (
      select ref, owner_ref, kind from entities where ref = ${sql.placeholder('ref')}
    ),
    ${ownershipCtes()}
    ${ownershipRows()}
  `,
  );
  return async (opts) =>
    toOwnershipFacts(
      opts.entity,
      await statement.execute({ ref: opts.entity.ref, platform: platformParameter(opts.platform) }),
      opts.platform,
    );
}

/**
 * Works out every entity's owner, set-based, into `entity_owners`: the entity's own owner, else its system's, else
 * the domain's of its system (a System or Domain is its own anchor for the domain step); the first that exists in
 * the catalog as a Group or User wins, and an entity nobody in that chain owns gets no row. Call it in the transaction
 * that changed entities or relations. Only rows that differ are written.
 */
export async function rebuildEntityOwners(db: Db): Promise<void> {
  await db.execute(sql`
    with subject as (
      select ref, kind, owner_ref from entities where kind not in ('group', 'user')
    ),
    sys as (
      select distinct on (x.ref) x.ref, s.ref as sys_ref, s.owner_ref
      from subject x
      join relations r on r.source_ref = x.ref and r.type = 'partOf' and r.target_ref like 'system:%'
      join entities s on s.ref = r.target_ref
      where x.kind not in ('system', 'domain')
      order by x.ref, s.ref
    ),
    anchor as (
      select ref, sys_ref as anchor_ref from sys
      union all
      select ref, ref from subject where kind in ('system', 'domain')
    ),
    dom as (
      select distinct on (a.ref) a.ref, d.ref as dom_ref, d.owner_ref
      from anchor a
      join relations r on r.source_ref = a.anchor_ref and r.type = 'partOf' and r.target_ref like 'domain:%'
      join entities d on d.ref = r.target_ref
      order by a.ref, d.ref
    ),
    candidates(ref, rank, via, from_ref, owner_ref) as (
      select ref, 1, 'entity', ref, owner_ref from subject
      union all select ref, 2, 'system', sys_ref, owner_ref from sys
      union all select ref, 3, 'domain', dom_ref, owner_ref from dom
    ),
    chosen as (
      select distinct on (c.ref) c.ref, c.via, c.from_ref, o.ref as owner_ref, o.kind as owner_kind
      from candidates c join entities o on o.ref = c.owner_ref and o.kind in ('group', 'user')
      order by c.ref, c.rank
    ),
    written as (
      insert into entity_owners (ref, via, from_ref, owner_ref, owner_kind)
      select ref, via, from_ref, owner_ref, owner_kind from chosen
      on conflict (ref) do update set
        via = excluded.via, from_ref = excluded.from_ref, owner_ref = excluded.owner_ref,
        owner_kind = excluded.owner_kind
      where (entity_owners.via, entity_owners.from_ref, entity_owners.owner_ref, entity_owners.owner_kind)
        is distinct from (excluded.via, excluded.from_ref, excluded.owner_ref, excluded.owner_kind)
    )
    delete from entity_owners eo where not exists (select 1 from chosen c where c.ref = eo.ref)
  `);
}

/**
 * The ownership CTE `chosen(via, from_ref, owner_ref, owner_kind)` for the entity in CTE `subject(ref, owner_ref,
 * kind)` (at most one row): its row of `entity_owners`. Shared with `findOwnership`, which resolves the subject in
 * the same statement.
 */
export function ownershipCtes(): SQL {
  return sql`
    chosen as (
      select o.via, o.from_ref, o.owner_ref, o.owner_kind
      from subject x join entity_owners o on o.ref = x.ref
    )`;
}

/**
 * The rows of an ownership answer (roles subject, from, and owner for a User or card for a Group), for the CTEs of
 * `ownershipCtes`. Every branch has the columns of `OwnershipRow`, in its order.
 */
export function ownershipRows(): SQL {
  return sql`
    select 'subject' as role, null::int as depth, null as "userId", null as via, x.owner_ref as "ownerRef",
      null::jsonb as "userIds", null::boolean as "nameShared", x.ref, x.kind, null as namespace, null as name,
      null::jsonb as envelope, null as "sourceLocation", null::boolean as orphan, null as "sourceRoot"
    from subject x
    union all
    select 'from', null, null, c.via, null, null, null, ${entityColumns('e')}
    from chosen c join entities e on e.ref = c.from_ref and c.from_ref <> (select ref from subject)
    union all
    select 'owner', null, ${chatUserIdOf('e', PLATFORM)}, c.via, null, null, null, ${entityColumns('e')}
    from chosen c join entities e on e.ref = c.owner_ref
    where c.owner_kind = 'user'
    union all
    select 'card', null, null, c.via, null, ${chatUserIdsOf('t', PLATFORM)}, null, t.team_ref, 'group', '', '', t.card,
      null, false, null
    from chosen c join team_cards t on t.team_ref = c.owner_ref`;
}

/** The rows of `ownershipRows` as the core's facts; people carry their ids on `platform` (the statement's parameter). */
export function toOwnershipFacts(
  entity: EntityRecord,
  rows: readonly OwnershipRow[],
  platform: ChatPlatform | undefined,
): OwnershipFacts {
  const facts: OwnershipFacts = { entity };
  const declared = rows.find((row) => row.role === 'subject')?.ownerRef;
  if (declared) facts.declaredOwnerRef = declared;
  const card = rows.find((row) => row.role === 'card');
  const user = rows.find((row) => row.role === 'owner');
  const owner = card ?? user;
  if (!owner?.via) return facts;

  // No row of role `from` means the entity named its owner itself.
  const fromRow = rows.find((row) => row.role === 'from');
  const answer: NonNullable<OwnershipFacts['owner']> = {
    via: owner.via,
    from: fromRow ? toEntityRecord(fromRow) : entity,
  };
  if (card) {
    // The card row carries the card where other rows carry an envelope (see `ownershipRows`).
    answer.group = toTeamFacts(card.envelope as unknown as TeamCard, card.userIds, platform);
  } else if (user) {
    answer.user = toPersonRecord(user, platform);
  }
  facts.owner = answer;
  return facts;
}
