/**
 * The one wiring file: it opens the database, creates the store and the clients, and hands them to the
 * surfaces. Nothing else constructs a client or reads settings.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { GitHubCatalogSync } from './catalog/github-sync.ts';
import { importCatalog } from './catalog/import-catalog.ts';
import { createCatalogRefresher } from './catalog/refresh.ts';
import type { Config, GitHubConfig } from './config.ts';
import { runCommandLine } from './core/commands/index.ts';
import type { CatalogRefresher, CatalogStore, ProcessedEventLog } from './core/ports.ts';
import { createDatabase, type Database, migrateDatabase } from './db/client.ts';
import { DrizzleCatalogStore } from './db/DrizzleCatalogStore.ts';
import { DrizzleConditionalCache } from './db/DrizzleConditionalCache.ts';
import { DrizzleProcessedEventLog } from './db/DrizzleProcessedEventLog.ts';
import { DrizzleSyncStateStore } from './db/DrizzleSyncStateStore.ts';
import { pingDatabase } from './db/health.ts';
import { OctokitGitHubGateway } from './github/OctokitGitHubGateway.ts';
import { createOctokit } from './github/octokit.ts';
import { createHttpServer } from './http/server.ts';
import type { Logger } from './logger.ts';
import { createSlackApp } from './slack/app.ts';

const DEMO_CATALOG = fileURLToPath(new URL('../demo/catalog', import.meta.url));

/** How long a handled delivery is remembered; Slack's last retry comes about five minutes after the first. */
const PROCESSED_EVENT_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface Wayfinder {
  database: Database;
  store: CatalogStore;
  refresher: CatalogRefresher;
  /** Present when GITHUB_ORG is set. */
  github?: GitHubCatalogSync;
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
  const github = config.github && (await createGitHubSync({ config: config.github, database, store, logger }));
  const refresher = createCatalogRefresher({ store, refreshScope: github && ((opts) => github.refreshScope(opts)) });
  return { database, store, refresher, github, processedEvents, close: () => database.close() };
}

/** The GitHub sync: one octokit client, ETags kept in Postgres, sync state shared by replicas. */
async function createGitHubSync(opts: {
  config: GitHubConfig;
  database: Database;
  store: CatalogStore;
  logger: Logger;
}): Promise<GitHubCatalogSync> {
  const { config, database, store, logger } = opts;
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
  return new GitHubCatalogSync({
    gateway: new OctokitGitHubGateway({ octokit, cache: new DrizzleConditionalCache({ db: database.db }) }),
    store,
    state: new DrizzleSyncStateStore({ db: database.db }),
    settings: {
      org: config.org,
      catalogPaths: config.catalogPaths,
      includeForks: config.includeForks,
      ...(config.topic ? { topic: config.topic } : {}),
    },
    logger,
  });
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** Serves Slack (HTTP or Socket Mode) with health checks on one HTTP server. */
export async function serveWayfinder(wayfinder: Wayfinder, config: Config, logger: Logger): Promise<RunningServer> {
  const slack = config.slack
    ? createSlackApp({
        ...config.slack,
        services: {
          store: wayfinder.store,
          refresher: wayfinder.refresher,
          runCommand: runCommandLine,
          processedEvents: wayfinder.processedEvents,
        },
        logger,
      })
    : undefined;
  const server = createHttpServer({
    routes: slack?.routes ?? [],
    isReady: () => pingDatabase(wayfinder.database),
    logger,
  });
  const port = await server.listen(config.http.port, config.http.host);
  await slack?.start();
  logger.info(
    `Wayfinder is listening on ${config.http.host}:${port}${slack?.routes.length ? ' (Slack at POST /slack/events)' : ''}.`,
  );
  return {
    port,
    async close() {
      await slack?.stop();
      await server.close();
    },
  };
}
