import { describe, expect, it } from 'vitest';
import { evaluateEntity } from '../../src/core/scorecards/evaluate.ts';
import type { FactReading } from '../../src/core/scorecards/facts.ts';
import { parseScorecard, type Scorecard } from '../../src/core/scorecards/format.ts';
import { periodBefore, periodOf, periodStart, periodsEnding } from '../../src/core/scorecards/period.ts';
import {
  changesBetween,
  failingRules,
  levelCounts,
  type StoredResult,
  topFixes,
} from '../../src/core/scorecards/results.ts';

const rule = (id: string, level: string, check: unknown) => ({
  id,
  level,
  title: `Rule ${id}`,
  why: 'Because.',
  fix: { text: `Fix ${id}.` },
  check,
});

function scorecard(extra: Record<string, unknown> = {}): Scorecard {
  const parsed = parseScorecard({
    id: 'ready',
    title: 'Ready',
    owner: 'group:default/platform',
    levels: ['Bronze', 'Silver', 'Gold'],
    rules: [
      rule('owner', 'Bronze', { fact: 'owner.exists', operator: 'equals', value: true }),
      rule('docs', 'Silver', { fact: 'techdocs', operator: 'exists' }),
      rule('oncall', 'Silver', {
        any: [
          { fact: 'oncall', operator: 'exists' },
          { fact: 'annotation:opsgenie.com/team', operator: 'exists' },
        ],
      }),
      rule('alerts', 'Gold', { fact: 'github.dependabot.critical', operator: '<=', value: 0 }),
    ],
    ...extra,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.scorecard;
}

const known = (
  value: FactReading extends infer R ? (R extends { value: infer V } ? V : never) : never,
): FactReading => ({
  status: 'known',
  value,
});

function facts(values: Record<string, FactReading>): Map<string, FactReading> {
  return new Map(Object.entries(values));
}

const ALL_GOOD = {
  'owner.exists': known(true),
  techdocs: known('dir:.'),
  oncall: known('PX1'),
  'annotation:opsgenie.com/team': known(null),
  'github.dependabot.critical': known(0),
};

describe('scorecard levels', () => {
  it('gives the highest level whose rules and all below pass', () => {
    const card = scorecard();
    const gold = evaluateEntity({
      scorecard: card,
      entityRef: 'component:default/a',
      facts: facts(ALL_GOOD),
      today: '2026-11-30',
    });
    expect(gold.level).toBe(2);
    expect(gold.score).toBe(100);
    const silverFails = evaluateEntity({
      scorecard: card,
      entityRef: 'component:default/a',
      facts: facts({ ...ALL_GOOD, techdocs: known(null) }),
      today: '2026-11-30',
    });
    // Gold's own rule passes, but a Silver rule fails: the level stops at Bronze.
    expect(silverFails.level).toBe(0);
    expect(silverFails.score).toBe(75);
    const none = evaluateEntity({
      scorecard: card,
      entityRef: 'component:default/a',
      facts: facts({ ...ALL_GOOD, 'owner.exists': known(false) }),
      today: '2026-11-30',
    });
    expect(none.level).toBe(-1);
  });

  it('passes an any-check on its second alternative', () => {
    const result = evaluateEntity({
      scorecard: scorecard(),
      entityRef: 'component:default/a',
      facts: facts({ ...ALL_GOOD, oncall: known(null), 'annotation:opsgenie.com/team': known('payments') }),
      today: '2026-11-30',
    });
    expect(result.rules.get('oncall')).toEqual({ outcome: 'pass' });
  });

  it('reports an unknown fact with its reason and never fails the rule, but claims no level only unknown facts check', () => {
    const { 'github.dependabot.critical': _, ...withoutGitHub } = ALL_GOOD;
    const notCollected = evaluateEntity({
      scorecard: scorecard(),
      entityRef: 'component:default/a',
      facts: facts(withoutGitHub),
      today: '2026-11-30',
    });
    expect(notCollected.rules.get('alerts')).toEqual({
      outcome: 'unknown',
      reason: 'github.dependabot.critical has not been collected yet',
    });
    // Gold's only rule is unknown: Silver is the level that is shown to hold; the score counts known rules only.
    expect(notCollected.level).toBe(1);
    expect(notCollected.score).toBe(100);
    const forbidden = evaluateEntity({
      scorecard: scorecard(),
      entityRef: 'component:default/a',
      facts: facts({
        ...ALL_GOOD,
        'github.dependabot.critical': {
          status: 'unknown',
          reason: 'GitHub answered 403: no access to Dependabot alerts',
        },
      }),
      today: '2026-11-30',
    });
    expect(forbidden.rules.get('alerts')).toEqual({
      outcome: 'unknown',
      reason: 'GitHub answered 403: no access to Dependabot alerts',
    });
  });

  it('honours an exemption until its expiry day, then fails the rule again', () => {
    const card = scorecard({
      exemptions: [
        { entity: 'Component:default/A', rule: 'docs', reason: 'Docs move to the wiki', expires: '2026-12-31' },
      ],
    });
    const input = {
      scorecard: card,
      entityRef: 'component:default/a',
      facts: facts({ ...ALL_GOOD, techdocs: known(null) }),
    };
    const exempt = evaluateEntity({ ...input, today: '2026-12-31' });
    expect(exempt.rules.get('docs')).toEqual({
      outcome: 'exempt',
      reason: 'Docs move to the wiki',
      expires: '2026-12-31',
    });
    expect(exempt.level).toBe(2);
    const expired = evaluateEntity({ ...input, today: '2027-01-01' });
    expect(expired.rules.get('docs')).toEqual({ outcome: 'fail' });
    expect(expired.level).toBe(0);
  });
});

function stored(
  entity: string,
  level: number,
  outcomes: Record<string, StoredResult['outcomes'][string]>,
): StoredResult {
  return {
    entityRef: `component:default/${entity}`,
    entityName: entity,
    ownerRef: 'group:default/payments',
    scorecardId: 'ready',
    level,
    score: 0,
    outcomes,
  };
}

describe('history', () => {
  const card = scorecard();
  const lastWeek = [
    stored('api', 0, { owner: 'pass', docs: 'fail', oncall: 'pass', alerts: 'pass' }),
    stored('worker', 2, { owner: 'pass', docs: 'pass', oncall: 'pass', alerts: 'pass' }),
    stored('ledger', 1, { owner: 'pass', docs: 'pass', oncall: 'pass', alerts: 'fail' }),
  ];
  const thisWeek = [
    stored('api', 2, { owner: 'pass', docs: 'pass', oncall: 'pass', alerts: 'pass' }),
    stored('worker', 0, { owner: 'pass', docs: 'pass', oncall: 'fail', alerts: 'pass' }),
    stored('ledger', 1, { owner: 'pass', docs: 'pass', oncall: 'pass', alerts: 'fail' }),
    stored('new-thing', -1, { owner: 'fail', docs: 'fail', oncall: 'fail', alerts: 'fail' }),
  ];

  it('names promotions and regressions with the rules that flipped, and leaves out new entities', () => {
    const { promotions, regressions } = changesBetween(card, thisWeek, lastWeek);
    expect(
      promotions.map((change) => [change.entityName, change.from, change.to, change.flipped.map((r) => r.id)]),
    ).toEqual([['api', 0, 2, ['docs']]]);
    expect(
      regressions.map((change) => [change.entityName, change.from, change.to, change.flipped.map((r) => r.id)]),
    ).toEqual([['worker', 2, 0, ['oncall']]]);
  });

  it('counts levels, lowest slot for entities below the first level', () => {
    expect(levelCounts(card, thisWeek)).toEqual([1, 1, 1, 1]);
  });

  it('picks the fixes that would raise the most services a level', () => {
    const results = [
      stored('a', 0, { owner: 'pass', docs: 'fail', oncall: 'pass', alerts: 'pass' }),
      stored('b', 0, { owner: 'pass', docs: 'fail', oncall: 'pass', alerts: 'pass' }),
      stored('c', 0, { owner: 'pass', docs: 'fail', oncall: 'fail', alerts: 'pass' }),
      stored('d', 1, { owner: 'pass', docs: 'pass', oncall: 'pass', alerts: 'fail' }),
      stored('e', -1, { owner: 'fail', docs: 'pass', oncall: 'pass', alerts: 'pass' }),
    ];
    expect(topFixes(card, results).map((fix) => [fix.rule.id, fix.raises, fix.blocks])).toEqual([
      ['docs', 2, 3],
      // A tie goes to the lower level: raising an entity from nothing to Bronze first.
      ['owner', 1, 1],
      ['alerts', 1, 1],
    ]);
    expect(failingRules(card, results).map((entry) => [entry.rule.id, entry.failing])).toEqual([
      ['docs', 3],
      ['alerts', 1],
      ['oncall', 1],
      ['owner', 1],
    ]);
  });
});

describe('ISO weeks', () => {
  it('numbers weeks as ISO 8601 does, across a year boundary', () => {
    expect(periodOf(new Date('2026-11-30T09:00:00Z'))).toBe('2026-W49');
    expect(periodOf(new Date('2027-01-01T00:00:00Z'))).toBe('2026-W53');
    expect(periodOf(new Date('2025-12-29T00:00:00Z'))).toBe('2026-W01');
    expect(periodStart('2026-W01').toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(periodBefore('2026-W01')).toBe('2025-W52');
    expect(periodsEnding('2026-W02', 3)).toEqual(['2025-W52', '2026-W01', '2026-W02']);
    expect(() => periodStart('2026-W54')).toThrow('2026 has no week 54');
    expect(() => periodStart('2026-47')).toThrow('expected an ISO week such as 2026-W47');
  });
});
