/**
 * What `GET /metrics` tells an operator about jobs and syncs: the schedule's outcomes on a real database lock, and
 * syncs that succeed or fail as a whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.ts';
import { DrizzleJobLock } from '../src/db/DrizzleJobLock.ts';
import type { SyncSummary } from '../src/ingestion/github-sync.ts';
import { startSchedule } from '../src/jobs/schedule.ts';
import { countingErrors, createMetrics, observedSync } from '../src/metrics.ts';
import { openTestDatabase } from './helpers/database.ts';
import { recordingLogger } from './helpers/listener-context.ts';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database?.close());

const summary = (overrides: Partial<SyncSummary> = {}): SyncSummary => ({
  repositories: 3,
  read: 2,
  gone: 0,
  changes: { read: [], gone: [] },
  failed: [{ source: 'acme/broken', reason: 'GitHub answered 502' }],
  files: 2,
  counts: { created: 4, updated: 1, unchanged: 0, failed: 0, orphaned: 2 },
  errors: [],
  requests: 10,
  notModified: 7,
  rateLimitRemaining: 4_000,
  ...overrides,
});

describe('metrics', () => {
  it('counts scheduled job runs by outcome, and errors logged by failing jobs', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const logger = countingErrors(recordingLogger(), metrics);
    const schedule = startSchedule({
      jobs: [
        { name: 'fine', cron: '0 0 1 1 *', run: async () => {} },
        {
          name: 'broken',
          cron: '0 0 1 1 *',
          run: async () => {
            throw new Error('the database fell over');
          },
        },
      ],
      lock: new DrizzleJobLock({ db: database.db }),
      logger,
      onRun: (run) => metrics.observeJob(run),
    });
    try {
      expect(await schedule.runNow('fine')).toBe('ran');
      expect(await schedule.runNow('broken')).toBe('failed');
    } finally {
      await schedule.stop();
    }

    const text = await metrics.registry.metrics();
    expect(text).toContain('wayfinder_job_runs_total{job="fine",outcome="ran"} 1');
    expect(text).toContain('wayfinder_job_runs_total{job="broken",outcome="failed"} 1');
    expect(text).toContain('wayfinder_errors_total 1');
  });

  it('records a sync by trigger and outcome, with the entities it changed and the GitHub requests it made', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    await observedSync(metrics, 'webhook', async () => summary());
    await expect(
      observedSync(metrics, 'schedule', async () => {
        throw new Error('GitHub listing failed');
      }),
    ).rejects.toThrow('GitHub listing failed');

    const text = await metrics.registry.metrics();
    expect(text).toContain('wayfinder_catalog_syncs_total{trigger="webhook",outcome="ok"} 1');
    expect(text).toContain('wayfinder_catalog_syncs_total{trigger="schedule",outcome="failed"} 1');
    expect(text).toContain('wayfinder_catalog_sync_entities_total{change="created"} 4');
    expect(text).toContain('wayfinder_catalog_sync_entities_total{change="orphaned"} 2');
    expect(text).toContain('wayfinder_catalog_sync_repository_failures_total 1');
    expect(text).toContain('wayfinder_github_requests_total{answer="not_modified"} 7');
    expect(text).toContain('wayfinder_github_requests_total{answer="other"} 3');
  });

  it('keeps unknown slash command names out of the labels', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observeSlackAck({ kind: 'command', command: '/owner', seconds: 0.002 });
    metrics.observeSlackAck({ kind: 'command', command: '/DROP TABLE; <script>', seconds: 0.002 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('wayfinder_slack_ack_seconds_count{kind="command",command="/owner"} 1');
    expect(text).toContain('wayfinder_slack_ack_seconds_count{kind="command",command="other"} 1');
  });

  it("reports the Postgres pool's connections at each scrape", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.watchDatabase(database);
    const text = await metrics.registry.metrics();
    if (database.dialect === 'postgres') expect(text).toMatch(/wayfinder_db_pool_connections\{state="total"\} [1-9]/);
    else expect(text).not.toContain('wayfinder_db_pool_connections{');
  });
});
