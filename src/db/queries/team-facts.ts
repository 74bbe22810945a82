/**
 * The facts about a team that answers show with it: its parent teams (nearest first) and its direct members with
 * their Slack ids. Written as SQL fragments so that `/owner` gets them in the same statement as the owner itself.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { PersonRecord, TeamFacts } from '../../core/ports.ts';
import { type EntityRow, entityColumns, toEntityRecord, toPersonRecord } from '../entity-row.ts';
import { numberLiteral } from '../sql-fragments.ts';

/** A guard against a `childOf` cycle or an absurdly deep org tree. */
const MAX_PARENT_DEPTH = 32;

/** One row of a team-facts result; `role` says what the entity is to the team. */
export type TeamRow = EntityRow & {
  role: string;
  depth: number | null;
  slackUserId: string | null;
};

/** The Slack user id of person `alias`, through the email on their User entity. */
export function slackUserIdOf(alias: string): SQL {
  const a = sql.identifier(alias);
  return sql`(
    select ci.platform_user_id from chat_identities ci
    where ci.platform = 'slack' and lower(ci.email) = lower(${a}.envelope #>> '{spec,profile,email}')
    order by ci.updated_at desc limit 1
  )`;
}

/**
 * CTEs `team_parents(ref, depth)` and `team_members(ref)` for the group named by `team_ref` in CTE `teamCte`
 * (which has at most one row). Needs `with recursive`.
 */
export function teamCtes(teamCte: string): SQL {
  const team = sql.identifier(teamCte);
  return sql`
    team_parents(ref, depth, path) as (
      select r.target_ref, 1, array[t.team_ref, r.target_ref]
      from ${team} t join relations r on r.source_ref = t.team_ref and r.type = 'childOf'
      union
      select r.target_ref, p.depth + 1, p.path || r.target_ref
      from team_parents p join relations r on r.source_ref = p.ref and r.type = 'childOf'
      where not r.target_ref = any(p.path) and p.depth < ${numberLiteral(MAX_PARENT_DEPTH)}
    ),
    team_members(ref) as (
      select distinct r.target_ref
      from ${team} t join relations r on r.source_ref = t.team_ref and r.type = 'hasMember'
    )`;
}

/** Rows with role `parent` and `member` for the CTEs of `teamCtes`, to `union all` with other rows. */
export function teamRows(): SQL {
  return sql`
    select 'parent' as role, min(p.depth) as depth, null as "slackUserId", ${entityColumns('e')}
    from team_parents p join entities e on e.ref = p.ref
    group by e.ref
    union all
    select 'member', null, ${slackUserIdOf('u')}, ${entityColumns('u')}
    from team_members m join entities u on u.ref = m.ref`;
}

/** Assembles `TeamFacts` from the team's own row (role `team`) and the rows of `teamRows`. */
export function toTeamFacts(rows: readonly TeamRow[], teamRole = 'team'): TeamFacts | undefined {
  const teamRow = rows.find((row) => row.role === teamRole);
  if (!teamRow) return undefined;
  const parents = rows
    .filter((row) => row.role === 'parent')
    .sort((a, b) => (a.depth ?? 0) - (b.depth ?? 0) || a.ref.localeCompare(b.ref))
    .map(toEntityRecord);
  const members: PersonRecord[] = rows
    .filter((row) => row.role === 'member')
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.ref.localeCompare(b.ref))
    .map(toPersonRecord);
  return { team: toEntityRecord(teamRow), parents, members };
}
