/**
 * Scoring one entity against one scorecard. Pure: facts in, outcome out.
 *
 * - A check is three-valued: `pass`, `fail`, or `unknown` when a fact it reads is unknown (not collected, unreadable).
 *   `all` fails when any part fails, else is unknown when any part is; `any` passes when any part passes, else is
 *   unknown when any part is.
 * - An active exemption (its `expires` day not past) turns the rule's outcome into `exempt`.
 * - The level is the highest level whose rules, and every rule below it, pass or are exempt (Tech Insights' maturity
 *   rank, Soundcheck's certification). An unknown rule never fails, and is shown as unknown with the reason; a level
 *   is claimed only when at least one of its rules is known to pass (see `levelOf`).
 * - The score is the share of rules that pass or are exempt among those whose outcome is known, in percent.
 */
import type { EntityFacts, FactValue } from './facts.ts';
import type { Check, Operator, Rule, Scorecard } from './format.ts';

export type RuleOutcome =
  | { outcome: 'pass' }
  | { outcome: 'fail' }
  | { outcome: 'unknown'; reason: string }
  | { outcome: 'exempt'; reason: string; expires: string };

/** An entity's result on one scorecard. `level` is an index into `scorecard.levels`; -1 when below the first. */
export interface ScorecardResult {
  entityRef: string;
  scorecardId: string;
  level: number;
  /** Percent, 0–100, rounded to one decimal; 100 when no rule's outcome is known. */
  score: number;
  rules: ReadonlyMap<string, RuleOutcome>;
}

/** The entity fields `appliesTo` filters on, lowercase. */
export interface EntityShape {
  ref: string;
  kind: string;
  type: string | null;
  lifecycle: string | null;
  tags: readonly string[];
  /** The system's name (`spec.system`, as written). */
  system: string | null;
}

