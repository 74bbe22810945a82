import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../src/console/render.ts';
import { periodOf } from '../../src/core/scorecards/period.ts';
import { DrizzleJobLock } from '../../src/db/DrizzleJobLock.ts';
import { previousFire, startSchedule } from '../../src/jobs/schedule.ts';
import { createLogger } from '../../src/logger.ts';
import { catchUpDigest, createDigestJob, describeDigest } from '../../src/scorecards/digest-job.ts';
import { composeDelivery, ORG_TEAM, planDigest, previewDigest, runDigest } from '../../src/scorecards/digest-run.ts';
import { evaluateAndStore } from '../../src/scorecards/evaluate-all.ts';
import { formatDigestStatus } from '../../src/scorecards/report.ts';
import { createSlackDigestPoster } from '../../src/slack/digest-poster.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { digestDependencies } from './digest-setup.ts';
import { openScorecardCatalog, type ScorecardCatalog } from './setup.ts';

// Monday 30 November 2026, 10:00 UTC: week 2026-W49.
const NOW = new Date('2026-11-30T10:00:00Z');
const TEAM_CHANNELS = ['#commerce', '#platform', '#payments-team'];

let sc: ScorecardCatalog;
let slack: FakeSlackApi;

beforeAll(async () => {
  sc = await openScorecardCatalog({ now: NOW });
});
afterAll(() => sc.close());
afterEach(async () => {
  await slack?.close();
  for (const table of ['digest_deliveries', 'digest_runs', 'scorecard_results']) {
    await sc.database.db.execute(sql`delete from ${sql.identifier(table)}`);
  }
});

const postsPerChannel = () => {
  const counts = new Map<string, number>();
  for (const post of slack.digest.posted) counts.set(post.channel, (counts.get(post.channel) ?? 0) + 1);
  return counts;
};

