/**
 * The digest as a scheduled job, and its catch-up: a week whose scheduled time passed while no replica ran (a deploy,
 * an outage) is run once at start. node-cron does not replay missed ticks (shared/reference/perf-reliability.md §5.2),
 * so the run rows in Postgres, not the timer, say whether this week's digest went out.
 */
import { periodOf, periodStart } from '../core/scorecards/period.ts';
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

export function describeDigest(summary: DigestSummary): string {
  return [
    `${summary.period}: ${summary.posted} posted`,
    ...(summary.recovered ? [`${summary.recovered} found already posted`] : []),
    `${summary.failed} failed`,
    ...(summary.rateLimited ? [`${summary.rateLimited} rate limits waited out`] : []),
    `${summary.skipped.length} teams without a channel skipped`,
  ].join(', ');
}
