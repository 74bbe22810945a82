import type { EntityRef } from '../catalog/types.ts';
import type { ScorecardResult } from '../scorecards/evaluate.ts';
import type { Scorecard } from '../scorecards/format.ts';
import type { StoredResult } from '../scorecards/results.ts';

/**
 * Scorecards, their live evaluation and their history (`src/scorecards/scorecard-source.ts` over the catalog and
 * `scorecard_results`). What `/scorecard` and the digest read.
 */
export interface ScorecardSource {
  /** The scorecards loaded from `WAYFINDER_SCORECARDS_DIR`, in file-name order. */
  scorecards(): readonly Scorecard[];
  /** The time now (injected in tests): which ISO week is "this week", which exemptions have expired. */
  now(): Date;
  /** Each scorecard that applies to the entity, evaluated now from its current facts, with reasons. */
  evaluateEntity(opts: { ref: EntityRef }): Promise<ScorecardResult[]>;
  /** Every entity owned by one of `ownerRefs` (all entities when absent), evaluated now; nothing is stored. */
  evaluate(opts: { ownerRefs?: readonly EntityRef[] }): Promise<StoredResult[]>;
  /**
   * What was stored for `period` (`2026-W47`), for the entities owned now by one of `ownerRefs`, or only `refs`
   * (all when neither is given).
   */
  history(opts: {
    period: string;
    ownerRefs?: readonly EntityRef[];
    refs?: readonly EntityRef[];
  }): Promise<StoredResult[]>;
  /** The weeks results are stored for (`2026-W47`), newest first: the weeks `history` has anything for. */
  periods(): Promise<string[]>;
  /** The Group and every Group below it (`parentOf`, transitively), itself first. */
  teamAndSubteams(opts: { ref: EntityRef }): Promise<EntityRef[]>;
  /**
   * Every Group's title by ref: `spec.profile.displayName`, else `metadata.title`, else its name. How answers name a
   * team in lists (the digest names them the same way).
   */
  teamTitles(): Promise<ReadonlyMap<EntityRef, string>>;
}
