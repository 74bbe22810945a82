/**
 * Scheduled jobs coordinated through `job_leases` on a real database. Ticks are triggered with `runNow`, which goes
 * through the same lease as a cron tick; nothing here waits for cron.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { DrizzleJobLock } from '../../src/db/DrizzleJobLock.ts';
import { runJobOnce } from '../../src/jobs/run-job.ts';
import { type Schedule, type ScheduledJob, startSchedule } from '../../src/jobs/schedule.ts';
import type { Logger } from '../../src/logger.ts';
import { openTestDatabase } from '../helpers/database.ts';

/** Never fires during a test: 1 January, midnight. */
const YEARLY = '0 0 1 1 *';

let database: Database;
let lock: DrizzleJobLock;
const schedules: Schedule[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  lock = new DrizzleJobLock({ db: database.db });
});

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  await database.db.execute(sql`truncate job_leases`);
});

afterEach(async () => {
  await Promise.all(schedules.splice(0).map((schedule) => schedule.stop()));
});

function recordingLogger() {
  const lines: { level: string; message: string; details: unknown[] }[] = [];
  const at =
    (level: string) =>
    (message: string, ...details: unknown[]) =>
      lines.push({ level, message, details });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

function schedule(jobs: ScheduledJob[], holder: string, logger: Logger = recordingLogger().logger): Schedule {
  const started = startSchedule({ jobs, lock, logger, holder });
  schedules.push(started);
  return started;
}

/** A promise and its resolve, to hold a job open while another replica tries it. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

async function leases() {
  const { rows } = await database.db.execute<{ name: string; holder: string; live: boolean }>(
    sql`select name, holder, leased_until > now() as live from job_leases order by name`,
  );
  return rows;
}

describe('startSchedule', () => {
  it('runs a job once when two replicas race for the same tick', async () => {
    let runs = 0;
    const held = gate();
    const job = (): ScheduledJob => ({
      name: 'catalog-sync',
      cron: YEARLY,
      run: async () => {
        runs += 1;
        await held.opened;
      },
    });
    const a = schedule([job()], 'replica-a');
    const b = schedule([job()], 'replica-b');

    const racing = Promise.all([a.runNow('catalog-sync'), b.runNow('catalog-sync')]);
    const outcomes = await Promise.race([
      racing,
      // Whoever lost has answered while the winner is still running.
      (async () => {
        while (runs === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        return undefined;
      })(),
    ]);
    expect(outcomes).toBeUndefined();
    held.open();

    expect((await racing).sort()).toEqual(['ran', 'skipped']);
    expect(runs).toBe(1);
  });

  it('keeps the lease of a finished run a little longer, so a replica whose tick fires late skips it', async () => {
    let runs = 0;
    const job = (): ScheduledJob => ({
      name: 'orphan-purge',
      cron: YEARLY,
      run: async () => {
        runs += 1;
      },
    });
    const a = schedule([job()], 'replica-a');
    const b = schedule([job()], 'replica-b');

    expect(await a.runNow('orphan-purge')).toBe('ran');
    expect(await b.runNow('orphan-purge')).toBe('skipped');
    expect(runs).toBe(1);
    expect(await leases()).toEqual([{ name: 'orphan-purge', holder: 'replica-a', live: true }]);
  });

  it('takes over a lease whose holder stopped renewing it, and skips one that is still live', async () => {
    let runs = 0;
    const a = schedule(
      [
        {
          name: 'catalog-sync',
          cron: YEARLY,
          run: async () => {
            runs += 1;
          },
        },
      ],
      'replica-a',
    );

    await database.db.execute(
      sql`insert into job_leases values ('catalog-sync', 'replica-dead', now() - interval '1 minute')`,
    );
    expect(await a.runNow('catalog-sync')).toBe('ran');
    expect(runs).toBe(1);

    await database.db.execute(sql`truncate job_leases`);
    await database.db.execute(
      sql`insert into job_leases values ('catalog-sync', 'replica-busy', now() + interval '1 minute')`,
    );
    expect(await a.runNow('catalog-sync')).toBe('skipped');
    expect(runs).toBe(1);
  });

  it('logs a failing job, releases its lease, and runs it again at the next tick', async () => {
    const { logger, lines } = recordingLogger();
    let calls = 0;
    const a = schedule(
      [
        {
          name: 'catalog-sync',
          cron: YEARLY,
          run: async () => {
            calls += 1;
            if (calls === 1) throw new Error('GitHub listing failed');
          },
        },
      ],
      'replica-a',
      logger,
    );

    expect(await a.runNow('catalog-sync')).toBe('failed');
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining('Job catalog-sync failed'),
        details: [expect.objectContaining({ message: 'GitHub listing failed' })],
      }),
    );
    expect(await leases()).toEqual([]);

    expect(await a.runNow('catalog-sync')).toBe('ran');
    expect(calls).toBe(2);
  });

  it('refuses an invalid cron expression and two jobs of the same name', () => {
    const run = async () => {};
    expect(() => schedule([{ name: 'x', cron: 'every tuesday', run }], 'replica-a')).toThrow(
      /schedule of job x \(every tuesday\) is not a valid cron expression/,
    );
    expect(() =>
      schedule(
        [
          { name: 'x', cron: YEARLY, run },
          { name: 'x', cron: YEARLY, run },
        ],
        'replica-a',
      ),
    ).toThrow(/Two scheduled jobs are named x/);
  });

  it('waits for a run in progress when stopped', async () => {
    const held = gate();
    let finished = false;
    const a = startSchedule({
      jobs: [
        {
          name: 'catalog-sync',
          cron: YEARLY,
          run: async () => {
            await held.opened;
            finished = true;
          },
        },
      ],
      lock,
      logger: recordingLogger().logger,
      holder: 'replica-a',
    });
    const running = a.runNow('catalog-sync');
    while ((await leases()).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopped = a.stop();
    held.open();
    await stopped;
    expect(finished).toBe(true);
    expect(await running).toBe('ran');
  });
});

describe('runJobOnce', () => {
  it('renews the lease while a long run lasts, so no other replica takes it over', async () => {
    const held = gate();
    const job = {
      name: 'catalog-sync',
      leaseMs: 300,
      run: () => held.opened,
    };
    const { logger } = recordingLogger();
    const running = runJobOnce({ job, lock, holder: 'replica-a', logger });
    // Well past several lease periods: without renewal the lease would have expired.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await runJobOnce({ job: { ...job, run: async () => {} }, lock, holder: 'replica-b', logger })).toBe(
      'skipped',
    );
    held.open();
    expect(await running).toBe('ran');
  });
});
