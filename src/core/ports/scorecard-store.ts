import type { EntityRef } from '../catalog/types.ts';
import type { EntityShape } from '../scorecards/evaluate.ts';
import type { EntityFacts, FactValue } from '../scorecards/facts.ts';
import type { StoredResult } from '../scorecards/results.ts';

/** An entity with what scorecards read of it. */
export interface EntityFactsRow {
  entity: EntityShape & { entityName: string; ownerRef: string | null };
  facts: EntityFacts;
}

/** A Group and its channel for the digest (`slack.com/bot-notify`), null when it has none. */
export interface TeamChannel {
  ref: EntityRef;
  title: string;
  channel: string | null;
}

/** A fact collected outside the catalog (GitHub): a value, or the reason it could not be read. */
export type CollectedFact =
  | { entityRef: EntityRef; name: string; value: FactValue; readAt: Date }
  | { entityRef: EntityRef; name: string; unknownReason: string; readAt: Date };

/** Facts, results history and teams for scorecards. Implemented by `DrizzleScorecardStore`. */
export interface ScorecardStore {
  /**
   * Every entity that is not a Group, User, Location or Template (of `kinds` when given, lowercase), owned by one of
   * `ownerRefs` when given, or only `refs` when given, with its catalog facts (read set-based, in one statement), its
   * `annotation:<key>` facts for `annotationKeys`, and the collected facts stored for it.
   */
  readFacts(opts: {
    kinds?: readonly string[];
    ownerRefs?: readonly EntityRef[];
    refs?: readonly EntityRef[];
    annotationKeys?: readonly string[];
  }): Promise<EntityFactsRow[]>;
  /**
   * Stores `results` as `period`'s, in one transaction. With `replaceScorecards`, that week's earlier results of those
   * scorecards are removed first (a full evaluation: entities no longer in scope leave the week).
   */
  saveResults(opts: {
    period: string;
    results: readonly StoredResult[];
    replaceScorecards?: readonly string[];
  }): Promise<void>;
  /** `period`'s stored results, of entities owned now by one of `ownerRefs` when given, or only `refs`. */
  history(opts: {
    period: string;
    ownerRefs?: readonly EntityRef[];
    refs?: readonly EntityRef[];
  }): Promise<StoredResult[]>;
  /** Whether any result is stored for `period` (a past week's digest is composed from them, never re-evaluated). */
  hasResults(opts: { period: string }): Promise<boolean>;
  /** The weeks results are stored for (`2026-W47`), newest first. */
  periods(): Promise<string[]>;
  /** The Group and every Group below it, itself first. */
  teamAndSubteams(opts: { ref: EntityRef }): Promise<EntityRef[]>;
  /** Every Group with its channel, by ref. */
  teamChannels(): Promise<TeamChannel[]>;
  /** Stores collected facts (upsert by entity and name). */
  saveFacts(opts: { facts: readonly CollectedFact[] }): Promise<void>;
  /**
   * The GitHub repository (`owner/name`) of every entity that has one, as Backstage names it: the
   * `github.com/project-slug` annotation, else the repository the GitHub sync read the entity from. Groups, Users,
   * Locations and Templates are left out.
   */
  entityRepositories(): Promise<{ entityRef: EntityRef; repo: string }[]>;
}
