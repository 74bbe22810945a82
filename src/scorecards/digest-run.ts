/**
 * The weekly digest, delivered exactly once per team, channel and week, across replicas and restarts.
 *
 * 1. Plan (once per week): evaluate every scorecard into this week's history, then record the run and one delivery per
 *    team with a channel (`slack.com/bot-notify`, or `wayfinder.dev/slack-channel-id`) plus the leadership digest, in
 *    one statement. Teams without a channel are recorded as skipped.
 * 2. Deliver: claim a due delivery (`FOR UPDATE SKIP LOCKED`, with a lease), compose its message from history, wait
 *    for the pacer, post, mark it posted. A 429 is waited out (`Retry-After`) and the same post tried again; any other
 *    failure is retried with backoff, then marked failed (shown by `wayfinder digest status`, never dropped).
 * 3. A delivery whose claim ran out while it was being sent (its replica died mid-post) is checked first: the post
 *    carries its key in Slack's message metadata, so if it reached the channel it is marked posted, not sent again.
 *
 * The schedule's job lease (`src/jobs/run-job.ts`) makes one replica run this at a time; the delivery rows make it
 * safe even when two do (a `wayfinder digest run` beside the schedule). Each delivery is a durable job of the claim
 * mechanism template runs use too (`src/db/claims.ts`).
 */

import { RateLimitedError } from '../core/errors.ts';
import type { Delivery, DigestDeliveries, DigestRun } from '../core/ports/digest-deliveries.ts';
import type { DigestPost, DigestPoster } from '../core/ports/digest-poster.ts';
import type { ScorecardStore, TeamChannel } from '../core/ports/scorecard-store.ts';
import { composeOrgDigest, composeTeamDigest } from '../core/scorecards/digest.ts';
import type { Scorecard } from '../core/scorecards/format.ts';
import { dayOf, periodBefore, periodsEnding } from '../core/scorecards/period.ts';
import { levelCounts, levelName } from '../core/scorecards/results.ts';
import { describeError } from '../http/server.ts';
import type { Logger } from '../logger.ts';
import type { ChartSeries } from './chart.ts';
import { evaluateAndStore } from './evaluate-all.ts';
import type { Pacer } from './pacer.ts';

/** The leadership digest's team key. */
export const ORG_TEAM = 'org';

export interface DigestDependencies {
  scorecards: readonly Scorecard[];
  store: ScorecardStore;
  deliveries: DigestDeliveries;
  poster: DigestPoster;
  pacer: Pacer;
  /** This replica, as written in claims. */
  holder: string;
  /** The leadership digest's channel; none is posted without it. */
  orgChannel?: string;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  /** Renders a team's chart as PNG; absent: digests go without charts. */
  renderChart?: (series: ChartSeries) => Promise<Uint8Array>;
  /** Attempts before a post is marked failed (429s not counted). Default 5. */
  maxAttempts?: number;
  /** The first retry's backoff, doubled at each attempt (at most a minute). Default 1 s. */
  retryBaseMs?: number;
  /** How long a claim holds without renewal. Default 60 s. */
  leaseMs?: number;
}

export interface DigestSummary {
  period: string;
  posted: number;
  /** Found already posted by a run that stopped mid-post. */
  recovered: number;
  failed: number;
  /** 429s waited out. */
  rateLimited: number;
  skipped: string[];
}

const delivererKey = (delivery: Pick<Delivery, 'teamRef' | 'channel' | 'period'>) =>
  `${delivery.teamRef}|${delivery.channel}|${delivery.period}`;

/** Plans the week when it has not been planned (evaluating every scorecard first); returns the run. */
export async function planDigest(deps: DigestDependencies, period: string): Promise<DigestRun> {
  const existing = await deps.deliveries.findRun({ period });
  if (existing) return existing;
  const evaluated = await evaluateAndStore({
    store: deps.store,
    scorecards: deps.scorecards,
    period,
    today: dayOf(deps.clock()),
  });
  deps.logger.info(`Digest ${period}: evaluated ${evaluated.entities} entities (${evaluated.results} results)`);
  const { targets, skipped } = digestTargets(await deps.store.teamChannels(), deps.orgChannel);
  await deps.deliveries.plan({ period, targets, skipped });
  const run = await deps.deliveries.findRun({ period });
  if (!run) throw new Error(`The digest run of ${period} was planned but cannot be read back.`);
  return run;
}

