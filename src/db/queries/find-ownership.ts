/**
 * `/owner <name>` in one statement: the name is resolved as `resolveName` resolves it and, when it names exactly
 * one entity that is neither a Group nor a User, that entity's ownership comes back in the same rows. Only an
 * unknown name costs a second statement, for suggestions.
 */
import { sql } from 'drizzle-orm';
import type { NameResolution, OwnershipFacts } from '../../core/catalog/records.ts';
import type { ChatPlatform } from '../../core/view-model.ts';
import type { Db } from '../drizzle-db.ts';
import { entityColumns } from '../entity-row.ts';
import { prepareStatement } from '../prepared.ts';
import { type OwnershipRow, ownershipCtes, ownershipRows, toOwnershipFacts } from './ownership.ts';
import { bestNamed, createSuggestNames, namedCte, nameParameters, toNameResolution } from './resolve-name.ts';
import { platformParameter } from './team-cards.ts';

export type FindOwnership = (opts: {
  text: string;
  suggestionLimit?: number;
  /** Whose ids people come with (see `CatalogStore.findOwnership`). */
  platform?: ChatPlatform;
}) => Promise<{ resolution: NameResolution; ownership?: OwnershipFacts }>;

export function createFindOwnership(db: Db): FindOwnership {
  const statement = prepareStatement<OwnershipRow>(
    db,
    'wayfinder_find_ownership',
    sql`
    with ${namedCte()},
    top as (
      -- The best level; a Location loses a tie to any other kind, as in \`bestNamed\`.
      select ref, kind, owner_ref from named t
      where level = (select min(level) from named)
        and (kind <> 'location' or not exists (select 1 from named m where m.level = t.level and m.kind <> 'location'))
    ),
    subject as (
      select ref, owner_ref, kind from top
      where (select count(*) from top) = 1 and kind not in ('group', 'user')
    ),
    ${ownershipCtes()}
    select 'named' as role, n.level as depth, null as "userId", null as via, null as "ownerRef",
      null::jsonb as "userIds", n.name_shared as "nameShared", ${entityColumns('n')}
    from named n
    union all
    ${ownershipRows()}
  `,
  );
  const suggest = createSuggestNames(db);

  return async (opts) => {
    const parameters = nameParameters({ text: opts.text });
    if (parameters.text === '') return { resolution: { status: 'missing', suggestions: [] } };
    const rows = await statement.execute({ ...parameters, platform: platformParameter(opts.platform) });
    const named = rows.filter((row) => row.role === 'named').map((row) => ({ ...row, level: row.depth ?? 0 }));
    const resolution = await toNameResolution(bestNamed(named), () => suggest(opts));
    const subject = resolution.status === 'found' && rows.some((row) => row.role === 'subject');
    return subject
      ? { resolution, ownership: toOwnershipFacts(resolution.entity, rows, opts.platform) }
      : { resolution };
  };
}
