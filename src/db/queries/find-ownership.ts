/**
 * `/owner <name>` in one statement: the name is resolved as `resolveName` resolves it, and each candidate comes with
 * its ownership in the same row, so a name that names exactly one entity (neither a Group nor a User) is answered
 * by that one round trip. A text that is no entity's ref or name costs a second statement (titles, display names,
 * emails and aliases, see `findCandidates`), and an unknown one a third, for suggestions.
 */
import { sql } from 'drizzle-orm';
import type { NameResolution, OwnershipFacts } from '../../core/catalog/records.ts';
import type { ChatPlatform } from '../../core/view-model.ts';
import type { Db } from '../drizzle-db.ts';
import { prepareStatement } from '../prepared.ts';
import { type OwnershipColumns, ownershipColumns, ownershipJoins, toOwnershipFacts } from './ownership.ts';
import {
  bestNamed,
  candidatesQuery,
  createSuggestNames,
  findCandidates,
  type MatchStep,
  type NamedRow,
  nameParameters,
  toNameResolution,
} from './resolve-name.ts';
import { platformParameter } from './team-cards.ts';

export type FindOwnership = (opts: {
  text: string;
  suggestionLimit?: number;
  /** Whose ids people come with (see `CatalogStore.findOwnership`). */
  platform?: ChatPlatform;
}) => Promise<{ resolution: NameResolution; ownership?: OwnershipFacts }>;

type CandidateRow = NamedRow & OwnershipColumns;

export function createFindOwnership(db: Db): FindOwnership {
  // Every candidate's ownership is joined, though only a lone one's is used: an ambiguous name costs a few more
  // primary-key probes, where working out which candidate is alone would cost every answer a window function.
  const statement = (step: MatchStep) =>
    prepareStatement<CandidateRow>(
      db,
      `wayfinder_find_ownership_${step}`,
      candidatesQuery(step, {
        entityColumns: sql`e.owner_ref as "declaredOwnerRef"`,
        columns: ownershipColumns(),
        joins: ownershipJoins('c'),
      }),
    );
  const byStep = { refs: statement('refs'), names: statement('names'), labels: statement('labels') };
  const suggest = createSuggestNames(db);

  return async (opts) => {
    const parameters = { ...nameParameters({ text: opts.text }), platform: platformParameter(opts.platform) };
    if (parameters.text === '') return { resolution: { status: 'missing', suggestions: [] } };
    const rows = await findCandidates(parameters, (step) => byStep[step].execute(parameters));
    const resolution = await toNameResolution(bestNamed(rows), () => suggest(opts));
    if (resolution.status !== 'found' || ['group', 'user'].includes(resolution.entity.kind)) return { resolution };
    const row = rows.find((candidate) => candidate.ref === resolution.entity.ref);
    return { resolution, ownership: toOwnershipFacts(resolution.entity, row, opts.platform) };
  };
}
