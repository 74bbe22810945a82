import type { EntityRef } from '../core/catalog/types.ts';
import type { ScorecardSource } from '../core/ports/scorecard-source.ts';
import type { ScorecardStore } from '../core/ports/scorecard-store.ts';
import type { ScorecardResult } from '../core/scorecards/evaluate.ts';
import type { Scorecard } from '../core/scorecards/format.ts';
import { dayOf } from '../core/scorecards/period.ts';
import type { StoredResult } from '../core/scorecards/results.ts';
import { evaluateRows, readFactsFor } from './evaluate-all.ts';

/** `ScorecardSource` over the loaded scorecards and a `ScorecardStore`; `clock` is injected in tests. */
export function createScorecardSource(opts: {
  scorecards: readonly Scorecard[];
  store: ScorecardStore;
  clock?: () => Date;
}): ScorecardSource {
  const { scorecards, store } = opts;
  const clock = opts.clock ?? (() => new Date());
  return {
    scorecards: () => scorecards,
    now: clock,
    async evaluateEntity({ ref }): Promise<ScorecardResult[]> {
      const rows = await readFactsFor(store, scorecards, { refs: [ref] });
      return evaluateRows(scorecards, rows, dayOf(clock())).map((result) => result.live);
    },
    async evaluate({ ownerRefs }: { ownerRefs?: readonly EntityRef[] }): Promise<StoredResult[]> {
      const rows = await readFactsFor(store, scorecards, ownerRefs ? { ownerRefs } : {});
      return evaluateRows(scorecards, rows, dayOf(clock())).map((result) => result.stored);
    },
    history: (args) => store.history(args),
    periods: () => store.periods(),
    teamAndSubteams: (args) => store.teamAndSubteams(args),
    async teamTitles() {
      return new Map((await store.teamChannels()).map((team) => [team.ref, team.title]));
    },
  };
}
