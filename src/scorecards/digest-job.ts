/**
 * The digest as a scheduled job, and its catch-up: a week whose scheduled time passed while no replica ran (a deploy,
 * an outage) is run once at start. node-cron does not replay missed ticks (shared/reference/perf-reliability.md §5.2),
 * so the run rows in Postgres, not the timer, say whether this week's digest went out.
 */
import { periodOf, periodStart } from '../core/scorecards/period.ts';
import { countOf, formatNumber } from '../core/text.ts';
import type { Logger } from '../logger.ts';
import { type DigestDependencies, type DigestSummary, runDigest } from './digest-run.ts';

/** The job the schedule runs at `WAYFINDER_DIGEST_CRON`: this week's digest (the week of the clock's now). */
export function createDigestJob(deps: DigestDependencies): () => Promise<void> {
  return async () => {
    const summary = await runDigest(deps, { period: periodOf(deps.clock()) });
    deps.logger.info(`Digest: ${describeDigest(summary)}`);
  };
}

/**
 * Whether this week's digest was missed: its scheduled time this week (per `previousFire`) has passed, no run of the
 * week was planned, and a digest ran in an earlier week. `runMissed` (the schedule's `runNow`, through the job lease)
 * is then called once. A deployment that has never posted a digest waits for its first scheduled time rather than
 * post to every team channel the moment it is first started (`wayfinder digest run` posts one at once).
 */
export async function catchUpDigest(opts: {
  clock: () => Date;
  previousFire: (opts: { before: Date; after: Date }) => Date | undefined;
  findRun: (opts: { period: string }) => Promise<unknown>;
  /** Any digest run planned before, of any week. */
  latestRun: () => Promise<unknown>;
  runMissed: () => Promise<unknown>;
  logger: Logger;
}): Promise<boolean> {
  const now = opts.clock();
  const period = periodOf(now);
  const fired = opts.previousFire({ before: now, after: periodStart(period) });
  if (!fired || (await opts.findRun({ period })) || !(await opts.latestRun())) return false;
  opts.logger.info(`Digest ${period} was due at ${fired.toISOString()} and did not run: running it now.`);
  await opts.runMissed();
  return true;
}

/**
 * The run's one-line summary: what was posted, recovered and skipped, and the deliveries of the period still failed
 * (this run's and earlier ones') with how to retry them.
 */
export function describeDigest(summary: DigestSummary, retry = 'wayfinder digest run'): string {
  const parts = [
    `${summary.period}: ${formatNumber(summary.posted)} posted`,
    ...(summary.retried ? [`${formatNumber(summary.retried)} failed before and tried again`] : []),
    ...(summary.recovered ? [`${formatNumber(summary.recovered)} found already posted`] : []),
    ...(summary.rateLimited ? [`${countOf(summary.rateLimited, 'rate limit')} waited out`] : []),
    `${countOf(summary.skipped.length, 'team')} without a channel skipped`,
  ];
  const failed =
    summary.stillFailed > 0
      ? `${formatNumber(summary.stillFailed)} failed: see wayfinder digest status for why, fix it, then run ${retry} to retry them (each is checked for an earlier post first, so none goes twice)`
      : '0 failed';
  return [...parts.slice(0, 1), failed, ...parts.slice(1)].join(', ');
}
