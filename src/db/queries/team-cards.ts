/**
 * A team card is what an answer shows about a Group, assembled once when the catalog changes instead of on every
 * `/owner`: the team, its parent teams (nearest first) and its direct members. Every import that writes rebuilds
 * them all in one set-based statement (`rebuildTeamCards`), in its own transaction, so a card never disagrees with
 * the entities it was built from. A read is then one primary-key probe. The members' ids on each chat platform are
 * learned while Wayfinder runs, so they sit beside the card (`member_ids`), not in it: worked out when the card is
 * rebuilt and again for the cards of a person whose identity is saved (`refreshMemberIds`), under one lock so that
 * neither overwrites the other with what it read before the other committed. The platform is a parameter of the
 * statement (`PLATFORM`), so one prepared statement serves every platform.
 *
 * The team's envelope in a card leaves out the membership lists (`spec.children`, `spec.members`, `spec.memberOf`): a
 * parent area lists dozens of teams, and answers show members and parents from the card's own lists. Parents and
 * members keep only what names them (`cardPerson`).
 */
import { type SQL, sql } from 'drizzle-orm';
import { emailOf } from '../../core/catalog/facts.ts';
import type { PersonRecord, TeamFacts } from '../../core/catalog/records.ts';
import type { ChatPlatform } from '../../core/view-model.ts';
import type { Db } from '../drizzle-db.ts';
import { type EntityRow, toEntityRecord } from '../entity-row.ts';
import { numberLiteral, textArray } from '../sql-fragments.ts';

/** A guard against a `childOf` cycle or an absurdly deep org tree. */
const MAX_PARENT_DEPTH = 32;

/** The JSON stored in `team_cards.card`. */
export interface TeamCard {
  team: EntityRow;
  /** Nearest first; their envelopes hold only what names them (`cardPerson`). */
  parents: EntityRow[];
  /** Their envelopes hold only what names them and `spec.profile` (`cardPerson`). */
  members: EntityRow[];
}

/** Lowercased email → user id on the platform asked about, for the members of one card. */
export type ChatUserIds = Record<string, string>;

/**
 * The chat platform whose ids a statement reads, as the placeholder `platform`: pass a `ChatPlatform`, or null for
 * none (the console), which matches no identity.
 */
export const PLATFORM: SQL = sql`${sql.placeholder('platform')}::text`;

/** The value of `PLATFORM` for a read on `platform`. */
export function platformParameter(platform: ChatPlatform | undefined): ChatPlatform | null {
  return platform ?? null;
}

/** The team itself as a card stores it: the columns of `EntityRow`, as JSON, without membership lists. */
function cardTeam(alias: string): SQL {
  const a = sql.identifier(alias);
  return sql`jsonb_build_object(
    'ref', ${a}.ref, 'kind', ${a}.kind, 'namespace', ${a}.namespace, 'name', ${a}.name,
    'envelope', ${a}.envelope #- '{spec,children}' #- '{spec,members}' #- '{spec,memberOf}',
    'sourceLocation', ${a}.source_location, 'orphan', ${a}.orphan)`;
}

/**
 * A parent team or a member as a card stores it: what answers show of them (`displayNameOf`, `personSpan`: the
 * name, title and `spec.profile`), not their whole descriptor. Every `/owner` reads and parses its card, and
 * annotations and source locations were most of its bytes.
 */
function cardPerson(alias: string): SQL {
  const a = sql.identifier(alias);
  return sql`jsonb_build_object(
    'ref', ${a}.ref, 'kind', ${a}.kind, 'namespace', ${a}.namespace, 'name', ${a}.name,
    'envelope', jsonb_strip_nulls(jsonb_build_object(
      'apiVersion', ${a}.envelope -> 'apiVersion', 'kind', ${a}.envelope -> 'kind',
      'metadata', jsonb_strip_nulls(jsonb_build_object(
        'name', ${a}.envelope #> '{metadata,name}', 'namespace', ${a}.envelope #> '{metadata,namespace}',
        'title', ${a}.envelope #> '{metadata,title}')),
      'spec', jsonb_strip_nulls(jsonb_build_object('profile', ${a}.envelope #> '{spec,profile}')))),
    'sourceLocation', null, 'orphan', ${a}.orphan)`;
}

/**
 * Brings every team card up to date. Call it in the transaction that changed entities or relations. All cards are
 * computed, but only those that differ are written, so an import that touched no team leaves no dead rows behind.
 */