/** One delivery per Group with a channel, and the org's; Groups without a channel are skipped. */
export function digestTargets(
  teams: readonly TeamChannel[],
  orgChannel: string | undefined,
): { targets: { teamRef: string; channel: string }[]; skipped: string[] } {
  const targets = teams.flatMap((team) => (team.channel ? [{ teamRef: team.ref, channel: team.channel }] : []));
  if (orgChannel) targets.push({ teamRef: ORG_TEAM, channel: orgChannel });
  return { targets, skipped: teams.filter((team) => !team.channel).map((team) => team.ref) };
}

/** Plans (if needed) and delivers `period`'s digest, or only `teamRef`'s; returns what happened. */
export async function runDigest(
  deps: DigestDependencies,
  opts: { period: string; teamRef?: string },
): Promise<DigestSummary> {
  const run = await planDigest(deps, opts.period);
  const summary: DigestSummary = {
    period: opts.period,
    posted: 0,
    recovered: 0,
    failed: 0,
    rateLimited: 0,
    skipped: run.skipped,
  };
  const teams = new Map((await deps.store.teamChannels()).map((team) => [team.ref, team]));
  for (;;) {
    const delivery = await deps.deliveries.claimNext({
      period: opts.period,
      holder: deps.holder,
      leaseMs: deps.leaseMs ?? 60_000,
      ...(opts.teamRef ? { teamRef: opts.teamRef } : {}),
    });
    if (delivery) {
      await deliver(deps, run, delivery, teams, summary);
      continue;
    }
    const due = await deps.deliveries.nextDue({
      period: opts.period,
      ...(opts.teamRef ? { teamRef: opts.teamRef } : {}),
    });
    if (due === undefined) break;
    // Another replica holds a claim, or a retry waits for its backoff: come back when it is due.
    await deps.sleep(Math.min(Math.max(due, 50), 60_000));
  }
  await deps.deliveries.finish({ period: opts.period });
  return summary;
}

async function deliver(
  deps: DigestDependencies,
  run: DigestRun,
  delivery: Delivery,
  teams: ReadonlyMap<string, TeamChannel>,
  summary: DigestSummary,
): Promise<void> {
  const key = delivererKey(delivery);
  const { holder } = deps;
  if (delivery.resumed) {
    try {
      const found = await deps.poster.findPosted({ channel: delivery.channel, key, since: run.plannedAt });
      if (found) {
        await deps.deliveries.markPosted({ id: delivery.id, holder, ts: found.ts });
        summary.recovered += 1;
        deps.logger.info(`Digest ${key}: found already posted by a run that stopped mid-post`);
        return;
      }
    } catch (error) {
      // Posting again could post twice; leave it failed, shown by `digest status`, for a person to check.
      const reason = `a run stopped while posting it, and the channel could not be checked for the post (${describeError(error).message}); not posted again to avoid a duplicate`;
      await deps.deliveries.markFailed({ id: delivery.id, holder, error: reason });
      summary.failed += 1;
      deps.logger.warn(`Digest ${key}: ${reason}`);
      return;
    }
  }
  const post = await composeDelivery(deps, delivery, teams);
  for (;;) {
    await deps.pacer.wait();
    try {
      const { ts } = await deps.poster.post(post);
      await deps.deliveries.markPosted({ id: delivery.id, holder, ts });
      summary.posted += 1;
      return;
    } catch (error) {
      if (error instanceof RateLimitedError) {
        summary.rateLimited += 1;
        deps.logger.info(`Digest ${key}: rate limited, waiting ${error.retryAfterMs} ms (Retry-After)`);
        deps.pacer.pause(error.retryAfterMs);
        await deps.deliveries.renew({
          id: delivery.id,
          holder,
          leaseMs: error.retryAfterMs + (deps.leaseMs ?? 60_000),
        });
        continue;
      }
      const attempts = delivery.attempts + 1;
      const reason = describeError(error).message;
      if (attempts >= (deps.maxAttempts ?? 5)) {
        await deps.deliveries.markFailed({ id: delivery.id, holder, error: reason });
        summary.failed += 1;
        deps.logger.error(`Digest ${key}: failed after ${attempts} attempts: ${reason}`);
      } else {
        const backoffMs = Math.min((deps.retryBaseMs ?? 1000) * 2 ** (attempts - 1), 60_000);
        await deps.deliveries.markRetry({ id: delivery.id, holder, error: reason, backoffMs });
        deps.logger.warn(`Digest ${key}: attempt ${attempts} failed (${reason}); trying again in ${backoffMs} ms`);
      }
      return;
    }
  }
}

