/**
 * The one file that imports node-cron (STYLE.md rule 16). The schedule is data, built by the wiring:
 *
 *     startSchedule({ jobs: [
 *       { name: 'catalog-sync', cron: config.sync.cron, run: createCatalogSyncJob({ … }) },
 *       { name: 'orphan-purge', cron: ORPHAN_PURGE_CRON, run: createOrphanPurgeJob({ … }) },
 *     ], lock, logger })
 *
 * Every replica runs the same schedule; each tick goes through `runJobOnce`, so one replica runs it and the others skip.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import { InputError } from '../core/errors.ts';
import type { JobLock } from '../core/ports/job-lock.ts';
import type { Logger } from '../logger.ts';
import { type Job, type JobOutcome, runJobOnce } from './run-job.ts';

/** Hourly, at a minute other schedules rarely pick. */
export const ORPHAN_PURGE_CRON = '17 * * * *';

export interface ScheduledJob extends Job {
  /** A 5-field cron expression, or 6 with seconds first, in the process's time zone (`TZ`). */
  cron: string;
}

export interface Schedule {
  /** This replica's name in the leases it takes. */
  readonly holder: string;
  /** Runs a job now, through the same lease as a tick: what tests and a manual trigger use. */
  runNow(name: string): Promise<JobOutcome>;
  /** Stops every cron task and waits for runs in progress to finish (call before closing the database). */
  stop(): Promise<void>;
}

/** The longest a successful run keeps its lease: how late another replica's tick may fire and still skip. */
const MAX_SETTLE_MS = 30_000;

export function startSchedule(opts: {
  jobs: readonly ScheduledJob[];
  lock: JobLock;
  logger: Logger;
  /** Default: host, process id and a random suffix, unique per schedule. */
  holder?: string;
  /** Called after every tick and `runNow` with the outcome: the job metrics. */
  onRun?: (run: { job: string; outcome: JobOutcome; seconds: number }) => void;
}): Schedule {
  const { lock, logger } = opts;
  const holder = opts.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const names = new Set<string>();
  for (const job of opts.jobs) {
    if (names.has(job.name)) throw new InputError(`Two scheduled jobs are named ${job.name}; expected unique names.`);
    names.add(job.name);
    if (!cron.validate(job.cron)) {
      throw new InputError(`The schedule of job ${job.name} (${job.cron}) is not a valid cron expression.`);
    }
  }

  const running = new Set<Promise<JobOutcome>>();
  const runners = new Map<string, () => Promise<JobOutcome>>();
  const tasks: ScheduledTask[] = [];
  for (const job of opts.jobs) {
    const task = cron.createTask(job.cron, () => run(), {
      name: job.name,
      noOverlap: true,
      logger: cronLogger(logger),
    });
    // Half the time between two ticks, at most 30 s: the next tick always finds the lease free again.
    const [next, after] = task.getNextRuns(2);
    const settleMs = next && after ? Math.min(MAX_SETTLE_MS, (after.getTime() - next.getTime()) / 2) : 0;
    const run = () => {
      const started = performance.now();
      const promise = runJobOnce({ job, lock, holder, logger, settleMs }).then((outcome) => {
        opts.onRun?.({ job: job.name, outcome, seconds: (performance.now() - started) / 1000 });
        return outcome;
      });
      running.add(promise);
      return promise.finally(() => running.delete(promise));
    };
    runners.set(job.name, run);
    tasks.push(task);
  }
  for (const task of tasks) task.start();
  logger.info(`Schedule started: ${opts.jobs.map((job) => `${job.name} (${job.cron})`).join(', ') || 'no jobs'}`);

  return {
    holder,
    runNow(name) {
      const run = runners.get(name);
      if (!run) return Promise.reject(new InputError(`No scheduled job is named ${name}.`));
      return run();
    },
    async stop() {
      await Promise.all(tasks.map((task) => task.destroy()));
      await Promise.allSettled([...running]);
    },
  };
}

/**
 * The cron settings node-cron would refuse, one problem each naming the setting (`WAYFINDER_DIGEST_CRON: …`); empty
 * when all are valid. `settings` maps each setting's key to its value and an example of a valid one. The settings
 * check calls this so that a bad schedule stops the process before anything is opened.
 */
export function invalidCronSettings(settings: Readonly<Record<string, { cron: string; example: string }>>): string[] {
  return Object.entries(settings)
    .filter(([, setting]) => !cron.validate(setting.cron))
    .map(
      ([key, setting]) =>
        `${key}: "${setting.cron}" is not a valid cron expression (a field is out of range or malformed: minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-7); expected one such as ${setting.example}`,
    );
}

/** node-cron reports missed and overlapping ticks through this. */
function cronLogger(logger: Logger) {
  return {
    info: (message: string) => logger.debug(`node-cron: ${message}`),
    warn: (message: string) => logger.warn(`node-cron: ${message}`),
    error: (message: string | Error, error?: Error) => logger.error(`node-cron: ${String(message)}`, error ?? ''),
    debug: (message: string | Error) => logger.debug(`node-cron: ${String(message)}`),
  };
}

/**
 * The last time `cronExpression` fired at or before `before` and after `after` (to the minute), or undefined: what a
 * job missed while no replica ran. Steps back a minute at a time (a week is 10,080 steps), in `timezone` (an IANA
 * name; default the process's, `TZ`).
 */
export function previousFire(opts: { cron: string; before: Date; after: Date; timezone?: string }): Date | undefined {
  const task = cron.createTask(opts.cron, () => undefined, opts.timezone ? { timezone: opts.timezone } : {});
  try {
    const minute = new Date(opts.before);
    minute.setSeconds(0, 0);
    for (let at = minute.getTime(); at > opts.after.getTime(); at -= 60_000) {
      if (task.match(new Date(at))) return new Date(at);
    }
    return undefined;
  } finally {
    task.destroy();
  }
}
