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
import { type EntityRow, entityJson, toEntityRecord, toPersonRecord } from '../entity-row.ts';
import { prepareStatement } from '../prepared.ts';
import {
  type ChatUserIds,
  chatUserIdOf,
  memberIdsOn,
  PLATFORM,
  platformParameter,
  type TeamCard,
  toTeamFacts,
} from './team-cards.ts';

type Via = NonNullable<OwnershipFacts['owner']>['via'];

/**
 * The ownership columns of a row (`ownershipColumns`): the owner the subject declares (`spec.owner`, as written),
 * and the owner it has, through which entity (`via`), that entity when it is a System or Domain (`fromEntity`), and
 * the owner as a person with their id on the platform asked about (`ownerUser`) or as a team card with its members'
 * ids (`card`, `userIds`). All null but `declaredOwnerRef` when nobody owns the subject.
 */
export type OwnershipColumns = {
  declaredOwnerRef: string | null;
  via: Via | null;
  fromEntity: EntityRow | null;
  ownerUser: { entity: EntityRow; userId: string | null } | null;
  card: TeamCard | null;
  userIds: ChatUserIds | null;
};

export type GetOwnership = (opts: { entity: EntityRecord; platform?: ChatPlatform }) => Promise<OwnershipFacts>;

export function createGetOwnership(db: Db): GetOwnership {
  const statement = prepareStatement<OwnershipColumns>(
    db,
    'wayfinder_get_ownership',
    sql`
    select e.owner_ref as "declaredOwnerRef", ${ownershipColumns()}
    from entities e ${ownershipJoins('e')}
    where e.ref = ${sql.placeholder('ref')}
  `,
  );
  return async (opts) => {
    const [row] = await statement.execute({ ref: opts.entity.ref, platform: platformParameter(opts.platform) });
    return toOwnershipFacts(opts.entity, row, opts.platform);
  };
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
 * The joins `ownershipColumns` reads, for the subject entity (or candidates) of table alias `subject`: its row of
 * `entity_owners` (`o`, none for a Group or User) and its owner's team card (`t`). One primary-key probe each: the
 * `limit 1` keeps the planner from flattening them into a hash join that scans every owner, which a generic plan
 * chose when it guessed at many candidates.
 */
export function ownershipJoins(subject: string): SQL {
  return sql`
    left join lateral (
      select * from entity_owners o where o.ref = ${sql.identifier(subject)}.ref limit 1
    ) o on true
    left join lateral (select * from team_cards t where t.team_ref = o.owner_ref limit 1) t on true`;
}

/**
 * The columns of `OwnershipColumns` but `declaredOwnerRef`, over `ownershipJoins`. The System or Domain the owner
 * comes from and a person who owns the subject are looked up only when there is one (a subquery under `case` runs
 * only when its branch is taken). People's ids are those on the platform `PLATFORM`.
 */
export function ownershipColumns(): SQL {
  return sql`o.via,
    case when o.from_ref <> o.ref then (select ${entityJson('f')} from entities f where f.ref = o.from_ref) end
      as "fromEntity",
    case when o.owner_kind = 'user' then (
      select jsonb_build_object('entity', ${entityJson('u')}, 'userId', ${chatUserIdOf('u', PLATFORM)})
      from entities u where u.ref = o.owner_ref
    ) end as "ownerUser",
    t.card,
    ${memberIdsOn('t', PLATFORM)} as "userIds"`;
}

/** A row's `OwnershipColumns` as the core's facts (none: no owner); people carry their ids on `platform`. */
export function toOwnershipFacts(
  entity: EntityRecord,
  row: OwnershipColumns | undefined,
  platform: ChatPlatform | undefined,
): OwnershipFacts {
  const facts: OwnershipFacts = { entity };
  if (row?.declaredOwnerRef) facts.declaredOwnerRef = row.declaredOwnerRef;
  if (!row?.via || !(row.card || row.ownerUser)) return facts;
  const answer: NonNullable<OwnershipFacts['owner']> = {
    via: row.via,
    from: row.fromEntity ? toEntityRecord(row.fromEntity) : entity,
  };
  if (row.card) {
    answer.group = toTeamFacts(row.card, row.userIds, platform);
  } else if (row.ownerUser) {
    answer.user = toPersonRecord({ ...row.ownerUser.entity, userId: row.ownerUser.userId }, platform);
  }
  facts.owner = answer;
  return facts;
}
