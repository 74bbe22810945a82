/**
 * Prometheus metrics (`prom-client`), served at `GET /metrics`. One registry per process, created by the wiring and
 * handed to the layers that observe: the HTTP server (requests), the Slack receivers (ack latency by command), the
 * schedule (job outcomes), the wiring's sync wrappers (sync outcomes) and the logger (errors). Label values are
 * bounded (route paths, command names, job names), and nothing personal is ever a label.
 */
import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from './db/client.ts';
import type { Route, ServedRequest } from './http/server.ts';
import type { SyncSummary } from './ingestion/github-sync.ts';
import type { JobOutcome } from './jobs/run-job.ts';
import type { Logger } from './logger.ts';
import type { SlackAck } from './slack/receiver.ts';

export const METRICS_PATH = '/metrics';

/** What started a catalog sync. */
export type SyncTrigger = 'schedule' | 'webhook' | 'cli';

export interface Metrics {
  readonly registry: Registry;
  observeRequest(request: ServedRequest): void;
  observeSlackAck(ack: SlackAck): void;
  observeJob(run: { job: string; outcome: JobOutcome; seconds: number }): void;
  observeSync(run: { trigger: SyncTrigger; seconds: number; summary?: SyncSummary; failed: boolean }): void;
  countError(): void;
  /** Reports the Postgres pool's connections at each scrape (nothing for PGlite, which has one connection). */
  watchDatabase(database: Database): void;
}

/** Slash commands are the manifest's few names; anything else shown as `other` keeps the label set bounded. */
const COMMAND = /^\/[a-z0-9_-]{1,32}$/;

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new Counter({
    name: 'wayfinder_http_requests_total',
    help: 'HTTP requests served, by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const requestSeconds = new Histogram({
    name: 'wayfinder_http_request_duration_seconds',
    help: 'Time from a request’s arrival to its response, by method and route.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const ackSeconds = new Histogram({
    name: 'wayfinder_slack_ack_seconds',
    help: 'Time from a Slack request’s arrival (HTTP or Socket Mode) to its acknowledgement, by kind and slash command. Slack allows 3 s.',
    labelNames: ['kind', 'command'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
    registers,
  });
  const jobRuns = new Counter({
    name: 'wayfinder_job_runs_total',
    help: 'Scheduled job ticks, by job and outcome: ran, skipped (another replica ran it) or failed.',
    labelNames: ['job', 'outcome'] as const,
    registers,
  });
  const jobSeconds = new Histogram({
    name: 'wayfinder_job_duration_seconds',
    help: 'How long scheduled jobs ran on this replica, by job.',
    labelNames: ['job'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900],
    registers,
  });
  const syncs = new Counter({
    name: 'wayfinder_catalog_syncs_total',
    help: 'GitHub catalog syncs, by trigger and outcome (ok, or failed as a whole).',
    labelNames: ['trigger', 'outcome'] as const,
    registers,
  });
  const syncSeconds = new Histogram({
    name: 'wayfinder_catalog_sync_duration_seconds',
    help: 'How long GitHub catalog syncs took, by trigger.',
    labelNames: ['trigger'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900],
    registers,
  });
  const syncEntities = new Counter({
    name: 'wayfinder_catalog_sync_entities_total',
    help: 'Entities the GitHub syncs changed, by change (created, updated, orphaned…).',
    labelNames: ['change'] as const,
    registers,
  });
  const syncRepositoryFailures = new Counter({
    name: 'wayfinder_catalog_sync_repository_failures_total',
    help: 'Repositories (or the teams) GitHub failed on during syncs; their entities were left as they were.',
    registers,
  });
  const githubRequests = new Counter({
    name: 'wayfinder_github_requests_total',
    help: 'GitHub requests the syncs made, by answer: not_modified (304, free of rate limit) or other.',
    labelNames: ['answer'] as const,
    registers,
  });
  const errors = new Counter({
    name: 'wayfinder_errors_total',
    help: 'Failures logged at error level (every failure is logged with its cause).',
    registers,
  });
  const pools: pg.Pool[] = [];
  new Gauge({
    name: 'wayfinder_db_pool_connections',
    help: 'Postgres pool connections by state: total (open), idle, waiting (requests queued for a connection).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.reset();
      for (const pool of pools) {
        this.inc({ state: 'total' }, pool.totalCount);
        this.inc({ state: 'idle' }, pool.idleCount);
        this.inc({ state: 'waiting' }, pool.waitingCount);
      }
    },
  });

  return {
    registry,
    observeRequest({ method, route, status, seconds }) {
      requests.inc({ method, route, status: String(status) });
      requestSeconds.observe({ method, route }, seconds);
    },
    observeSlackAck({ kind, command, seconds }) {
      const name = command === undefined ? '' : COMMAND.test(command) ? command : 'other';
      ackSeconds.observe({ kind, command: name }, seconds);
    },
    observeJob({ job, outcome, seconds }) {
      jobRuns.inc({ job, outcome });
      if (outcome !== 'skipped') jobSeconds.observe({ job }, seconds);
    },
    observeSync({ trigger, seconds, summary, failed }) {
      syncs.inc({ trigger, outcome: failed ? 'failed' : 'ok' });
      syncSeconds.observe({ trigger }, seconds);
      if (!summary) return;
      for (const [change, count] of Object.entries(summary.counts)) {
        if (typeof count === 'number' && count > 0) syncEntities.inc({ change }, count);
      }
      if (summary.failed.length > 0) syncRepositoryFailures.inc(summary.failed.length);
      githubRequests.inc({ answer: 'not_modified' }, summary.notModified);
      githubRequests.inc({ answer: 'other' }, Math.max(0, summary.requests - summary.notModified));
    },
    countError: () => errors.inc(),
    watchDatabase(database) {
      if (database.dialect !== 'postgres') return;
      // drizzle keeps the driver's client on `$client`: for node-postgres, the pool.
      const pool = (database.db as unknown as { $client?: pg.Pool }).$client;
      if (pool && typeof pool.totalCount === 'number') pools.push(pool);
    },
  };
}

/** `GET /metrics` in Prometheus's text format. */
export function createMetricsRoute(metrics: Metrics): Route {
  return {
    method: 'GET',
    path: METRICS_PATH,
    handler: async (_req, res) => {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    },
  };
}

/** The same logger, counting every error it logs. */
export function countingErrors(logger: Logger, metrics: Metrics): Logger {
  return {
    debug: (message, ...details) => logger.debug(message, ...details),
    info: (message, ...details) => logger.info(message, ...details),
    warn: (message, ...details) => logger.warn(message, ...details),
    error: (message, ...details) => {
      metrics.countError();
      logger.error(message, ...details);
    },
  };
}

/** Runs one sync and records its outcome; the sync's own result or error passes through unchanged. */
export async function observedSync<T extends SyncSummary>(
  metrics: Metrics | undefined,
  trigger: SyncTrigger,
  sync: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    const summary = await sync();
    metrics?.observeSync({ trigger, seconds: (performance.now() - started) / 1000, summary, failed: false });
    return summary;
  } catch (error) {
    metrics?.observeSync({ trigger, seconds: (performance.now() - started) / 1000, failed: true });
    throw error;
  }
}
