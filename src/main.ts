/**
 * The one wiring file: it opens the database, creates the store and the clients, and hands them to the
 * surfaces. Nothing else constructs a client or reads settings.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { WebClient } from '@slack/web-api';
import { createBackground } from './background.ts';
import { notifyErrorOwners } from './catalog/error-notices.ts';
import { GitHubCatalogSync, type SyncSummary } from './catalog/github-sync.ts';
import { importCatalog } from './catalog/import-catalog.ts';
import { createCatalogRefresher } from './catalog/refresh.ts';
import type { Config, GitHubConfig } from './config.ts';
import { answerCommandLine, commandNamed } from './core/commands/index.ts';
import { createRefreshGate } from './core/commands/refresh-gate.ts';
import type {
  CatalogRefresher,
  CatalogStore,
  ConditionalCache,
  GitHubGateway,
  ProcessedEventLog,
  SyncStateStore,
} from './core/ports.ts';
import { createDatabase, type Database, migrateDatabase } from './db/client.ts';
import { DrizzleCatalogStore } from './db/DrizzleCatalogStore.ts';
import { DrizzleConditionalCache } from './db/DrizzleConditionalCache.ts';
import { DrizzleJobLock } from './db/DrizzleJobLock.ts';
import { DrizzleProcessedEventLog } from './db/DrizzleProcessedEventLog.ts';
import { DrizzleSyncStateStore } from './db/DrizzleSyncStateStore.ts';
import { pingDatabase } from './db/health.ts';
import { OctokitGitHubGateway } from './github/OctokitGitHubGateway.ts';
import { createOctokit } from './github/octokit.ts';
import { createGitHubWebhookRoute, GITHUB_WEBHOOK_PATH } from './github/webhook-route.ts';
import { createHttpServer } from './http/server.ts';
import { createCatalogSyncJob } from './jobs/catalog-sync.ts';
import { createOrphanPurgeJob } from './jobs/orphan-purge.ts';
import { ORPHAN_PURGE_CRON, type ScheduledJob, startSchedule } from './jobs/schedule.ts';
import type { Logger } from './logger.ts';
import { createSlackApp } from './slack/app.ts';
import { createSlackChannelNotifier } from './slack/channel-notifier.ts';

const DEMO_CATALOG = fileURLToPath(new URL('../demo/catalog', import.meta.url));

/** How long a handled delivery is remembered; Slack's last retry comes about five minutes after the first. */
const PROCESSED_EVENT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Handled deliveries older than the retention are forgotten once an hour. */
const PROCESSED_EVENTS_PRUNE_CRON = '41 * * * *';
/** How long shutdown waits for webhook syncs in progress. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface Wayfinder {
  database: Database;
  store: CatalogStore;
  refresher: CatalogRefresher;
  /** Present when GITHUB_ORG is set. */
  github?: GitHubCatalogSync;
  syncState: SyncStateStore;
  processedEvents: ProcessedEventLog;
  close(): Promise<void>;
}

/** Opens the database, applies migrations and, on a fresh catalog, loads the demo organisation. */
export async function openWayfinder(config: Config, logger: Logger): Promise<Wayfinder> {
  const database = await createDatabase({
    url: config.database.url,
    dataDir: config.database.dataDir,
    onIdleConnectionError: (error) =>
      logger.warn('Idle Postgres connection failed; the pool opens a new one.', error.message),
  });
  await migrateDatabase(database);
  const store = new DrizzleCatalogStore({ db: database.db });
  const processedEvents = new DrizzleProcessedEventLog({ db: database.db });
  await processedEvents.prune({ before: new Date(Date.now() - PROCESSED_EVENT_RETENTION_MS) });
  if (config.loadDemo && (await store.countEntities()) === 0) {
    const { counts } = await importCatalog({ paths: [DEMO_CATALOG], store });
    logger.info(`Loaded the demo organisation: ${counts.created} entities. Set WAYFINDER_DEMO=false to start empty.`);
  }
  const syncState = new DrizzleSyncStateStore({ db: database.db });
  const github =
    config.github && (await createGitHubSync({ config: config.github, database, store, state: syncState, logger }));
  const refresher = createCatalogRefresher({ store, refreshScope: github && ((opts) => github.refreshScope(opts)) });
  return { database, store, refresher, github, syncState, processedEvents, close: () => database.close() };
}