/** The post for a delivery: the team's (or org's) message from this and last week's history, and its chart. */
export async function composeDelivery(
  deps: Pick<DigestDependencies, 'scorecards' | 'store' | 'renderChart' | 'logger'>,
  delivery: Pick<Delivery, 'teamRef' | 'channel' | 'period'>,
  teams: ReadonlyMap<string, TeamChannel>,
): Promise<DigestPost> {
  const { period } = delivery;
  const key = delivererKey(delivery);
  if (delivery.teamRef === ORG_TEAM) {
    const [current, previous] = await Promise.all([
      deps.store.history({ period }),
      deps.store.history({ period: periodBefore(period) }),
    ]);
    return {
      channel: delivery.channel,
      key,
      message: composeOrgDigest({
        period,
        scorecards: deps.scorecards,
        current,
        previous,
        titles: new Map([...teams.values()].map((team) => [team.ref, team.title])),
      }),
    };
  }
  const ownerRefs = await deps.store.teamAndSubteams({ ref: delivery.teamRef });
  const weeks = periodsEnding(period, 8);
  const history = await Promise.all(weeks.map((week) => deps.store.history({ period: week, ownerRefs })));
  const current = history[7] ?? [];
  const previous = history[6] ?? [];
  const title = teams.get(delivery.teamRef)?.title ?? delivery.teamRef;
  const message = composeTeamDigest({
    team: { ref: delivery.teamRef, title },
    subteams: ownerRefs.length - 1,
    period,
    scorecards: deps.scorecards,
    current,
    previous,
  });
  const post: DigestPost = { channel: delivery.channel, key, message };
  if (!deps.renderChart || current.length === 0) return post;
  const series: ChartSeries = {
    title: `${title}: levels, last 8 weeks`,
    points: deps.scorecards.flatMap((scorecard) =>
      weeks.flatMap((week, index) => {
        const counts = levelCounts(scorecard, history[index] ?? []);
        return counts.map((count, slot) => ({
          scorecard: scorecard.title,
          week,
          level: levelName(scorecard, slot - 1),
          rank: slot,
          count,
        }));
      }),
    ),
  };
  try {
    const png = await deps.renderChart(series);
    return { ...post, chart: { png, title: series.title, alt: chartAlt(series, period) } };
  } catch (error) {
    // The digest reads well without its chart.
    deps.logger.warn(`Digest ${key}: chart not rendered, posting without it`, describeError(error));
    return post;
  }
}

function chartAlt(series: ChartSeries, period: string): string {
  const latest = series.points.filter((point) => point.week === period && point.count > 0);
  return `${series.title}. This week: ${latest.map((point) => `${point.scorecard} ${point.level} ${point.count}`).join(', ')}.`;
}

/**
 * What `runDigest` would post, composed but not posted (`wayfinder digest run --dry-run`): no delivery is written.
 * This week's results are evaluated into history first when the week's digest has not been planned yet, so the
 * preview shows what Monday's run would.
 */
export async function previewDigest(
  deps: DigestDependencies,
  opts: { period: string; teamRef?: string },
): Promise<{ posts: DigestPost[]; skipped: string[] }> {
  if (!(await deps.deliveries.findRun({ period: opts.period }))) {
    await evaluateAndStore({
      store: deps.store,
      scorecards: deps.scorecards,
      period: opts.period,
      today: dayOf(deps.clock()),
    });
  }
  const channels = await deps.store.teamChannels();
  const teams = new Map(channels.map((team) => [team.ref, team]));
  const { targets, skipped } = digestTargets(channels, deps.orgChannel);
  const posts: DigestPost[] = [];
  for (const target of targets) {
    if (opts.teamRef && target.teamRef !== opts.teamRef) continue;
    posts.push(await composeDelivery(deps, { ...target, period: opts.period }, teams));
  }
  return { posts, skipped };
}
