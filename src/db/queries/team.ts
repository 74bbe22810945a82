/** A Group with its parent teams and members, in one statement. */
import { sql } from 'drizzle-orm';
import type { EntityRef } from '../../core/catalog/types.ts';
import type { TeamFacts } from '../../core/ports.ts';
import type { Db } from '../client.ts';
import { entityColumns } from '../entity-row.ts';
import { prepareStatement } from '../prepared.ts';
import { type TeamRow, teamCtes, teamRows, toTeamFacts } from './team-facts.ts';

/** Resolves to undefined when `ref` is not a Group in the catalog. */
export type GetTeam = (opts: { ref: EntityRef }) => Promise<TeamFacts | undefined>;

export function createGetTeam(db: Db): GetTeam {
  const statement = prepareStatement<TeamRow>(
    db,
    'wayfinder_get_team',
    sql`
    with recursive the_team as (
      select ref as team_ref from entities where ref = ${sql.placeholder('ref')} and kind = 'group'
    ),
    ${teamCtes('the_team')}
    select 'team' as role, null::int as depth, null as "slackUserId", ${entityColumns('e')}
    from the_team t join entities e on e.ref = t.team_ref
    union all
    ${teamRows()}
  `,
  );
  return async (opts) => toTeamFacts(await statement.execute({ ref: opts.ref }));
}
