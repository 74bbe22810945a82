/** A Group with its parent teams and members: its team card (`team-cards.ts`), one row. */
import { sql } from 'drizzle-orm';
import type { TeamFacts } from '../../core/catalog/records.ts';
import type { EntityRef } from '../../core/catalog/types.ts';
import type { ChatPlatform } from '../../core/view-model.ts';
import type { Db } from '../drizzle-db.ts';
import { prepareStatement } from '../prepared.ts';
import {
  type ChatUserIds,
  memberIdsOn,
  PLATFORM,
  platformParameter,
  type TeamCard,
  toTeamFacts,
} from './team-cards.ts';

/** Resolves to undefined when `ref` is not a Group in the catalog. Members come with their ids on `platform`. */
export type GetTeam = (opts: { ref: EntityRef; platform?: ChatPlatform }) => Promise<TeamFacts | undefined>;

export function createGetTeam(db: Db): GetTeam {
  const statement = prepareStatement<{ card: TeamCard; userIds: ChatUserIds | null }>(
    db,
    'wayfinder_get_team',
    sql`
    select t.card, ${memberIdsOn('t', PLATFORM)} as "userIds"
    from team_cards t where t.team_ref = ${sql.placeholder('ref')}
  `,
  );
  return async (opts) => {
    const [row] = await statement.execute({ ref: opts.ref, platform: platformParameter(opts.platform) });
    return row && toTeamFacts(row.card, row.userIds, opts.platform);
  };
}
