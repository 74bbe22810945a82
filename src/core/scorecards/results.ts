/**
 * Results as history keeps them (one per entity, scorecard and ISO week) and the questions asked of them: level counts,
 * what changed since another week, which fixes would raise the most entities a level, which rules fail most. Pure.
 */

import type { ScorecardResult } from './evaluate.ts';
import type { Rule, Scorecard } from './format.ts';

export type OutcomeCode = 'pass' | 'fail' | 'unknown' | 'exempt';

/** One entity's result on one scorecard, as stored per week. `level` indexes `scorecard.levels`; -1: below the first. */
export interface StoredResult {
  entityRef: string;
  /** What a person types: `payments-api`, or `billing/payments-api` outside the default namespace. */
  entityName: string;
  /** The entity's owner now (through its system or domain when it names none); null when nobody owns it. */
  ownerRef: string | null;
  scorecardId: string;
  level: number;
  score: number;
  outcomes: Readonly<Record<string, OutcomeCode>>;
}

export function toStored(
  result: ScorecardResult,
  entity: { entityName: string; ownerRef: string | null },
): StoredResult {
  const outcomes: Record<string, OutcomeCode> = {};
  for (const [rule, outcome] of result.rules) outcomes[rule] = outcome.outcome;
  return {
    entityRef: result.entityRef,
    entityName: entity.entityName,
    ownerRef: entity.ownerRef,
    scorecardId: result.scorecardId,
    level: result.level,
    score: result.score,
    outcomes,
  };
}

/** How many entities sit at each level: index 0 is "below the first level", then one per level, lowest first. */
export function levelCounts(scorecard: Scorecard, results: readonly StoredResult[]): number[] {
  const counts = Array.from({ length: scorecard.levels.length + 1 }, () => 0);
  for (const result of results) {
    if (result.scorecardId !== scorecard.id) continue;
    const slot = Math.min(Math.max(result.level, -1), scorecard.levels.length - 1) + 1;
    counts[slot] = (counts[slot] ?? 0) + 1;
  }
  return counts;
}

/** The name of level index `level`, or `below <first level>` for -1. */
export function levelName(scorecard: Scorecard, level: number): string {
  return scorecard.levels[level] ?? `below ${scorecard.levels[0] ?? 'the first level'}`;
}

export interface LevelChange {
  entityRef: string;
  entityName: string;
  from: number;
  to: number;
  /** Promotions: the rules that went from fail to pass; regressions: from pass (or exempt) to fail. */
  flipped: Rule[];
}

/**
 * Entities whose level differs between `previous` and `current` on `scorecard`, promotions and regressions each ordered
 * by the size of the move, then name. An entity with no previous result (new, or newly in scope) is not a change.
 */
export function changesBetween(
  scorecard: Scorecard,
  current: readonly StoredResult[],
  previous: readonly StoredResult[],
): { promotions: LevelChange[]; regressions: LevelChange[] } {
  const before = new Map(
    previous.filter((result) => result.scorecardId === scorecard.id).map((result) => [result.entityRef, result]),
  );
  const promotions: LevelChange[] = [];
  const regressions: LevelChange[] = [];
  for (const now of current) {
    if (now.scorecardId !== scorecard.id) continue;
    const then = before.get(now.entityRef);
    if (!then || then.level === now.level) continue;
    const up = now.level > then.level;
    const flipped = scorecard.rules.filter((rule) => {
      const was = then.outcomes[rule.id];
      const is = now.outcomes[rule.id];
      return up ? was === 'fail' && (is === 'pass' || is === 'exempt') : is === 'fail' && was !== 'fail';
    });
    const change = { entityRef: now.entityRef, entityName: now.entityName, from: then.level, to: now.level, flipped };
    (up ? promotions : regressions).push(change);
  }
  const order = (a: LevelChange, b: LevelChange) =>
    Math.abs(b.to - b.from) - Math.abs(a.to - a.from) || a.entityName.localeCompare(b.entityName);
  return { promotions: promotions.sort(order), regressions: regressions.sort(order) };
}

export interface FixSuggestion {
  rule: Rule;
  /** Entities for which this rule is the only one failing at their next level: fixing it raises them a level. */
  raises: number;
  /** Entities failing it at their next level (it is one of what holds them back). */
  blocks: number;
}

/**
 * The `limit` fixes that would raise the most entities a level: for each rule, the entities whose next level it alone
 * holds back; ties broken by how many it holds back at all, then by the lower level, then title. Rules that hold
 * nobody back are left out.
 */
export function topFixes(scorecard: Scorecard, results: readonly StoredResult[], limit = 3): FixSuggestion[] {
  const tally = new Map<string, FixSuggestion>();
  for (const result of results) {
    if (result.scorecardId !== scorecard.id) continue;
    const next = scorecard.levels[result.level + 1];
    if (next === undefined) continue;
    const blocking = scorecard.rules.filter((rule) => rule.level === next && result.outcomes[rule.id] === 'fail');
    for (const rule of blocking) {
      const entry = tally.get(rule.id) ?? { rule, raises: 0, blocks: 0 };
      entry.blocks += 1;
      if (blocking.length === 1) entry.raises += 1;
      tally.set(rule.id, entry);
    }
  }
  const levelIndex = (rule: Rule) => scorecard.levels.indexOf(rule.level);
  return [...tally.values()]
    .sort(
      (a, b) =>
        b.raises - a.raises ||
        b.blocks - a.blocks ||
        levelIndex(a.rule) - levelIndex(b.rule) ||
        a.rule.title.localeCompare(b.rule.title),
    )
    .slice(0, limit);
}

/** Rules by how many entities fail them, most first; rules nobody fails are left out. */
export function failingRules(
  scorecard: Scorecard,
  results: readonly StoredResult[],
): { rule: Rule; failing: number; of: number }[] {
  const scoped = results.filter((result) => result.scorecardId === scorecard.id);
  return scorecard.rules
    .map((rule) => ({
      rule,
      failing: scoped.filter((result) => result.outcomes[rule.id] === 'fail').length,
      of: scoped.length,
    }))
    .filter((entry) => entry.failing > 0)
    .sort((a, b) => b.failing - a.failing || a.rule.title.localeCompare(b.rule.title));
}

/** Net level movement of a set of results between two weeks: the sum of level differences of entities in both. */
export function netMovement(current: readonly StoredResult[], previous: readonly StoredResult[]): number {
  const before = new Map(previous.map((result) => [`${result.scorecardId}\u0000${result.entityRef}`, result.level]));
  let net = 0;
  for (const now of current) {
    const then = before.get(`${now.scorecardId}\u0000${now.entityRef}`);
    if (then !== undefined) net += now.level - then;
  }
  return net;
}