/** Whether the scorecard applies to the entity: every filter given matches (each filter: any of its values). */
export function appliesTo(scorecard: Scorecard, entity: EntityShape): boolean {
  const filter = scorecard.appliesTo;
  const among = (list: readonly string[] | undefined, value: string | null) =>
    !list || (value !== null && list.some((item) => item.toLowerCase() === value.toLowerCase()));
  const system = entity.system?.replace(/^system:/i, '').replace(/^default\//i, '') ?? null;
  return (
    among(filter.kind, entity.kind) &&
    among(filter.type, entity.type) &&
    among(filter.lifecycle, entity.lifecycle) &&
    among(filter.system, system) &&
    (!filter.tags || entity.tags.some((tag) => among(filter.tags, tag)))
  );
}

/** `today` is `YYYY-MM-DD` (UTC): the day exemptions are judged on. */
export function evaluateEntity(opts: {
  scorecard: Scorecard;
  entityRef: string;
  facts: EntityFacts;
  today: string;
}): ScorecardResult {
  const { scorecard, entityRef, facts, today } = opts;
  const rules = new Map<string, RuleOutcome>();
  const exemptions = scorecard.exemptions.length > 0;
  for (const rule of scorecard.rules) {
    const exemption =
      exemptions &&
      scorecard.exemptions.find(
        (candidate) => candidate.rule === rule.id && candidate.entity === entityRef && candidate.expires >= today,
      );
    if (exemption) {
      rules.set(rule.id, { outcome: 'exempt', reason: exemption.reason, expires: exemption.expires });
      continue;
    }
    rules.set(rule.id, evaluateCheck(rule.check, facts));
  }
  return { entityRef, scorecardId: scorecard.id, level: levelOf(scorecard, rules), score: scoreOf(rules), rules };
}

/**
 * The highest level index whose rules and all below pass; -1 if none. Exempt rules count as passing. An unknown rule
 * neither fails nor proves a level: a level is reached when none of its rules fails and at least one passes (or is
 * exempt), so a level checked only by facts nobody could read is not claimed.
 */
export function levelOf(scorecard: Scorecard, outcomes: ReadonlyMap<string, RuleOutcome>): number {
  let level = -1;
  for (let index = 0; index < scorecard.levels.length; index++) {
    const name = scorecard.levels[index];
    const mine = scorecard.rules
      .filter((rule) => rule.level === name)
      .map((rule) => outcomes.get(rule.id)?.outcome ?? 'unknown');
    if (mine.includes('fail')) break;
    if (mine.length > 0 && mine.every((outcome) => outcome === 'unknown')) break;
    level = index;
  }
  return level;
}

function scoreOf(outcomes: ReadonlyMap<string, RuleOutcome>): number {
  let known = 0;
  let passed = 0;
  for (const { outcome } of outcomes.values()) {
    if (outcome === 'unknown') continue;
    known += 1;
    if (outcome !== 'fail') passed += 1;
  }
  return known === 0 ? 100 : Math.round((passed / known) * 1000) / 10;
}

/** The rules at level index `level` that the entity fails: what stands between it and that level. */
export function failingAt(scorecard: Scorecard, result: ScorecardResult, level: number): Rule[] {
  const name = scorecard.levels[level];
  return scorecard.rules.filter((rule) => rule.level === name && result.rules.get(rule.id)?.outcome === 'fail');
}

export function evaluateCheck(check: Check, facts: EntityFacts): RuleOutcome {
  if ('all' in check || 'any' in check) {
    const parts = ('all' in check ? check.all : check.any).map((part) => evaluateCheck(part, facts));
    const decisive = 'all' in check ? 'fail' : 'pass';
    if (parts.some((part) => part.outcome === decisive)) return { outcome: decisive };
    const unknown = parts.find((part) => part.outcome === 'unknown');
    if (unknown) return unknown;
    return { outcome: 'all' in check ? 'pass' : 'fail' };
  }
  const reading = facts.get(check.fact);
  if (!reading) return { outcome: 'unknown', reason: `${check.fact} has not been collected yet` };
  if (reading.status === 'unknown') return { outcome: 'unknown', reason: reading.reason };
  return { outcome: compare(reading.value, check.operator, check.value) ? 'pass' : 'fail' };
}

function compare(fact: FactValue, operator: Operator, expected: unknown): boolean {
  if (operator === 'exists') {
    if (fact === null || fact === false) return false;
    if (typeof fact === 'string') return fact.trim() !== '';
    if (Array.isArray(fact)) return fact.length > 0;
    return true;
  }
  if (fact === null) return false;
  const values = Array.isArray(fact) ? fact : [fact];
  switch (operator) {
    case 'equals':
      return values.some((value) => same(value, expected));
    case 'in':
      return Array.isArray(expected) && values.some((value) => expected.some((item) => same(value, item)));
    case 'matches': {
      if (typeof expected !== 'string') return false;
      const pattern = compiled(expected);
      return values.some((value) => pattern.test(String(value)));
    }
    default: {
      const number = typeof fact === 'number' ? fact : Number.NaN;
      const bound = Number(expected);
      if (Number.isNaN(number)) return false;
      if (operator === '<') return number < bound;
      if (operator === '<=') return number <= bound;
      if (operator === '>') return number > bound;
      return number >= bound;
    }
  }
}

const patterns = new Map<string, RegExp>();

/** Each scorecard's patterns are compiled once, not once per entity. */
function compiled(source: string): RegExp {
  let pattern = patterns.get(source);
  if (!pattern) {
    pattern = new RegExp(source);
    patterns.set(source, pattern);
  }
  return pattern;
}

/** Strings compare case-insensitively (lifecycles and types are written every which way); others strictly. */
function same(value: unknown, expected: unknown): boolean {
  if (typeof value === 'string' && typeof expected === 'string') return value.toLowerCase() === expected.toLowerCase();
  if (typeof value === 'string' && typeof expected === 'number') return value === String(expected);
  return value === expected;
}
