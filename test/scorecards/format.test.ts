import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScorecard } from '../../src/core/scorecards/format.ts';
import { formatScorecardProblem, loadScorecards } from '../../src/scorecards/load.ts';

const SHIPPED = fileURLToPath(new URL('../../scorecards', import.meta.url));

const valid = () => ({
  id: 'readiness',
  title: 'Readiness',
  owner: 'group:default/platform',
  levels: ['Bronze', 'Silver'],
  rules: [
    {
      id: 'has-owner',
      level: 'Bronze',
      title: 'Has an owner',
      why: 'Someone answers.',
      fix: { text: 'Set spec.owner.', link: 'https://backstage.io/docs' },
      check: { fact: 'owner.exists', operator: 'equals', value: true },
    },
  ],
});

describe('scorecard files', () => {
  it('loads the two shipped scorecards without a problem', async () => {
    const loaded = await loadScorecards(SHIPPED);
    expect(loaded.problems).toEqual([]);
    expect(loaded.scorecards.map((scorecard) => scorecard.title)).toEqual(['Production readiness', 'Security basics']);
  });

  it('names the key path and what was expected for a bad operator, a level not listed and an unknown fact', () => {
    const data = valid();
    data.rules.push(
      { ...data.rules[0], id: 'second', level: 'Platinum' } as never,
      { ...data.rules[0], id: 'third', check: { fact: 'owner.exists', operator: 'eq', value: true } } as never,
      { ...data.rules[0], id: 'fourth', check: { any: [{ fact: 'no.such.fact', operator: 'exists' }] } } as never,
    );
    const parsed = parseScorecard(data);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      {
        path: 'rules[2].check.operator',
        message: 'expected one of exists, equals, in, <, <=, >, >=, matches',
      },
    ]);
    const second = parseScorecard({ ...valid(), rules: [data.rules[0], data.rules[1], data.rules[3]] });
    expect(second.ok ? [] : second.problems).toEqual([
      { path: 'rules[1].level', message: 'expected one of the levels (Bronze, Silver) but found "Platinum"' },
      {
        path: 'rules[2].check.any[0].fact',
        message: expect.stringMatching(/^unknown fact "no.such.fact"; expected one of the facts/),
      },
    ]);
  });

  it('checks that a value fits its operator and that an exemption names a rule and a full entity ref', () => {
    const data = {
      ...valid(),
      rules: [{ ...valid().rules[0], check: { fact: 'dependencies.deprecated', operator: '<=', value: 'none' } }],
      exemptions: [{ entity: 'legacy', rule: 'has-docs', reason: 'Retiring', expires: '2026-13-45' }],
    };
    const parsed = parseScorecard(data);
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      { path: 'rules[0].check.value', message: '<= expects a number but found "none"' },
      { path: 'exemptions[0].rule', message: 'expected the id of one of this scorecard\'s rules but found "has-docs"' },
      {
        path: 'exemptions[0].entity',
        message: 'expected a full entity ref kind:namespace/name (component:default/legacy) but found "legacy"',
      },
      { path: 'exemptions[0].expires', message: 'expected a real date but found 2026-13-45' },
    ]);
  });

  it('refuses unknown keys and a missing title, naming them', () => {
    const { title: _title, ...rest } = valid();
    const parsed = parseScorecard({ ...rest, apliesTo: { kind: 'Component' } });
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      { path: 'title', message: 'expected a title' },
      { path: '(top level)', message: 'unknown key apliesTo; expected only the keys the format documents' },
    ]);
  });

  it('reports each bad file with its name and loads the good ones, refusing an id used twice', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'scorecards-'));
    try {
      await writeFile(
        path.join(dir, 'a.yaml'),
        'id: readiness\ntitle: A\nowner: group:default/x\nlevels: [Bronze]\nrules: []\n',
      );
      await writeFile(path.join(dir, 'b.yaml'), JSON.stringify(valid()));
      await writeFile(path.join(dir, 'c.yaml'), JSON.stringify(valid()));
      await writeFile(path.join(dir, 'd.yml'), 'id: [unclosed\n');
      const loaded = await loadScorecards(dir);
      expect(loaded.scorecards.map((scorecard) => scorecard.id)).toEqual(['readiness']);
      expect(loaded.problems.map((problem) => formatScorecardProblem(problem, dir))).toEqual([
        'a.yaml: rules: expected at least one rule',
        `c.yaml: id: id readiness is already used by ${path.join(dir, 'b.yaml')}; expected a unique id`,
        expect.stringMatching(/^d\.yml: \(file\): is not valid YAML: /),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('scorecard settings', () => {
  it('reads the digest schedule, org channel and pace and the facts schedule, and names a bad one with what was expected', async () => {
    const { loadConfig } = await import('../../src/config.ts');
    const config = loadConfig({
      WAYFINDER_SCORECARDS_DIR: '/srv/scorecards',
      WAYFINDER_DIGEST_CRON: '30  8 * * 1',
      WAYFINDER_DIGEST_ORG_CHANNEL: '#leadership',
      WAYFINDER_DIGEST_RATE: '0.5',
      WAYFINDER_FACTS_CRON: '0 3 * * *',
    });
    expect(config.scorecards).toEqual({
      dir: '/srv/scorecards',
      digestCron: '30 8 * * 1',
      factsCron: '0 3 * * *',
      orgChannel: '#leadership',
      postsPerSecond: 0.5,
    });
    expect(() =>
      loadConfig({ WAYFINDER_DIGEST_CRON: 'mondays', WAYFINDER_DIGEST_RATE: '0', WAYFINDER_FACTS_CRON: 'hourly' }),
    ).toThrow(
      /WAYFINDER_DIGEST_CRON expected a cron expression of 5 or 6 fields, such as 0 9 \* \* 1\n.*WAYFINDER_FACTS_CRON expected a cron expression.*\n.*WAYFINDER_DIGEST_RATE expected posts per second above 0, such as 1/,
    );
  });
});
