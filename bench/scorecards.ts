/**
 * Scorecard rows of `npm run bench` (`--only scorecards`; on Postgres, `DATABASE_URL`):
 *
 * 1. Evaluation: 100,000 Components × one scorecard of 15 rules (3 levels × 5), facts read set-based in one statement,
 *    evaluated in memory, results written in bulk as this week's history. Target under 10 s.
 * 2. Digest: 500 team channels against the fake Slack enforcing 1 message a second per channel and 300 a minute across
 *    the workspace (answered 429 with Retry-After). Wall time of the delivery against the floor those limits set
 *    (499 × 200 ms), duplicates and losses (both must be 0). Charts are left out of this row (each takes a few hundred
 *    ms of CPU to render); row 3 times them.
 *
 * The catalog is written straight into the tables with `generate_series` (the import is benchmarked elsewhere), then
 * the derived owners are rebuilt as an import would.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { parseScorecard, type Scorecard } from '../src/core/scorecards/format.ts';
import { dayOf, periodOf } from '../src/core/scorecards/period.ts';
import { createDatabase, type Database, migrateDatabase } from '../src/db/client.ts';
import { DrizzleDigestDeliveries } from '../src/db/DrizzleDigestDeliveries.ts';
import { DrizzleScorecardStore } from '../src/db/DrizzleScorecardStore.ts';
import { rebuildDerived } from '../src/db/queries/derived.ts';
import { createLogger } from '../src/logger.ts';
import { renderChartPng } from '../src/scorecards/chart.ts';
import { composeDelivery, planDigest, runDigest } from '../src/scorecards/digest-run.ts';
import { evaluateRows, readFactsFor } from '../src/scorecards/evaluate-all.ts';
import { createPacer } from '../src/scorecards/pacer.ts';
import { createSlackDigestPoster } from '../src/slack/digest-poster.ts';
import { startFakeSlackApi } from '../test/fakes/slack-api.ts';

const NOW = new Date('2026-11-30T09:00:00Z');

export interface ScorecardBenchRow {
  what: string;
  value: string;
  target: string;
}

/** A scorecard of `levels × perLevel` rules over catalog facts. */
function benchScorecard(levels = 3, perLevel = 5): Scorecard {
  const facts = [
    { fact: 'owner.exists', operator: 'equals', value: true },
    { fact: 'description', operator: 'exists' },
    { fact: 'lifecycle', operator: 'in', value: ['production', 'experimental'] },
    { fact: 'system', operator: 'exists' },
    { fact: 'oncall', operator: 'exists' },
    { fact: 'owner.channel', operator: 'exists' },
    { fact: 'techdocs', operator: 'exists' },
    { fact: 'tier', operator: 'in', value: ['1', '2'] },
    { fact: 'dependencies.deprecated', operator: '<=', value: 0 },
    { fact: 'tags', operator: 'in', value: ['java', 'go'] },
    { fact: 'type', operator: 'equals', value: 'service' },
    { fact: 'description', operator: 'matches', value: '^Service' },
    {
      any: [
        { fact: 'oncall', operator: 'exists' },
        { fact: 'annotation:opsgenie.com/team', operator: 'exists' },
      ],
    },
    {
      all: [
        { fact: 'system', operator: 'exists' },
        { fact: 'techdocs', operator: 'exists' },
      ],
    },
    { fact: 'annotation:backstage.io/source-location', operator: 'exists' },
  ];
  const names = ['Bronze', 'Silver', 'Gold'].slice(0, levels);
  const parsed = parseScorecard({
    id: 'bench',
    title: 'Bench',
    owner: 'group:default/platform',
    appliesTo: { kind: ['Component'] },
    levels: names,
    rules: facts.slice(0, levels * perLevel).map((check, index) => ({
      id: `rule-${index}`,
      level: names[Math.floor(index / perLevel)],
      title: `Rule ${index}`,
      why: 'Because.',
      fix: { text: 'Fix it.' },
      check,
    })),
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.scorecard;
}

/** `teams` Groups (each with a channel when `channels`) owning `components` Components between them. */
async function writeCatalog(database: Database, opts: { teams: number; components: number; channels: boolean }) {
  const { db } = database;
  // Each row starts from an empty catalog (both rows may share one bench database).
  await db.execute(sql`truncate entities, relations, entity_owners, team_cards, scorecard_results,
    digest_deliveries, digest_runs`);
  await db.execute(sql`
    insert into entities (ref, kind, namespace, name, title, envelope, content_hash)
    select 'group:default/team-' || i, 'group', 'default', 'team-' || i, 'Team ' || i,
      jsonb_build_object('apiVersion', 'backstage.io/v1alpha1', 'kind', 'Group',
        'metadata', jsonb_build_object('name', 'team-' || i, 'annotations',
          case when ${opts.channels} then jsonb_build_object('slack.com/bot-notify', '#team-' || i) else '{}'::jsonb end),
        'spec', jsonb_build_object('type', 'team', 'children', '[]'::jsonb)),
      md5(i::text)
    from generate_series(1, ${opts.teams}) i`);
  await db.execute(sql`
    insert into entities (ref, kind, namespace, name, description, owner_ref, lifecycle, type, envelope, content_hash)
    select 'component:default/svc-' || i, 'component', 'default', 'svc-' || i,
      case when i % 7 <> 0 then 'Service number ' || i end,
      'group:default/team-' || (1 + i % ${opts.teams}),
      case when i % 11 = 0 then 'deprecated' else 'production' end, 'service',
      jsonb_build_object('apiVersion', 'backstage.io/v1alpha1', 'kind', 'Component',
        'metadata', jsonb_build_object('name', 'svc-' || i,
          'tags', case when i % 3 = 0 then '["java", "tier-1"]'::jsonb else '["go"]'::jsonb end,
          'annotations', jsonb_build_object('backstage.io/techdocs-ref', case when i % 2 = 0 then 'dir:.' end,
            'pagerduty.com/service-id', case when i % 5 <> 0 then 'P' || i end)),
        'spec', jsonb_build_object('type', 'service', 'lifecycle',
          case when i % 11 = 0 then 'deprecated' else 'production' end,
          'owner', 'team-' || (1 + i % ${opts.teams}), 'system', case when i % 4 <> 0 then 'sys-' || (i % 50) end)),
      md5(i::text)
    from generate_series(1, ${opts.components}) i`);
  await db.execute(sql`
    insert into relations (source_ref, type, target_ref, origin_ref)
    select 'component:default/svc-' || i, rel.type, rel.target, 'component:default/svc-' || i
    from generate_series(1, ${opts.components}) i,
      lateral (values ('ownedBy', 'group:default/team-' || (1 + i % ${opts.teams})),
        ('dependsOn', 'component:default/svc-' || (1 + (i * 7) % ${opts.components}))) as rel(type, target)`);
  await rebuildDerived(db);
  await db.execute(sql`analyze`);
}

async function withDatabase<T>(url: string | undefined, work: (database: Database) => Promise<T>): Promise<T> {
  const database = await createDatabase(url ? { url } : { inMemory: true });
  try {
    await migrateDatabase(database);
    return await work(database);
  } finally {
    await database.close();
  }
}

export async function benchEvaluation(url: string | undefined, entities = 100_000): Promise<ScorecardBenchRow[]> {
  return withDatabase(url, async (database) => {
    await writeCatalog(database, { teams: 500, components: entities, channels: true });
    const store = new DrizzleScorecardStore({ db: database.db });
    const scorecards = [benchScorecard()];
    const started = performance.now();
    const rows = await readFactsFor(store, scorecards, {});
    const read = performance.now();
    const results = evaluateRows(scorecards, rows, dayOf(NOW)).map((result) => result.stored);
    const evaluated = performance.now();
    await store.saveResults({ period: periodOf(NOW), results, replaceScorecards: ['bench'] });
    const stored = performance.now();
    const total = (stored - started) / 1000;
    return [
      {
        what: `Evaluate ${entities.toLocaleString('en')} entities × ${scorecards[0]?.rules.length} rules (read facts / evaluate / store)`,
        value: `${total.toFixed(2)} s (${((read - started) / 1000).toFixed(2)} / ${((evaluated - read) / 1000).toFixed(2)} / ${((stored - evaluated) / 1000).toFixed(2)})`,
        target: `< 10 s ${total < 10 ? '✓' : '✗'}`,
      },
    ];
  });
}

export async function benchDigest(
  url: string | undefined,
  channels = 500,
  perSecond = 4.9,
): Promise<ScorecardBenchRow[]> {
  const slack = await startFakeSlackApi({ rateLimits: { perChannelPerSecond: 1, workspacePerMinute: 300 } });
  try {
    return await withDatabase(url, async (database) => {
      await writeCatalog(database, { teams: channels, components: channels * 2, channels: true });
      const store = new DrizzleScorecardStore({ db: database.db });
      const deps = {
        scorecards: [benchScorecard()],
        store,
        deliveries: new DrizzleDigestDeliveries({ db: database.db }),
        poster: createSlackDigestPoster({ token: 'xoxb-bench', apiUrl: slack.url }),
        pacer: createPacer({ perSecond }),
        holder: 'bench',
        clock: () => NOW,
        sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
        logger: createLogger({ level: 'warn' }),
      };
      const period = periodOf(NOW);
      const planStarted = performance.now();
      await planDigest(deps, period);
      const planned = performance.now();
      const summary = await runDigest(deps, { period });
      const deliverS = (performance.now() - planned) / 1000;
      // 300 a minute across the workspace is one every 200 ms: the first post goes at once, the last 499 × 200 ms later.
      const floorS = ((channels - 1) * 60) / 300;
      const unique = new Set(slack.digest.posted.map((post) => post.channel)).size;
      const duplicates = slack.digest.posted.length - unique;
      const losses = channels - unique;
      const teams = new Map((await store.teamChannels()).map((team) => [team.ref, team]));
      const chartStarted = performance.now();
      const sample = 5;
      for (let i = 1; i <= sample; i++) {
        await composeDelivery(
          { ...deps, renderChart: renderChartPng },
          { teamRef: `group:default/team-${i}`, channel: `#team-${i}`, period },
          teams,
        );
      }
      const chartMs = (performance.now() - chartStarted) / sample;
      return [
        {
          what: `Digest to ${channels} channels at ${perSecond}/s (fake Slack: 1/s per channel, 300/min workspace); plan (evaluate) ${((planned - planStarted) / 1000).toFixed(1)} s`,
          value: `${deliverS.toFixed(1)} s delivering vs floor ${floorS.toFixed(1)} s = ${(deliverS / floorS).toFixed(2)}×; ${summary.rateLimited} 429s`,
          target: `≤ 1.2× ${deliverS / floorS <= 1.2 ? '✓' : '✗'}`,
        },
        {
          what: 'Digest duplicates / losses',
          value: `${duplicates} / ${losses}`,
          target: `0 / 0 ${duplicates + losses === 0 ? '✓' : '✗'}`,
        },
        { what: "A team's post composed with its 8-week chart (PNG)", value: `${chartMs.toFixed(0)} ms`, target: '—' },
      ];
    });
  } finally {
    await slack.close();
  }
}

export function renderScorecardRows(kind: string, rows: readonly ScorecardBenchRow[]): string {
  return [
    `\n### Scorecards (${kind})\n`,
    '| what | measured | target |',
    '| --- | --- | --- |',
    ...rows.map((row) => `| ${row.what} | ${row.value} | ${row.target} |`),
  ].join('\n');
}