/** The GitHub sync: one octokit client, ETags kept in Postgres, sync state shared by replicas. */
async function createGitHubSync(opts: {
  config: GitHubConfig;
  database: Database;
  store: CatalogStore;
  state: SyncStateStore;
  logger: Logger;
}): Promise<GitHubCatalogSync> {
  const { config, database, store, state, logger } = opts;
  return new GitHubCatalogSync({
    gateway: await createGitHubGateway({ config, cache: new DrizzleConditionalCache({ db: database.db }), logger }),
    store,
    state,
    settings: {
      org: config.org,
      catalogPaths: config.catalogPaths,
      includeForks: config.includeForks,
      ...(config.topic ? { topic: config.topic } : {}),
    },
    logger,
  });
}

/**
 * The GitHub gateway for `config`: the sync's, and the reader of `url` Location targets and URL placeholders in
 * hand imports (catalog/github-url-reader.ts). Reads the App's private key file when it is given as a file.
 */
export async function createGitHubGateway(opts: {
  config: GitHubConfig;
  cache: ConditionalCache;
  logger: Logger;
}): Promise<GitHubGateway> {
  const { config, cache, logger } = opts;
  const auth =
    config.auth.type === 'token'
      ? { token: config.auth.token }
      : {
          appId: config.auth.appId,
          installationId: config.auth.installationId,
          privateKey:
            'pem' in config.auth.privateKey
              ? config.auth.privateKey.pem
              : await readFile(config.auth.privateKey.file, 'utf8'),
        };
  const octokit = createOctokit({ auth, logger, ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}) });
  return new OctokitGitHubGateway({ octokit, cache });
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves Slack (HTTP or Socket Mode) and GitHub's webhooks with health checks on one HTTP server, and runs the
 * schedule: the GitHub sync, the orphan purge and the pruning of handled deliveries, each on one replica per tick.
 */
export async function serveWayfinder(wayfinder: Wayfinder, config: Config, logger: Logger): Promise<RunningServer> {
  const slack = config.slack
    ? createSlackApp({
        ...config.slack,
        services: {
          store: wayfinder.store,
          refresher: wayfinder.refresher,
          refreshes: createRefreshGate(),
          runCommand: answerCommandLine,
          commandNamed,
          processedEvents: wayfinder.processedEvents,
        },
        logger,
      })
    : undefined;
  // New catalog errors go to the owning team's channel when Slack is set up; without it they wait in /wayfinder errors.
  const notifier =
    config.slack &&
    createSlackChannelNotifier({
      client: new WebClient(config.slack.botToken, {
        ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      }),
    });
  const notify =
    notifier &&
    (async (summary: SyncSummary) => {
      await notifyErrorOwners({
        errors: summary.errors,
        store: wayfinder.store,
        state: wayfinder.syncState,
        notifier,
        logger,
      });
    });

  const background = createBackground(logger);
  const github = wayfinder.github;
  const webhook =
    github && config.github?.webhookSecret
      ? createGitHubWebhookRoute({
          secret: config.github.webhookSecret,
          sync: github,
          state: wayfinder.syncState,
          processedEvents: wayfinder.processedEvents,
          catalogPaths: config.github.catalogPaths,
          background,
          logger,
          ...(notify ? { afterSync: notify } : {}),
        })
      : undefined;
  const server = createHttpServer({
    routes: [...(slack?.routes ?? []), ...(webhook ? [webhook] : [])],
    isReady: () => pingDatabase(wayfinder.database),
    logger,
  });
  const port = await server.listen(config.http.port, config.http.host);
  await slack?.start();

  const jobs: ScheduledJob[] = [
    ...(github
      ? [{ name: 'catalog-sync', cron: config.sync.cron, run: createCatalogSyncJob({ sync: github, notify, logger }) }]
      : []),
    {
      name: 'orphan-purge',
      cron: ORPHAN_PURGE_CRON,
      run: createOrphanPurgeJob({
        store: wayfinder.store,
        graceMs: config.sync.orphanGraceMs,
        clock: () => new Date(),
        logger,
      }),
    },
    {
      name: 'processed-events-prune',
      cron: PROCESSED_EVENTS_PRUNE_CRON,
      run: async () => {
        await wayfinder.processedEvents.prune({ before: new Date(Date.now() - PROCESSED_EVENT_RETENTION_MS) });
      },
    },
  ];
  const schedule = startSchedule({ jobs, lock: new DrizzleJobLock({ db: wayfinder.database.db }), logger });

  const surfaces = [
    ...(slack?.routes.length ? ['Slack at POST /slack/events'] : []),
    ...(webhook ? [`GitHub webhooks at POST ${GITHUB_WEBHOOK_PATH}`] : []),
  ];
  logger.info(
    `Wayfinder is listening on ${config.http.host}:${port}${surfaces.length ? ` (${surfaces.join('; ')})` : ''}.`,
  );
  return {
    port,
    async close() {
      await schedule.stop();
      await slack?.stop();
      await server.close();
      await background.idle(SHUTDOWN_GRACE_MS);
    },
  };
}
