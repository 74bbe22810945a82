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

import { InputError, NotFoundError, RateLimitedError } from '../core/errors.ts';
import type { Delivery, DigestDeliveries, DigestRun } from '../core/ports/digest-deliveries.ts';
import type { DigestPost, DigestPoster } from '../core/ports/digest-poster.ts';
import type { ScorecardStore, TeamChannel } from '../core/ports/scorecard-store.ts';
import { composeOrgDigest, composeTeamDigest } from '../core/scorecards/digest.ts';
import type { Scorecard } from '../core/scorecards/format.ts';
import { dayOf, periodBefore, periodOf, periodsEnding, periodTense } from '../core/scorecards/period.ts';
import type { StoredResult } from '../core/scorecards/results.ts';
import { levelCounts, levelName } from '../core/scorecards/results.ts';
import { countOf } from '../core/text.ts';
import { describeError } from '../http/server.ts';
import type { Logger } from '../logger.ts';
import type { ChartSeries } from './chart.ts';
import { evaluateAndStore, evaluateRows, readFactsFor } from './evaluate-all.ts';
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
  /** Where a run says what it waits for (another run's deliveries), one line at a time; absent: not said. */
  progress?: (line: string) => void;
  /** How long a claim holds without renewal. Default 60 s. */
  leaseMs?: number;
}

export interface DigestSummary {
  period: string;
  posted: number;
  /** Found already posted by a run that stopped mid-post. */
  recovered: number;
  /** Failed in this run. */
  failed: number;
  /** Failed deliveries of the period (of the team with `teamRef`) after the run, this run's and any left before. */
  stillFailed: number;
  /** Deliveries that had failed before and were tried again. */
  retried: number;
  /** 429s waited out. */
  rateLimited: number;
  skipped: string[];
}

const delivererKey = (delivery: Pick<Delivery, 'teamRef' | 'channel' | 'period'>) =>
  `${delivery.teamRef}|${delivery.channel}|${delivery.period}`;

/**
 * Plans the week when it has not been planned, and returns the run. This week's digest evaluates every scorecard into
 * this week's history first; a past week's uses the results stored for it, as they were then (evaluating today's
 * facts into a past week would rewrite its history and hide the changes since). Throws `InputError` for a week after
 * the clock's (its digest would go early, and the real one never), and for a past week with no stored results.
 */
export async function planDigest(deps: DigestDependencies, period: string): Promise<DigestRun> {
  const tense = checkDigestPeriod(period, deps.clock());
  const existing = await deps.deliveries.findRun({ period });
  if (existing) return existing;
  if (tense === 'current') {
    const evaluated = await evaluateAndStore({
      store: deps.store,
      scorecards: deps.scorecards,
      period,
      today: dayOf(deps.clock()),
    });
    deps.logger.info(`Digest ${period}: evaluated ${evaluated.entities} entities (${evaluated.results} results)`);
  } else {
    await requireStoredResults(deps.store, period, deps.clock());
  }
  const { targets, skipped } = digestTargets(await deps.store.teamChannels(), deps.orgChannel);
  await deps.deliveries.plan({ period, targets, skipped });
  const run = await deps.deliveries.findRun({ period });
  if (!run) throw new Error(`The digest run of ${period} was planned but cannot be read back.`);
  return run;
}

/**
 * Whether `period` may have a digest at `now`: this week or a past one (returned as `current` or `past`). Throws
 * `InputError` for a later week: its digest would be posted now and the week marked posted, so the real one would
 * never go.
 */
export function checkDigestPeriod(period: string, now: Date): 'past' | 'current' {
  const tense = periodTense(period, now);
  if (tense === 'future') {
    throw new InputError(
      `${period} has not begun (this is ${periodOf(now)}); a week's digest is sent in that week. Expected ${periodOf(now)} or an earlier week.`,
    );
  }
  return tense;
}