export async function rebuildTeamCards(db: Db): Promise<void> {
  await lockMemberIds(db);
  await db.execute(sql`
    delete from team_cards t
    where not exists (select 1 from entities g where g.ref = t.team_ref and g.kind = 'group')
  `);
  await db.execute(sql`
    insert into team_cards (team_ref, card, member_emails, member_ids)
    with recursive parents(team_ref, ref, depth, path) as (
      select g.ref, r.target_ref, 1, array[g.ref, r.target_ref]
      from entities g join relations r on r.source_ref = g.ref and r.type = 'childOf'
      where g.kind = 'group'
      union
      select p.team_ref, r.target_ref, p.depth + 1, p.path || r.target_ref
      from parents p join relations r on r.source_ref = p.ref and r.type = 'childOf'
      where not r.target_ref = any(p.path) and p.depth < ${numberLiteral(MAX_PARENT_DEPTH)}
    ),
    nearest as (
      select team_ref, ref, min(depth) as depth from parents group by team_ref, ref
    ),
    memberships as (
      select distinct source_ref as team_ref, target_ref as ref from relations where type = 'hasMember'
    )
    select g.ref,
      jsonb_build_object(
        'team', ${cardTeam('g')},
        'parents', coalesce((
          select jsonb_agg(${cardPerson('e')} order by n.depth, e.ref)
          from nearest n join entities e on e.ref = n.ref where n.team_ref = g.ref
        ), '[]'::jsonb),
        'members', coalesce((
          select jsonb_agg(${cardPerson('u')} order by u.ref)
          from memberships m join entities u on u.ref = m.ref where m.team_ref = g.ref
        ), '[]'::jsonb)
      )::json,
      e.emails,
      ${memberIdsOf(sql`e.emails`)}
    from entities g
    cross join lateral (
      select coalesce(array(
        select lower(u.envelope #>> '{spec,profile,email}')
        from memberships m join entities u on u.ref = m.ref
        where m.team_ref = g.ref and u.envelope #>> '{spec,profile,email}' is not null
      ), '{}') as emails
    ) e
    where g.kind = 'group'
    on conflict (team_ref) do update
      set card = excluded.card, member_emails = excluded.member_emails, member_ids = excluded.member_ids
    where (team_cards.card::text, team_cards.member_emails, team_cards.member_ids)
      is distinct from (excluded.card::text, excluded.member_emails, excluded.member_ids)
  `);
}

/**
 * Advisory lock key of the members' ids (any constant unique to Wayfinder, distinct from the catalog write lock).
 * A card rebuild and an identity save each work out ids from what they read; without the lock, a rebuild that read
 * before a save committed would write ids without the saved person.
 */
const MEMBER_IDS_LOCK = 7_202_511_212;

/**
 * Waits until no other transaction works out members' ids and holds the lock until this one ends
 * (`pg_advisory_xact_lock`; taken again in the same transaction, it is already held).
 */
async function lockMemberIds(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${MEMBER_IDS_LOCK})`);
}

/**
 * `jsonb` of platform → lowercased email → user id, for the identities whose email (lowercased) is in `emails` (an
 * SQL `text[]` expression); of several identities with one email on one platform, the latest saved wins.
 */
function memberIdsOf(emails: SQL): SQL {
  return sql`coalesce((
    select jsonb_object_agg(p.platform, p.ids)
    from (
      select i.platform, jsonb_object_agg(i.email, i.platform_user_id) as ids
      from (
        select distinct on (ci.platform, lower(ci.email)) ci.platform, lower(ci.email) as email, ci.platform_user_id
        from chat_identities ci
        where lower(ci.email) = any(${emails})
        order by ci.platform, lower(ci.email), ci.updated_at desc
      ) i
      group by i.platform
    ) p
  ), '{}'::jsonb)`;
}

/**
 * Works out `member_ids` again for the cards listing any of `emails` (lowercased), or, with `'unknown'`, for the
 * cards whose ids were never worked out (after the migration that added them). Call it in a transaction (the one that
 * saved the identities): it holds the members' ids lock until that ends, so a card rebuild that read identities
 * before them cannot write its ids over these.
 */
export async function refreshMemberIds(tx: Db, emails: readonly string[] | 'unknown'): Promise<void> {
  await lockMemberIds(tx);
  const which = emails === 'unknown' ? sql`t.member_ids is null` : sql`t.member_emails && ${textArray(emails)}`;
  await tx.execute(sql`update team_cards t set member_ids = ${memberIdsOf(sql`t.member_emails`)} where ${which}`);
}

/**
 * `jsonb` of lowercased email → user id on platform `platform` (an SQL text expression, usually `PLATFORM`) for the
 * members of team card `alias` (a `team_cards` row); null when none is known.
 */
export function memberIdsOn(alias: string, platform: SQL): SQL {
  return sql`${sql.identifier(alias)}.member_ids -> ${platform}`;
}

/** The user id on `platform` of person `alias` (an `entities` row), through the email on their User entity. */
export function chatUserIdOf(alias: string, platform: SQL): SQL {
  const a = sql.identifier(alias);
  return sql`(
    select ci.platform_user_id from chat_identities ci
    where ci.platform = ${platform} and lower(ci.email) = lower(${a}.envelope #>> '{spec,profile,email}')
    order by ci.updated_at desc limit 1
  )`;
}

/**
 * A card as the core's `TeamFacts`: parents nearest first, members by name, each with their id on `platform` if
 * known (from `memberIdsOn`).
 */
export function toTeamFacts(
  card: TeamCard,
  userIds: ChatUserIds | null,
  platform: ChatPlatform | undefined,
): TeamFacts {
  const members = card.members.map((row): PersonRecord => {
    const person: PersonRecord = toEntityRecord(row);
    const id = userIds?.[emailOf(person)?.toLowerCase() ?? ''];
    if (id && platform) person.identities = { [platform]: id };
    return person;
  });
  members.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.ref.localeCompare(b.ref));
  return { team: toEntityRecord(card.team), parents: card.parents.map(toEntityRecord), members };
}
