/**
 * One run of a scheduled job on one replica, coordinated with the others through a `JobLock`: every replica's cron
 * fires, the one that takes the lease runs the job, the others skip. What the schedule runs at each tick, and what a
 * test or the CLI runs to trigger a tick by hand.
 */
import type { JobLock } from '../core/ports/job-lock.ts';
import { describeError } from '../http/server.ts';
import type { Logger } from '../logger.ts';

/** A scheduled job: a plain async function with its dependencies already bound (STYLE.md rule 16). */
export interface Job {
  /** Unique; the lease's key. */
  name: string;
  run: () => Promise<void>;
  /**
   * How long a run holds the lease between renewals; a replica that dies mid-run blocks the job at most this long.
   * Renewed every third of it while the run lasts. Default 2 minutes.
   */
  leaseMs?: number;
}

/** `ran`: this replica ran it; `skipped`: another live replica holds it; `failed`: it ran and threw (logged). */
export type JobOutcome = 'ran' | 'skipped' | 'failed';

export const DEFAULT_LEASE_MS = 2 * 60_000;

/**
 * Takes the job's lease, runs it, renews the lease while it runs, and releases it. Never throws for the job: a failure
 * is logged and the lease released at once, so that the next tick (on any replica) runs it again. After a success
 * the lease is kept `settleMs` longer, so that a replica whose cron fires a little late skips this tick.
 */
export async function runJobOnce(opts: {
  job: Job;
  lock: JobLock;
  /** This replica, as written in the lease. */
  holder: string;
  logger: Logger;
  settleMs?: number;
}): Promise<JobOutcome> {
  const { job, lock, holder, logger } = opts;
  const ttlMs = job.leaseMs ?? DEFAULT_LEASE_MS;
  if (!(await lock.tryAcquire({ name: job.name, holder, ttlMs }))) {
    logger.debug(`Job ${job.name}: skipped, another replica holds it`);
    return 'skipped';
  }
  const renewal = setInterval(
    () => {
      lock.renew({ name: job.name, holder, ttlMs }).then(
        (held) => {
          if (!held) logger.warn(`Job ${job.name}: lease lost while running; another replica may run it too`);
        },
        (error: unknown) => logger.warn(`Job ${job.name}: could not renew its lease`, describeError(error)),
      );
    },
    Math.max(1, Math.floor(ttlMs / 3)),
  );
  renewal.unref();

  const started = Date.now();
  let outcome: JobOutcome = 'ran';
  try {
    await job.run();
    logger.debug(`Job ${job.name}: done in ${Date.now() - started} ms`);
  } catch (error) {
    outcome = 'failed';
    logger.error(`Job ${job.name} failed after ${Date.now() - started} ms`, describeError(error));
  } finally {
    clearInterval(renewal);
  }
  try {
    await lock.release({ name: job.name, holder, keepMs: outcome === 'ran' ? opts.settleMs : 0 });
  } catch (error) {
    // The lease then expires on its own after `leaseMs`.
    logger.warn(`Job ${job.name}: could not release its lease`, describeError(error));
  }
  return outcome;
}