async function requireStoredResults(store: ScorecardStore, period: string, now: Date): Promise<void> {
  if (await store.hasResults({ period })) return;
  throw new InputError(
    `No scorecard results are stored for ${period}: a past week's digest shows that week's stored results, and none were evaluated then (today's facts are not written into a past week). Expected this week (${periodOf(now)}) or a week that has results.`,
  );
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

/**
 * Plans (if needed) and delivers `period`'s digest, or only `teamRef`'s; returns what happened. Deliveries of the
 * period that failed before are tried again (checked first for a post an earlier attempt may have made, so a retry
 * never posts twice). While another run holds deliveries of the period, one line says so through `deps.progress`.
 */
export async function runDigest(
  deps: DigestDependencies,
  opts: { period: string; teamRef?: string },
): Promise<DigestSummary> {
  const run = await planDigest(deps, opts.period);
  const team = opts.teamRef ? { teamRef: opts.teamRef } : {};
  const retried = await deps.deliveries.retryFailed({ period: opts.period, ...team });
  if (retried > 0)
    deps.logger.info(`Digest ${opts.period}: trying ${countOf(retried, 'failed delivery', 'failed deliveries')} again`);
  const summary: DigestSummary = {
    period: opts.period,
    posted: 0,
    recovered: 0,
    failed: 0,
    stillFailed: 0,
    retried,
    rateLimited: 0,
    skipped: opts.teamRef ? run.skipped.filter((ref) => ref === opts.teamRef) : run.skipped,
  };
  const teams = new Map((await deps.store.teamChannels()).map((team) => [team.ref, team]));
  let said = '';
  for (;;) {
    const delivery = await deps.deliveries.claimNext({
      period: opts.period,
      holder: deps.holder,
      leaseMs: deps.leaseMs ?? 60_000,
      ...team,
    });
    if (delivery) {
      await deliver(deps, run, delivery, teams, summary);
      continue;
    }
    const due = await deps.deliveries.nextDue({ period: opts.period, ...team });
    if (due === undefined) break;
    // Another replica holds a claim, or a retry waits for its backoff: come back when it is due.
    const line = await describeWait(deps, opts);
    if (line && line !== said) deps.progress?.(line);
    said = line ?? said;
    await deps.sleep(Math.min(Math.max(due, 50), 60_000));
  }
  await deps.deliveries.finish({ period: opts.period });
  const list = await deps.deliveries.list({ period: opts.period });
  summary.stillFailed = list.filter(
    (delivery) => delivery.status === 'failed' && (!opts.teamRef || delivery.teamRef === opts.teamRef),
  ).length;
  return summary;
}

/** One line on deliveries another run holds (alive, or stopped and its claim not yet run out); undefined: none. */
async function describeWait(
  deps: DigestDependencies,
  opts: { period: string; teamRef?: string },
): Promise<string | undefined> {
  const held = (await deps.deliveries.list({ period: opts.period })).filter(
    (delivery) =>
      delivery.status === 'sending' &&
      delivery.claimedBy !== deps.holder &&
      (!opts.teamRef || delivery.teamRef === opts.teamRef),
  );
  if (held.length === 0) return undefined;
  const until = new Date(Math.max(...held.map((delivery) => delivery.claimedUntil?.getTime() ?? 0)));
  return `${countOf(held.length, 'delivery', 'deliveries')} of ${opts.period} in progress by another run; if that run stopped, its claim runs out at ${until.toISOString().slice(11, 19)} UTC and they are taken over then. Waiting.`;
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
        deps.logger.info(`Digest ${key}: found already posted by an earlier attempt`);
        return;
      }
    } catch (error) {
      // Posting again could post twice; leave it failed, shown by `digest status`, for a person to check.
      const reason = `an earlier attempt may have posted it (a run stopped while posting, or it failed), and the channel could not be checked for that post (${describeError(error).message}); not posted again to avoid a duplicate. Fix the channel, then run wayfinder digest run to check and retry`;
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
      // The channel is missing, the bot is not in it, or it is archived: no retry helps until a person fixes it.
      if (error instanceof NotFoundError || attempts >= (deps.maxAttempts ?? 5)) {
        await deps.deliveries.markFailed({ id: delivery.id, holder, error: reason });
        summary.failed += 1;
        deps.logger.error(`Digest ${key}: failed after ${countOf(attempts, 'attempt')}: ${reason}`);
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
 * What `runDigest` would post, composed but not posted (`wayfinder digest run --dry-run`): nothing is written, neither
 * deliveries nor history. This week's results, when the week's digest has not been planned yet, are evaluated in
 * memory, so the preview shows what the run would post now; a past week's come from the results stored for it
 * (`InputError` when there are none, or for a week after this one, as `planDigest`).
 */
export async function previewDigest(
  deps: DigestDependencies,
  opts: { period: string; teamRef?: string },
): Promise<{ posts: DigestPost[]; skipped: string[] }> {
  const tense = checkDigestPeriod(opts.period, deps.clock());
  let store = deps.store;
  if (!(await deps.deliveries.findRun({ period: opts.period }))) {
    if (tense === 'current') {
      const rows = await readFactsFor(deps.store, deps.scorecards, {});
      const results = evaluateRows(deps.scorecards, rows, dayOf(deps.clock())).map((result) => result.stored);
      store = withWeekInMemory(deps.store, opts.period, results);
    } else {
      await requireStoredResults(deps.store, opts.period, deps.clock());
    }
  }
  const channels = await deps.store.teamChannels();
  const teams = new Map(channels.map((team) => [team.ref, team]));
  const { targets, skipped } = digestTargets(channels, deps.orgChannel);
  const posts: DigestPost[] = [];
  for (const target of targets) {
    if (opts.teamRef && target.teamRef !== opts.teamRef) continue;
    posts.push(await composeDelivery({ ...deps, store }, { ...target, period: opts.period }, teams));
  }
  return { posts, skipped: opts.teamRef ? skipped.filter((ref) => ref === opts.teamRef) : skipped };
}

/** `store` with `period`'s history answered from `results` (evaluated in memory, not stored) instead. */
function withWeekInMemory(store: ScorecardStore, period: string, results: readonly StoredResult[]): ScorecardStore {
  const history = async (opts: Parameters<ScorecardStore['history']>[0]): Promise<StoredResult[]> => {
    if (opts.period !== period) return store.history(opts);
    const owners = opts.ownerRefs && new Set(opts.ownerRefs);
    const refs = opts.refs && new Set(opts.refs);
    return results.filter(
      (result) =>
        (!owners || (result.ownerRef !== null && owners.has(result.ownerRef))) && (!refs || refs.has(result.entityRef)),
    );
  };
  // Every other method is the store's own, called on the store (its private fields are not reachable otherwise).
  return new Proxy(store, {
    get(target, name) {
      if (name === 'history') return history;
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
