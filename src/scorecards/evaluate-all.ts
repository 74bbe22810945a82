/**
 * Scoring the catalog: facts read set-based in one statement, every scorecard applied in memory, results written in
 * bulk. What the schedule, `wayfinder scorecards evaluate` and the digest run.
 */
import type { EntityRef } from '../core/catalog/types.ts';
import type { EntityFactsRow, ScorecardStore } from '../core/ports/scorecard-store.ts';
import { appliesTo, evaluateEntity, type ScorecardResult } from '../core/scorecards/evaluate.ts';
import { ANNOTATION_FACT_PREFIX } from '../core/scorecards/facts.ts';
import type { Check, Scorecard } from '../core/scorecards/format.ts';
import { type StoredResult, toStored } from '../core/scorecards/results.ts';

/** The annotation keys the scorecards' `annotation:<key>` facts read. */
export function annotationKeysOf(scorecards: readonly Scorecard[]): string[] {
  const keys = new Set<string>();
  const visit = (check: Check): void => {
    if ('all' in check || 'any' in check) {
      for (const part of 'all' in check ? check.all : check.any) visit(part);
    } else if (check.fact.startsWith(ANNOTATION_FACT_PREFIX)) {
      keys.add(check.fact.slice(ANNOTATION_FACT_PREFIX.length));
    }
  };
  for (const scorecard of scorecards) for (const rule of scorecard.rules) visit(rule.check);
  return [...keys];
}

/** The kinds the scorecards apply to (lowercase), or undefined when one of them applies to any kind. */
function kindsOf(scorecards: readonly Scorecard[]): string[] | undefined {
  if (scorecards.some((scorecard) => !scorecard.appliesTo.kind)) return undefined;
  return [
    ...new Set(scorecards.flatMap((scorecard) => scorecard.appliesTo.kind ?? []).map((kind) => kind.toLowerCase())),
  ];
}

/** Reads the facts of the entities in scope (owned by `ownerRefs` / only `refs` when given). */
export function readFactsFor(
  store: ScorecardStore,
  scorecards: readonly Scorecard[],
  scope: { ownerRefs?: readonly EntityRef[]; refs?: readonly EntityRef[] },
): Promise<EntityFactsRow[]> {
  const kinds = kindsOf(scorecards);
  return store.readFacts({
    ...scope,
    ...(kinds ? { kinds } : {}),
    annotationKeys: annotationKeysOf(scorecards),
  });
}

/** Each scorecard that applies to each row, evaluated; `today` (`YYYY-MM-DD`) judges exemptions. */
export function evaluateRows(
  scorecards: readonly Scorecard[],
  rows: readonly EntityFactsRow[],
  today: string,
): { live: ScorecardResult; stored: StoredResult }[] {
  const out: { live: ScorecardResult; stored: StoredResult }[] = [];
  for (const row of rows) {
    for (const scorecard of scorecards) {
      if (!appliesTo(scorecard, row.entity)) continue;
      const live = evaluateEntity({ scorecard, entityRef: row.entity.ref, facts: row.facts, today });
      out.push({ live, stored: toStored(live, row.entity) });
    }
  }
  return out;
}

/**
 * Evaluates every entity on every scorecard and stores the results as `period`'s, replacing that week's earlier ones.
 * Returns how many entities and results.
 */
export async function evaluateAndStore(opts: {
  store: ScorecardStore;
  scorecards: readonly Scorecard[];
  period: string;
  today: string;
}): Promise<{ entities: number; results: number }> {
  const rows = await readFactsFor(opts.store, opts.scorecards, {});
  const results = evaluateRows(opts.scorecards, rows, opts.today).map((result) => result.stored);
  await opts.store.saveResults({
    period: opts.period,
    results,
    replaceScorecards: opts.scorecards.map((scorecard) => scorecard.id),
  });
  return { entities: rows.length, results: results.length };
}