describe('the weekly digest', () => {
  it('posts once to each team channel and the leadership channel, with the chart, and a second run posts nothing', async () => {
    slack = await startFakeSlackApi();
    const deps = digestDependencies(sc, slack, {
      renderChart: (await import('../../src/scorecards/chart.ts')).renderChartPng,
    });
    const summary = await runDigest(deps, { period: '2026-W49' });
    const channels = postsPerChannel();
    expect(summary.posted).toBe(channels.size);
    expect(summary.failed).toBe(0);
    for (const channel of [...TEAM_CHANNELS, '#leadership']) expect(channels.get(channel)).toBe(1);
    // Teams without a channel are skipped and named.
    expect(summary.skipped).toContain('group:default/engineering');
    expect(await runDigest(deps, { period: '2026-W49' })).toMatchObject({ posted: 0, failed: 0 });
    expect(slack.digest.posted).toHaveLength(channels.size);
    // Each post carries its delivery key, and a team's post shows its chart, uploaded with files.uploadV2.
    const payments = slack.digest.posted.find((post) => post.channel === '#payments-team');
    expect(payments?.metadata).toEqual({
      event_type: 'wayfinder_digest',
      event_payload: { key: 'group:default/payments|#payments-team|2026-W49' },
    });
    const image = ((payments?.blocks ?? []) as { type: string; slack_file?: { id: string } }[]).find(
      (block) => block.type === 'image',
    );
    const file = slack.digest.files.get(image?.slack_file?.id ?? '');
    expect(file?.completed).toBe(true);
    expect(file?.bytes?.subarray(1, 4).toString()).toBe('PNG');
    const leadership = slack.digest.posted.find((post) => post.channel === '#leadership');
    expect(((leadership?.blocks ?? []) as { type: string }[]).some((block) => block.type === 'image')).toBe(false);
  });

  it('names promotions and regressions since last week and the fixes that would help most', async () => {
    slack = await startFakeSlackApi();
    const deps = digestDependencies(sc, slack);
    // Last week payments-worker was a level higher on Production readiness, with an on-call rota it has lost since.
    await evaluateAndStore({ store: sc.store, scorecards: sc.scorecards, period: '2026-W48', today: '2026-11-23' });
    await sc.database.db.execute(sql`
      update scorecard_results set level = level + 1,
        outcomes = outcomes || '{"has-on-call": "pass"}'::jsonb
      where period = '2026-W48' and scorecard_id = 'production-readiness'
        and entity_ref = 'component:default/payments-worker'`);
    await planDigest(deps, '2026-W49');
    const teams = new Map((await sc.store.teamChannels()).map((team) => [team.ref, team]));
    const post = await composeDelivery(
      deps,
      { teamRef: 'group:default/payments', channel: '#payments-team', period: '2026-W49' },
      teams,
    );
    expect(renderText(post.message, { color: false })).toMatchInlineSnapshot(`
      "Payments Team: scorecards, week 2026-W49
      ────────────────────────────────────────

      4 entities scored, owned by Payments Team

      Production readiness, 4 entities: Gold 0 · Silver 1 · Bronze 3 · below Bronze 0

      Last week: Gold 0 · Silver 2 · Bronze 2 · below Bronze 0

      Security basics, 4 entities: Gold 0 · Silver 0 · Bronze 4 · below Bronze 0

      Same as last week

      ────────────────────────────────────────

      Regressions since last week
        • payments-worker: Silver → Bronze (Production readiness) — now fails: Has an on-call rota

      Two fixes that would help most
        • Has an on-call rota (Production readiness): would raise 3 entities to Silver — Add the pagerduty.com/service-id annotation, or wayfinder.dev/on-call with the rota. How to (https://backstage.io/docs/features/software-catalog/well-known-annotations)
        • Has a tier tag (Production readiness): would raise 1 entity to Gold — Tag the entity with its tier (tier-1, tier-2 or tier-3).

      Every entity and rule: /scorecard group:payments"
    `);
    const org = await composeDelivery(deps, { teamRef: ORG_TEAM, channel: '#leadership', period: '2026-W49' }, teams);
    expect(renderText(org.message, { color: false })).toMatchInlineSnapshot(`
      "Scorecards across the org, week 2026-W49
      ────────────────────────────────────────

      Production readiness, 10 entities: Gold 0 · Silver 2 · Bronze 8 · below Bronze 0

      By team
        • Payments Team: Gold 0 · Silver 1 · Bronze 3 · below Bronze 0
        • Checkout Team: Gold 0 · Silver 0 · Bronze 3 · below Bronze 0
        • Identity: Gold 0 · Silver 1 · Bronze 0 · below Bronze 0
        • Platform: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0
        • SRE: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0

      Rules failing most
        • Has a tier tag: 10 of 10 fail it (Gold)
        • Publishes TechDocs: 9 of 10 fail it (Gold)
        • Has an on-call rota: 8 of 10 fail it (Silver)

      ────────────────────────────────────────

      Security basics, 11 entities: Gold 0 · Silver 0 · Bronze 11 · below Bronze 0

      By team
        • Checkout Team: Gold 0 · Silver 0 · Bronze 4 · below Bronze 0
        • Payments Team: Gold 0 · Silver 0 · Bronze 4 · below Bronze 0
        • Identity: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0
        • Platform: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0
        • SRE: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0

      ────────────────────────────────────────

      Biggest movers since last week (net levels)
        • Payments Team: -1"
    `);
  });

  it('waits out a 429 for its Retry-After and completes', async () => {
    slack = await startFakeSlackApi();
    slack.digest.rateLimitNext(1, 2);
    const started = Date.now();
    const summary = await runDigest(digestDependencies(sc, slack), { period: '2026-W49' });
    expect(summary.rateLimited).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect([...postsPerChannel().values()].every((count) => count === 1)).toBe(true);
    expect(summary.posted).toBe(postsPerChannel().size);
  });

  it('marks a post that keeps failing as failed, shows why, and posts the others', async () => {
    slack = await startFakeSlackApi();
    const deps = digestDependencies(sc, slack, { maxAttempts: 3 });
    slack.digest.failNext('chat.postMessage', 'ratelimited_internal', 3);
    const summary = await runDigest(deps, { period: '2026-W49', teamRef: 'group:default/commerce' });
    expect(summary).toMatchObject({ posted: 0, failed: 1, stillFailed: 1 });
    // Commerce's own run: other teams without a channel are not its business.
    expect(summary.skipped).toEqual([]);
    expect(describeDigest(summary)).toBe(
      '2026-W49: 0 posted, 1 failed: see wayfinder digest status for why, fix it, then run wayfinder digest run to retry them (each is checked for an earlier post first, so none goes twice), 0 teams without a channel skipped',
    );
    const [commerce] = (await deps.deliveries.list({ period: '2026-W49' })).filter(
      (delivery) => delivery.teamRef === 'group:default/commerce',
    );
    expect(commerce).toMatchObject({ status: 'failed', attempts: 3 });
    expect(commerce?.lastError).toContain('ratelimited_internal');
    const status = formatDigestStatus(
      await deps.deliveries.findRun({ period: '2026-W49' }),
      await deps.deliveries.list({ period: '2026-W49' }),
    );
    expect(status).toContain('  failed  commerce → #commerce: An API error occurred: ratelimited_internal');
    expect(status.slice(-2)).toEqual(['Skipped, no channel (add slack.com/bot-notify to the Group):', '  engineering']);
    expect(postsPerChannel().get('#commerce')).toBeUndefined();
  });

  it('fails a post to a missing channel at once, saying what to do, and a later run retries it exactly once', async () => {
    slack = await startFakeSlackApi();
    const deps = digestDependencies(sc, slack);
    slack.digest.failNext('chat.postMessage', 'channel_not_found', 1);
    const first = await runDigest(deps, { period: '2026-W49', teamRef: 'group:default/commerce' });
    expect(first).toMatchObject({ posted: 0, failed: 1, stillFailed: 1 });
    const [failed] = (await deps.deliveries.list({ period: '2026-W49' })).filter(
      (delivery) => delivery.teamRef === 'group:default/commerce',
    );
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed?.lastError).toBe(
      "Slack has no channel #commerce the bot can see (channel_not_found): check the Group's slack.com/bot-notify, or invite the bot to the private channel (/invite @Wayfinder).",
    );
    // The channel is fixed (created): the next run (every team's) retries it, and posts each team once.
    slack.digest.addChannels(['commerce']);
    const second = await runDigest(deps, { period: '2026-W49' });
    expect(second).toMatchObject({ retried: 1, failed: 0, stillFailed: 0, recovered: 0 });
    expect(postsPerChannel().get('#commerce')).toBe(1);
    expect([...postsPerChannel().values()].every((count) => count === 1)).toBe(true);
    expect(await runDigest(deps, { period: '2026-W49' })).toMatchObject({ posted: 0, retried: 0, stillFailed: 0 });
  });

  it('retrying a failed post that did reach the channel finds it there and does not post it again', async () => {
    slack = await startFakeSlackApi();
    const deps = digestDependencies(sc, slack);
    const run = await planDigest(deps, '2026-W49');
    // The post landed, but the run recorded it as failed (its answer was lost on the way back).
    const claimed = await deps.deliveries.claimNext({
      period: run.period,
      holder: 'replica-a',
      leaseMs: 60_000,
      teamRef: 'group:default/payments',
    });
    if (!claimed) throw new Error('Nothing to claim');
    const teams = new Map((await sc.store.teamChannels()).map((team) => [team.ref, team]));
    await deps.poster.post(await composeDelivery(deps, claimed, teams));
    await deps.deliveries.markFailed({ id: claimed.id, holder: 'replica-a', error: 'socket hang up' });
    const summary = await runDigest(deps, { period: run.period, teamRef: 'group:default/payments' });
    expect(summary).toMatchObject({ retried: 1, recovered: 1, posted: 0, stillFailed: 0 });
    expect(postsPerChannel().get('#payments-team')).toBe(1);
  });

  it('finds a post a stopped run made before it could record it, and does not post it again', async () => {
    slack = await startFakeSlackApi();
    const deps = digestDependencies(sc, slack);
    const run = await planDigest(deps, '2026-W49');
    // A replica claims payments' post, posts it, and dies before marking it: its claim runs out.
    const claimed = await deps.deliveries.claimNext({
      period: '2026-W49',
      holder: 'dead-replica',
      leaseMs: 1,
      teamRef: 'group:default/payments',
    });
    if (!claimed) throw new Error('Nothing to claim');
    const teams = new Map((await sc.store.teamChannels()).map((team) => [team.ref, team]));
    // The dead replica's post, sent by a client of its own: this process has not seen the channel's id.
    await createSlackDigestPoster({ token: 'xoxb-test', apiUrl: slack.url }).post(
      await composeDelivery(deps, claimed, teams),
    );
    // The channel is given by name, which conversations.history refuses: it is looked up in a workspace of many.
    slack.digest.addChannels(Array.from({ length: 1200 }, (_, index) => `team-${index}`));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const summary = await runDigest(deps, { period: run.period });
    expect(summary.recovered).toBe(1);
    expect(slack.digest.listCalls).toBe(2);
    expect(postsPerChannel().get('#payments-team')).toBe(1);
    expect([...postsPerChannel().values()].every((count) => count === 1)).toBe(true);
  });

  it('previews without writing anything: no history, no run, no delivery', async () => {
    slack = await startFakeSlackApi();
    const deps = digestDependencies(sc, slack);
    const preview = await previewDigest(deps, { period: '2026-W49', teamRef: 'group:default/payments' });
    expect(preview.posts.map((post) => post.channel)).toEqual(['#payments-team']);
    const [payments] = preview.posts;
    if (!payments) throw new Error('No preview for payments');
    expect(renderText(payments.message, { color: false })).toContain('Production readiness, 4 entities');
    // Only the chosen team's skips.
    expect(preview.skipped).toEqual([]);
    expect((await previewDigest(deps, { period: '2026-W49' })).skipped).toContain('group:default/engineering');
    for (const table of ['scorecard_results', 'digest_runs', 'digest_deliveries']) {
      const rows = await sc.database.db.execute(sql`select 1 from ${sql.identifier(table)}`);
      expect(rows.rows, table).toHaveLength(0);
    }
    expect(slack.digest.posted).toHaveLength(0);
  });

  it("refuses a week after this one, and sends a past week's digest from that week's stored results without rewriting them", async () => {
    slack = await startFakeSlackApi();
    const deps = digestDependencies(sc, slack);
    await expect(runDigest(deps, { period: '2026-W50' })).rejects.toThrow(
      "2026-W50 has not begun (this is 2026-W49); a week's digest is sent in that week. Expected 2026-W49 or an earlier week.",
    );
    await expect(previewDigest(deps, { period: '2026-W50' })).rejects.toThrow('2026-W50 has not begun');
    await expect(runDigest(deps, { period: '2026-W47' })).rejects.toThrow(
      'No scorecard results are stored for 2026-W47: a past week',
    );
    await expect(previewDigest(deps, { period: '2026-W47' })).rejects.toThrow('No scorecard results are stored');
    expect(slack.digest.posted).toHaveLength(0);
    // Last week as it was stored then: a level higher than today's facts give.
    await evaluateAndStore({ store: sc.store, scorecards: sc.scorecards, period: '2026-W48', today: '2026-11-23' });
    await sc.database.db.execute(sql`update scorecard_results set level = level + 1 where period = '2026-W48'`);
    const before = await sc.store.history({ period: '2026-W48' });
    await previewDigest(deps, { period: '2026-W48' });
    const summary = await runDigest(deps, { period: '2026-W48', teamRef: 'group:default/payments' });
    expect(summary).toMatchObject({ posted: 1, stillFailed: 0 });
    expect(await sc.store.history({ period: '2026-W48' })).toEqual(before);
    const rows = await sc.database.db.execute(sql`select 1 from scorecard_results where period = '2026-W49'`);
    expect(rows.rows).toHaveLength(0);
  });

  it('posts each team once when two schedulers fire the same tick', async () => {
    slack = await startFakeSlackApi();
    const logger = createLogger({ level: 'error' });
    const lock = new DrizzleJobLock({ db: sc.database.db });
    const schedules = ['replica-a', 'replica-b'].map((holder) =>
      startSchedule({
        jobs: [{ name: 'digest', cron: '0 9 * * 1', run: createDigestJob(digestDependencies(sc, slack, { holder })) }],
        lock,
        logger,
        holder,
      }),
    );
    const outcomes = await Promise.all(schedules.map((schedule) => schedule.runNow('digest')));
    await Promise.all(schedules.map((schedule) => schedule.stop()));
    expect(outcomes.sort()).toEqual(['ran', 'skipped']);
    expect([...postsPerChannel().values()].every((count) => count === 1)).toBe(true);
    expect(postsPerChannel().size).toBe(TEAM_CHANNELS.length + 1 + (await countOtherTeamChannels()));
  });

  it('catches up a week missed while nothing ran, once, after its scheduled time only, once a digest has run before', async () => {
    slack = await startFakeSlackApi();
    const deps = digestDependencies(sc, slack);
    const runs: string[] = [];
    const catchUp = (now: Date) =>
      catchUpDigest({
        clock: () => now,
        previousFire: (range) => previousFire({ cron: '0 9 * * 1', timezone: 'UTC', ...range }),
        findRun: (args) => deps.deliveries.findRun(args),
        latestRun: () => deps.deliveries.latestRun(),
        runMissed: async () => {
          runs.push(now.toISOString());
          await runDigest({ ...deps, clock: () => now }, { period: periodOf(now) });
        },
        logger: createLogger({ level: 'error' }),
      });
    // A first start after the scheduled time: no digest ever ran, so none is posted until the next Monday.
    expect(await catchUp(new Date('2026-11-25T12:00:00Z'))).toBe(false);
    expect(runs).toEqual([]);
    await runDigest({ ...deps, clock: () => new Date('2026-11-23T09:00:00Z') }, { period: '2026-W48' });
    slack.digest.posted.length = 0;
    // Monday 08:00 UTC: this week's digest (09:00 UTC) is not due yet.
    expect(await catchUp(new Date('2026-11-30T08:00:00Z'))).toBe(false);
    // Wednesday: Monday's 09:00 passed with no run: caught up once.
    expect(await catchUp(new Date('2026-12-02T12:00:00Z'))).toBe(true);
    expect(await catchUp(new Date('2026-12-02T12:05:00Z'))).toBe(false);
    expect(runs).toEqual(['2026-12-02T12:00:00.000Z']);
    expect([...postsPerChannel().values()].every((count) => count === 1)).toBe(true);
  });
});

async function countOtherTeamChannels(): Promise<number> {
  const teams = await sc.store.teamChannels();
  return teams.filter((team) => team.channel && !TEAM_CHANNELS.includes(team.channel)).length;
}
