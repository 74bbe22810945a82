import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateEntity } from '../../src/core/scorecards/evaluate.ts';
import { parseScorecard } from '../../src/core/scorecards/format.ts';
import { formatScorecardProblem, formatScorecardWarning, loadScorecards } from '../../src/scorecards/load.ts';

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

const withDir = async (files: Record<string, string>, body: (dir: string) => Promise<void>) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'scorecards-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

const RULE_YAML = `rules:
  - id: has-docs
    level: Bronze
    title: Has docs
    why: People read them.
    fix: { text: Add docs. }
    check: { fact: techdocs, operator: exists }
`;

describe('scorecard files', () => {
  it('loads the two shipped scorecards without a problem', async () => {
    const loaded = await loadScorecards(SHIPPED);
    expect(loaded.problems).toEqual([]);
    expect(loaded.scorecards.map((scorecard) => scorecard.title)).toEqual(['Production readiness', 'Security basics']);
  });

  it('names every problem of a file in one run: a bad operator, a level not listed and an unknown fact', () => {
    const data = valid();
    data.rules.push(
      { ...data.rules[0], id: 'second', level: 'Platinum' } as never,
      { ...data.rules[0], id: 'third', check: { fact: 'owner.exists', operator: 'eq', value: true } } as never,
      { ...data.rules[0], id: 'fourth', check: { any: [{ fact: 'no.such.fact', operator: 'exists' }] } } as never,
    );
    const parsed = parseScorecard(data);
    // The operator's shape and the others' meaning, all at once: fixing one does not reveal the next.
    expect(parsed.ok ? [] : parsed.problems.map(({ path, message }) => ({ path, message }))).toEqual([
      {
        path: 'rules[2].check.operator',
        message: 'expected one of exists, equals, in, <, <=, >, >=, matches but found "eq"',
      },
      { path: 'rules[1].level', message: 'expected one of the levels (Bronze, Silver) but found "Platinum"' },
      {
        path: 'rules[3].check.any[0].fact',
        message: expect.stringMatching(/^unknown fact "no.such.fact"; expected one of the facts/),
      },
    ]);
  });

  it("says what a rule's fix must hold: text is required, link is optional", () => {
    const problemsWith = (fix: unknown) => {
      const { fix: _fix, ...rule } = valid().rules[0] as Record<string, unknown>;
      const parsed = parseScorecard({ ...valid(), rules: [fix === undefined ? rule : { ...rule, fix }] });
      return parsed.ok ? [] : parsed.problems.map(({ path, message }) => `${path}: ${message}`);
    };
    expect(problemsWith({ link: 'https://backstage.io/docs' })).toEqual([
      'rules[0].fix.text: expected text: how to fix it, in words (text is required; link is optional)',
    ]);
    expect(problemsWith(undefined)).toEqual([
      'rules[0].fix: missing; expected { text: how to fix it, link: an http(s) URL }, where text is required and link optional',
    ]);
    expect(problemsWith('Add a README.')).toEqual([
      'rules[0].fix: expected { text: how to fix it, link: an http(s) URL }, where text is required and link optional, but found text alone; write fix: { text: "Add a README." }',
    ]);
  });

  it('checks that a value fits its operator and that an exemption names a rule and a full entity ref', () => {
    const data = {
      ...valid(),
      rules: [{ ...valid().rules[0], check: { fact: 'dependencies.deprecated', operator: '<=', value: 'none' } }],
      exemptions: [{ entity: 'legacy', rule: 'has-docs', reason: 'Retiring', expires: '2026-13-45' }],
    };
    const parsed = parseScorecard(data);
    expect(parsed.ok ? [] : parsed.problems.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: 'rules[0].check.value', message: '<= expects a number but found "none"' },
      { path: 'exemptions[0].rule', message: 'expected the id of one of this scorecard\'s rules but found "has-docs"' },
      {
        path: 'exemptions[0].entity',
        message: 'expected a full entity ref kind:namespace/name (component:default/legacy) but found "legacy"',
      },
      { path: 'exemptions[0].expires', message: 'expected a real date but found 2026-13-45' },
    ]);
  });

  it('says what the file must be, and that all/any need at least one check', () => {
    const messages = (data: unknown) => {
      const parsed = parseScorecard(data);
      return parsed.ok ? [] : parsed.problems.map(({ path, message }) => `${path}: ${message}`);
    };
    expect(messages(['not', 'a', 'mapping'])).toEqual([
      '(top level): expected a scorecard: a mapping with id, title, owner, levels and rules (see the scorecard format in the README)',
    ]);
    expect(messages({ ...valid(), rules: [{ ...valid().rules[0], check: { all: [] } }] })).toEqual([
      'rules[0].check.all: expected at least one check',
    ]);
  });

  it('refuses unknown keys and a missing title, naming them', () => {
    const { title: _title, ...rest } = valid();
    const parsed = parseScorecard({ ...rest, apliesTo: { kind: 'Component' } });
    expect(parsed.ok ? [] : parsed.problems.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: 'title', message: 'expected a title' },
      { path: '(top level)', message: 'unknown key apliesTo; expected only the keys the format documents' },
    ]);
  });

  it('reports each bad file with its name and loads the good ones; an id two files use loads from neither', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'scorecards-'));
    try {
      await writeFile(
        path.join(dir, 'a.yaml'),
        'id: readiness\ntitle: A\nowner: group:default/x\nlevels: [Bronze]\nrules: []\n',
      );
      await writeFile(path.join(dir, 'b.yaml'), JSON.stringify(valid()));
      await writeFile(path.join(dir, 'c.yaml'), JSON.stringify(valid()));
      await writeFile(path.join(dir, 'd.yml'), 'id: [unclosed\n');
      await writeFile(path.join(dir, 'e.yaml'), JSON.stringify({ ...valid(), id: 'security' }));
      const loaded = await loadScorecards(dir);
      expect(loaded.scorecards.map((scorecard) => scorecard.id)).toEqual(['security']);
      expect(loaded.problems.map((problem) => formatScorecardProblem(problem, dir))).toEqual([
        'a.yaml:5:1: rules: expected at least one rule',
        'b.yaml:1:2: id: id readiness is also the id of c.yaml; neither is loaded: expected each scorecard to have an id of its own (rename one)',
        'c.yaml:1:2: id: id readiness is also the id of b.yaml; neither is loaded: expected each scorecard to have an id of its own (rename one)',
        expect.stringMatching(/^d\.yml:2:1: not valid YAML: /),
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

describe('scorecard file problems', () => {
  it('gives a YAML syntax error its file, line and column, and what to do about it', async () => {
    await withDir(
      {
        'colon.yaml': `id: tiers\ntitle: Tier: 1 services\nowner: group:default/x\nlevels: [Bronze]\n${RULE_YAML}`,
        'tabs.yaml': 'id: tabs\nrules:\n\t- id: x\n',
      },
      async (dir) => {
        const loaded = await loadScorecards(dir);
        expect(loaded.problems.map((problem) => formatScorecardProblem(problem, dir))).toEqual([
          'colon.yaml:2:8: not valid YAML: Nested mappings are not allowed in compact mappings. A value that holds ": " must be quoted (title: "Tier: 1"); if it does not, the line below is indented too far.',
          'tabs.yaml:3:1: not valid YAML: Tabs are not allowed as indentation. Indent with spaces: YAML does not allow tabs.',
        ]);
      },
    );
  });

  it('warns of an exemption past its expiry, which no longer applies, and still loads the scorecard', async () => {
    const exemptions = `exemptions:
  - { entity: component:default/legacy, rule: has-docs, reason: Retiring, expires: 2026-11-29 }
  - { entity: component:default/other, rule: has-docs, reason: Moving, expires: 2026-11-30 }
`;
    await withDir(
      { 'docs.yaml': `id: docs\ntitle: Docs\nowner: group:default/x\nlevels: [Bronze]\n${RULE_YAML}${exemptions}` },
      async (dir) => {
        const loaded = await loadScorecards(dir, { today: '2026-11-30' });
        expect(loaded.problems).toEqual([]);
        expect(loaded.warnings.map((warning) => formatScorecardWarning(warning, dir))).toEqual([
          'docs.yaml:13:75: warning: exemptions[0]: expired on 2026-11-29: component:default/legacy is scored on has-docs again. Extend expires, or remove the exemption',
        ]);
        const [scorecard] = loaded.scorecards;
        if (!scorecard) throw new Error('the scorecard did not load');
        const facts = new Map([['techdocs', { status: 'known' as const, value: null }]]);
        const judge = (entityRef: string) =>
          evaluateEntity({ scorecard, entityRef, facts, today: '2026-11-30' }).rules.get('has-docs')?.outcome;
        // The expired one no longer exempts; the one that expires today still does.
        expect(judge('component:default/legacy')).toBe('fail');
        expect(judge('component:default/other')).toBe('exempt');
      },
    );
  });
});
