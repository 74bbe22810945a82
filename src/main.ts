/**
 * The one wiring file: it opens the database, creates the store and the clients, and hands them to the
 * surfaces. Nothing else constructs a client or reads settings.
 */

import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { WebClient } from '@slack/web-api';
import { createBackground } from './background.ts';
import { type Config, type GitHubConfig, hasInbound } from './config.ts';
import { answerCommandLine, commandNamed } from './core/commands/index.ts';
import { createRefreshGate } from './core/commands/refresh-gate.ts';
import type { ProvisionServices } from './core/commands/types.ts';
import type { CatalogRefresher } from './core/ports/catalog-refresher.ts';
import type { CatalogStore } from './core/ports/catalog-store.ts';
import type { ConditionalCache } from './core/ports/conditional-cache.ts';
import type { DigestPoster } from './core/ports/digest-poster.ts';
import type { GitHubGateway } from './core/ports/github-gateway.ts';
import type { ProcessedEventLog } from './core/ports/processed-event-log.ts';
import type { ScorecardSource } from './core/ports/scorecard-source.ts';
import type { SyncStateStore } from './core/ports/sync-state-store.ts';
import type { TemplateEngine } from './core/ports/template-engine.ts';
import { dayOf } from './core/scorecards/period.ts';
import { createDatabase, type Database, migrateDatabase } from './db/client.ts';
import { DrizzleCatalogStore } from './db/DrizzleCatalogStore.ts';
import { DrizzleConditionalCache } from './db/DrizzleConditionalCache.ts';
import { DrizzleDigestDeliveries } from './db/DrizzleDigestDeliveries.ts';
import { DrizzleJobLock } from './db/DrizzleJobLock.ts';
import { DrizzleProcessedEventLog } from './db/DrizzleProcessedEventLog.ts';
import { DrizzleScorecardStore } from './db/DrizzleScorecardStore.ts';
import { DrizzleSyncStateStore } from './db/DrizzleSyncStateStore.ts';
import { DatabaseInUseError } from './db/data-dir-lock.ts';
import { pingDatabase } from './db/health.ts';
import { formatGitHubDocsSummary, GitHubDocs } from './docs/github-docs.ts';
import { createDocs, type Docs, indexDemoDocsLogged, removeDemoDocs } from './docs/services.ts';
import { InMemoryConditionalCache } from './github/InMemoryConditionalCache.ts';
import { createGitHubWebhookRoute, GITHUB_WEBHOOK_PATH } from './github/webhook-route.ts';
import { createHttpServer, describeError, type HttpServer } from './http/server.ts';
import { createCatalogRefresher } from './ingestion/catalog-refresher.ts';
import { createCatalogRegistrar } from './ingestion/catalog-registrar.ts';
import { notifyErrorOwners } from './ingestion/error-notices.ts';
import { GitHubCatalogSync, type SyncSummary } from './ingestion/github-sync.ts';
import { fileScope, importCatalog } from './ingestion/import-catalog.ts';
import { createCatalogSyncJob } from './jobs/catalog-sync.ts';
import { createOrphanPurgeJob } from './jobs/orphan-purge.ts';
import { ORPHAN_PURGE_CRON, previousFire, type ScheduledJob, startSchedule } from './jobs/schedule.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { packagePath } from './paths.ts';
import { createRequestSystem, type RequestSystem, silentNotifier } from './requests/system.ts';
import { collectGitHubFacts, describeFactsSummary } from './scorecards/collect-facts.ts';
import { catchUpDigest, createDigestJob } from './scorecards/digest-job.ts';
import type { DigestDependencies } from './scorecards/digest-run.ts';
import { formatScorecardProblem, formatScorecardWarning, loadScorecards } from './scorecards/load.ts';
import { createPacer } from './scorecards/pacer.ts';
import { createScorecardSource } from './scorecards/scorecard-source.ts';
import { createSlackChannelNotifier } from './slack/channel-notifier.ts';
import { createSlackRequestNotifier } from './slack/request-notifier.ts';
import { describeDatabaseFailure, StartupError } from './startup.ts';
import type { ScaffolderTemplateEngine } from './templates/engine.ts';

/** The demo organisation's catalog, loaded into an empty catalog when `WAYFINDER_DEMO` allows. */
export const DEMO_CATALOG = packagePath('demo', 'catalog');
const DEMO_DOCS = packagePath('demo', 'docs');

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
  /** The one GitHub gateway (and octokit client) of the process: the sync's, the docs' and the facts'. */
  gateway?: GitHubGateway;
  syncState: SyncStateStore;
  processedEvents: ProcessedEventLog;
  /** The docs index, the questions asked of it and the asker `/ask` uses (issue 10). */
  docs: Docs;
  /** The docs `backstage.io/techdocs-ref` names, read from GitHub; present when GITHUB_ORG is set. */
  githubDocs?: GitHubDocs;
  /** The scorecards of `WAYFINDER_SCORECARDS_DIR` over the catalog and their history. */
  scorecards: ScorecardSource;
  scorecardStore: DrizzleScorecardStore;
  close(): Promise<void>;
}

/**
 * Opens the database, applies migrations and, on a fresh catalog, loads the demo organisation. A database that
 * cannot be reached, opened or migrated throws a `StartupError` saying so in one line.
 * With `LOG_LEVEL=debug` every SQL statement's text is logged (never its parameters, which hold names and emails).
 */
export async function openWayfinder(config: Config, logger: Logger): Promise<Wayfinder> {
  const database = await openMigratedDatabase(config, logger);
  const store = new DrizzleCatalogStore({ db: database.db });
  const processedEvents = new DrizzleProcessedEventLog({ db: database.db });
  await processedEvents.prune({ before: new Date(Date.now() - PROCESSED_EVENT_RETENTION_MS) });
  if (config.loadDemo && (await store.countEntities()) === 0) {
    const { counts } = await importCatalog({ paths: [DEMO_CATALOG], store });
    logger.info(`Loaded the demo organisation: ${counts.created} entities. Set WAYFINDER_DEMO=false to start empty.`);
  } else if (hasInbound(config) && (await store.listScopes({ prefix: fileScope(DEMO_CATALOG) })).length > 0) {
    // Loaded by an earlier start or the console, before Slack or GitHub was configured.
    logger.warn('The catalog still holds the demo organisation; `wayfinder catalog forget --demo` removes it.');
  }
  const docs = createDocs({ database, ai: config.ai });
  // The demo docs go with the demo organisation: indexed only when this catalog holds it, removed when it does not
  // (a catalog of real teams never answers /ask from the demo's made-up runbooks).
  const holdsDemo = (await store.listScopes({ prefix: fileScope(DEMO_CATALOG) })).length > 0;
  if (config.loadDemo && holdsDemo) await indexDemoDocsLogged({ docs, dir: DEMO_DOCS, logger });
  else if (!holdsDemo) await removeDemoDocs(docs);
  const syncState = new DrizzleSyncStateStore({ db: database.db });
  const gateway =
    config.github &&
    (await createGitHubGateway({
      config: config.github,
      cache: new DrizzleConditionalCache({ db: database.db }),
      logger,
    }));
  const github =
    config.github && gateway && createGitHubSync({ config: config.github, gateway, store, state: syncState, logger });
  const githubDocs =
    config.github &&
    gateway &&
    new GitHubDocs({
      gateway,
      catalog: store,
      index: docs.index,
      ...(docs.embedder ? { embedder: docs.embedder } : {}),
      privateRepos: config.docs.privateRepos,
      webUrl: `https://${githubWebHost(config.github.apiUrl)}`,
      logger,
    });
  const refresher = createCatalogRefresher({
    store,
    refreshScope: github && ((opts) => github.refreshScope(opts)),
    orphanGraceMs: config.sync.orphanGraceMs,
  });
  const scorecardStore = new DrizzleScorecardStore({ db: database.db });
  const loaded = await loadScorecards(config.scorecards.dir, { today: dayOf(new Date()) });
  for (const problem of loaded.problems) {
    logger.warn(`Scorecard file left out: ${formatScorecardProblem(problem, process.cwd())}`);
  }
  for (const warning of loaded.warnings) logger.warn(`Scorecard ${formatScorecardWarning(warning, process.cwd())}`);
  const scorecards = createScorecardSource({ scorecards: loaded.scorecards, store: scorecardStore });
  return {
    database,
    store,
    refresher,
    github,
    ...(gateway ? { gateway } : {}),
    syncState,
    processedEvents,
    docs,
    ...(githubDocs ? { githubDocs } : {}),
    scorecards,
    scorecardStore,
    close: () => database.close(),
  };
}

async function openMigratedDatabase(config: Config, logger: Logger): Promise<Database> {
  let database: Database | undefined;
  try {
    database = await createDatabase({
      url: config.database.url,
      dataDir: config.database.dataDir,
      onIdleConnectionError: (error) =>
        logger.warn('Idle Postgres connection failed; the pool opens a new one.', describeError(error)),
      ...(config.logLevel === 'debug' ? { onQuery: (query: string) => logger.debug('SQL', { sql: query }) } : {}),
    });
    await migrateDatabase(database);
    return database;
  } catch (error) {
    await database?.close().catch(() => {});
    // Its own message already says who holds the data directory and what to do.
    if (error instanceof DatabaseInUseError) throw error;
    throw describeDatabaseFailure(error, config.database);
  }
}

/** The GitHub sync over the gateway (one octokit client, ETags kept in Postgres), sync state shared by replicas. */
function createGitHubSync(opts: {
  config: GitHubConfig;
  gateway: GitHubGateway;
  store: CatalogStore;
  state: SyncStateStore;
  logger: Logger;
}): GitHubCatalogSync {
  const { config, gateway, store, state, logger } = opts;
  return new GitHubCatalogSync({
    gateway,
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
  const { OctokitGitHubGateway } = await import('./github/OctokitGitHubGateway.ts');
  return new OctokitGitHubGateway({ octokit: await createGitHubClient(opts.config, opts.logger), cache: opts.cache });
}

/**
 * The template engine (issue 8): templates from `WAYFINDER_TEMPLATES_DIR` and the catalog's Template entities; with
 * GitHub configured, its steps write through one Octokit client (provisioning and the catalog:register reads), and
 * `environment.parameters.githubOrg` is GITHUB_ORG. Request workspaces live under `<WAYFINDER_DATA_DIR>/workspaces`.
 */
export async function createTemplateEngine(opts: {
  config: Config;
  store: CatalogStore;
  logger: Logger;
}): Promise<ScaffolderTemplateEngine> {
  const { config, store, logger } = opts;
  const github = config.github;
  const octokit = github && (await createGitHubClient(github, logger));
  const { ScaffolderTemplateEngine } = await import('./templates/engine.ts');
  const { OctokitGitHubProvisioner } = await import('./github/OctokitGitHubProvisioner.ts');
  const { OctokitGitHubGateway } = await import('./github/OctokitGitHubGateway.ts');
  return new ScaffolderTemplateEngine({
    templatesDir: config.templates.dir,
    store,
    workspaceRoot: path.resolve(config.database.dataDir, 'workspaces'),
    githubHost: githubWebHost(github?.apiUrl),
    ...(github && octokit
      ? {
          github: new OctokitGitHubProvisioner({ octokit }),
          registrar: createCatalogRegistrar({
            gateway: new OctokitGitHubGateway({ octokit, cache: new InMemoryConditionalCache() }),
            store,
            webUrl: `https://${githubWebHost(github.apiUrl)}`,
          }),
          environment: { githubOrg: github.org },
        }
      : {}),
  });
}

/**
 * After a sync (scheduled, webhook, CLI) or a push that touched no catalog file: the docs from GitHub of the
 * repositories read, touched or gone. Logged, never thrown: the catalog sync has done its part.
 */
export async function refreshGitHubDocs(
  wayfinder: Pick<Wayfinder, 'githubDocs'>,
  change: { read?: SyncSummary['changes']['read']; touched?: readonly string[]; gone?: readonly string[] },
  logger: Logger,
): Promise<void> {
  const docs = wayfinder.githubDocs;
  if (!docs) return;
  const started = Date.now();
  try {
    const summary = await docs.refresh(change);
    if (summary.read + summary.dropped > 0) {
      logger.info(`${formatGitHubDocsSummary(summary)} (${Date.now() - started} ms)`);
    }
  } catch (error) {
    logger.error('Docs from GitHub: the refresh failed; the next sync tries again.', describeError(error));
  }
}

/** github.com, or a GitHub Enterprise Server's host (its API is `https://<host>/api/v3`). */
function githubWebHost(apiUrl: string | undefined): string {
  const enterprise = apiUrl && /^https?:\/\/([^/]+)\/api\/v3$/.exec(apiUrl);
  return enterprise ? (enterprise[1] as string) : 'github.com';
}

/** Template requests as a process serves them: the request system and what `/provision` needs. */
export interface Requests {
  system: RequestSystem;
  provision: ProvisionServices;
  /** Stops the runner (runs in progress are handed back) and waits for notifications. */
  close(): Promise<void>;
}

/** What `/provision` says where no GitHub is configured and a request has GitHub steps. */
export const GITHUB_NEEDED =
  'This request has GitHub steps and no GitHub is configured, so it stops at this dry run. Set GITHUB_ORG and GITHUB_TOKEN (or the GitHub App keys: GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID) and start Wayfinder again.';

/**
 * Template requests (issue 8): the engine, the request store, desk and runner. The requester's status message and the
 * approvals go to Slack when it is configured; elsewhere (the console, the CLI) the request's state is all there is.
 * On PGlite this process is the only one on the database, so it takes over at once any run a dead process left.
 */
export async function openRequests(opts: {
  wayfinder: Wayfinder;
  config: Config;
  logger: Logger;
  engine?: TemplateEngine;
  /** Take over every `running` request at start, whatever its heartbeat (no other replica runs). Default: on PGlite. */
  takeOver?: boolean;
  /** Also told of every change, after the Slack notifier if any (the console prints how its requests ended). */
  alsoNotify?: typeof silentNotifier;
  /** The Web API client requests post through when Slack is configured; default: one made here (`createSlackWebClient`). */
  slackClient?: WebClient;
}): Promise<Requests> {
  const { wayfinder, config, logger } = opts;
  const engine = opts.engine ?? (await createTemplateEngine({ config, store: wayfinder.store, logger }));
  const background = createBackground(logger);
  const client = config.slack && (opts.slackClient ?? (await createSlackWebClient(config.slack, logger)));
  const system = createRequestSystem({
    db: wayfinder.database.db,
    engine,
    notifier: (requests) => {
      const chat = client
        ? createSlackRequestNotifier({ client, requests, catalog: wayfinder.store, templates: engine, logger })
        : silentNotifier;
      const also = opts.alsoNotify;
      return also ? { changed: (request) => chat.changed(request).then(() => also.changed(request)) } : chat;
    },
    logger,
    background,
    runner: {
      holder: `${hostname()}:${process.pid}`,
      takeOverAtStart: opts.takeOver ?? wayfinder.database.dialect === 'pglite',
    },
  });
  return {
    system,
    provision: {
      templates: engine,
      requests: system.desk,
      wizards: system.store,
      ...(config.github ? {} : { unavailable: GITHUB_NEEDED }),
    },
    async close() {
      await system.runner.stop();
      await background.idle(SHUTDOWN_GRACE_MS);
    },
  };
}

/**
 * Slack's Web API client for the bot token (and SLACK_API_URL), logging through `logger` (its warnings, such as a
 * failed request or Slack's own `response_metadata` warnings, become our JSON lines; its debug lines, which carry
 * request bodies, are dropped). Bolt, the Web API client and octokit are imported where first used, so that commands
 * which need none of them (`catalog import`, `run`) start without loading them.
 */
async function createSlackWebClient(slack: NonNullable<Config['slack']>, logger: Logger): Promise<WebClient> {
  const { createSlackWebClient: create } = await import('./slack/web-client.ts');
  return create({ token: slack.botToken, ...(slack.apiUrl ? { apiUrl: slack.apiUrl } : {}), logger });
}

async function createGitHubClient(config: GitHubConfig, logger: Logger) {
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
  const { createOctokit } = await import('./github/octokit.ts');
  return createOctokit({
    auth,
    logger,
    writeIntervalMs: config.writeIntervalMs,
    ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}),
  });
}

export interface RunningServer {
  port: number;
  /**
   * Shuts down in order: `/readyz` turns 503 (and stays so for `drainDelayMs`, default 0, while requests are still
   * served), the schedule and Slack stop, then the HTTP server drains and background work finishes.
   */
  close(opts?: { drainDelayMs?: number }): Promise<void>;
}

export interface ServeOptions {
  /** A server already listening (see `startWayfinder`); by default one is created on `config.http`. */
  server?: HttpServer;
  /** Where to count; by default a registry of its own. `GET /metrics` serves it. */
  metrics?: Metrics;
}

/**
 * A serving process keeps little alive (the live heap stays near 50 MB with 10,000 entities) but allocates fast under
 * load, and V8 then lets the old generation grow to four times what survived before collecting it: about 140 MB of
 * garbage held at 32 concurrent `/owner`s. Growing by `percent` instead collects sooner, for a little more GC time.
 * V8 reads the flag at each collection, so setting it once the process runs takes effect (`node:v8` warns that
 * flags set late may not; this one is read when the next heap limit is computed). 0 leaves V8's own choice.
 *
 * A process that has only started has had no full collection, so V8's first limit still holds: the old generation
 * reached 106 MB (a peak RSS of 225–231 MB) learning 2,500 people's Slack ids before it was first collected. One
 * collection here, once the database is open and migrated (25 ms), sets the limit from what lives: 66 MB, and a
 * peak of 191 MB. Node exposes no collection call without `--expose-gc`; the flag is set for one context and unset.
 */
function limitHeapGrowth(percent: number): void {
  if (percent <= 0) return;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  setFlagsFromString('--expose-gc');
  const collectGarbage = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  collectGarbage();
}

/**
 * Serves Slack (HTTP or Socket Mode) and GitHub's webhooks with health checks and metrics on one HTTP server, and
 * runs the schedule: the GitHub sync, the orphan purge and the pruning of handled deliveries, each on one replica
 * per tick. `/readyz` answers 200 once the database answers and Slack is connected (`auth.test` done and, in Socket
 * Mode, the socket open); it says what it waits for otherwise.
 */
export async function serveWayfinder(
  wayfinder: Wayfinder,
  config: Config,
  baseLogger: Logger,
  opts: ServeOptions = {},
): Promise<RunningServer> {
  limitHeapGrowth(config.http.heapGrowthPercent);
  const { countingErrors, createMetrics, createMetricsRoute, METRICS_PATH, observedSync } = await import(
    './metrics.ts'
  );
  const metrics = opts.metrics ?? createMetrics({ defaultMetrics: false });
  const logger = opts.metrics ? baseLogger : countingErrors(baseLogger, metrics);
  metrics.watchDatabase(wayfinder.database);
  // One Web API client for what the process posts outside Bolt's listeners: requests' status messages and approvals,
  // catalog error notices. Bolt makes its own, with the same options (`slackClientOptions`, src/slack/web-client.ts).
  const slackClient = config.slack && (await createSlackWebClient(config.slack, logger));
  const requests = await openRequests({ wayfinder, config, logger, ...(slackClient ? { slackClient } : {}) });
  const slack = config.slack
    ? (await import('./slack/app.ts')).createSlackApp({
        ...config.slack,
        services: {
          store: wayfinder.store,
          refresher: wayfinder.refresher,
          refreshes: createRefreshGate(),
          runCommand: answerCommandLine,
          commandNamed,
          processedEvents: wayfinder.processedEvents,
          provision: requests.provision,
          docs: wayfinder.docs.asker,
          docsQuestions: wayfinder.docs.questions,
          scorecards: wayfinder.scorecards,
        },
        logger,
        onAck: (ack) => metrics.observeSlackAck(ack),
      })
    : undefined;
  // New catalog errors go to the owning team's channel when Slack is set up; without it they wait in /wayfinder errors.
  const notifier = slackClient && createSlackChannelNotifier({ client: slackClient });
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
          sync: {
            syncRepositories: (args) => observedSync(metrics, 'webhook', () => github.syncRepositories(args)),
            forgetRepositories: (args) => observedSync(metrics, 'webhook', () => github.forgetRepositories(args)),
          },
          state: wayfinder.syncState,
          processedEvents: wayfinder.processedEvents,
          catalogPaths: config.github.catalogPaths,
          background,
          logger,
          afterSync: async (summary) => {
            await notify?.(summary);
            await refreshGitHubDocs(wayfinder, summary.changes, logger);
          },
          afterChange: (change) => refreshGitHubDocs(wayfinder, { touched: [change.fullName] }, logger),
        })
      : undefined;
  const server =
    opts.server ?? createHttpServer({ routes: [], logger, onServed: (request) => metrics.observeRequest(request) });
  server.mount([...(slack?.routes ?? []), ...(webhook ? [webhook] : []), createMetricsRoute(metrics)]);
  server.setReadiness(async () => {
    const waitingFor: string[] = [];
    if (!(await pingDatabase(wayfinder.database))) waitingFor.push('the database');
    if (slack && !slack.isReady())
      waitingFor.push(config.slack?.appToken ? 'the Slack Socket Mode connection' : 'Slack');
    return { waitingFor };
  });
  const port = server.server.listening
    ? (server.server.address() as AddressInfo).port
    : await server.listen(config.http.port, config.http.host);
  if (slack) {
    // Slack's Web API client retries for minutes before giving up on a wrong or unreachable URL: say what is awaited.
    logger.info(
      `Checking the bot token with Slack (auth.test at ${config.slack?.apiUrl ?? 'https://slack.com/api/'}); /readyz answers 503 until Slack has answered.`,
    );
  }
  try {
    await slack?.start();
  } catch (error) {
    if (!opts.server) await server.close();
    throw new StartupError(
      `Slack did not accept Wayfinder's credentials or could not be reached (${describeError(error).message}). Check SLACK_BOT_TOKEN${config.slack?.appToken ? ' and SLACK_APP_TOKEN (connections:write)' : ''}${config.slack?.apiUrl ? ' and SLACK_API_URL' : ''}.`,
      { cause: error },
    );
  }

  requests.system.runner.start();

  const jobs: ScheduledJob[] = [
    ...(github
      ? [
          {
            name: 'catalog-sync',
            cron: config.sync.cron,
            run: createCatalogSyncJob({
              sync: { syncOrganisation: () => observedSync(metrics, 'schedule', () => github.syncOrganisation()) },
              // After the sync, not inside it: the catalog is written before any docs are read.
              notify: async (summary) => {
                await notify?.(summary);
                await refreshGitHubDocs(wayfinder, summary.changes, logger);
              },
              logger,
            }),
          },
        ]
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
  const gateway = wayfinder.gateway;
  if (gateway) {
    jobs.push({
      name: 'github-facts',
      cron: config.scorecards.factsCron,
      run: async () => {
        logger.info(describeFactsSummary(await collectGitHubFacts({ store: wayfinder.scorecardStore, gateway })));
      },
    });
  }
  const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // The weekly digest posts to Slack's team channels: only with Slack configured.
  const digest = config.slack && { name: 'scorecard-digest', cron: config.scorecards.digestCron };
  if (digest) {
    jobs.push({ ...digest, run: createDigestJob(await digestDependenciesFor(wayfinder, config, logger, holder)) });
  }
  let schedule: ReturnType<typeof startSchedule>;
  try {
    schedule = startSchedule({
      jobs,
      lock: new DrizzleJobLock({ db: wayfinder.database.db }),
      logger,
      holder,
      onRun: (run) => metrics.observeJob(run),
    });
  } catch (error) {
    // The runner claims requests every few seconds on the database the caller is about to close: stop it first.
    await requests.close();
    await slack?.stop();
    if (!opts.server) await server.close();
    throw error;
  }
  if (digest) {
    // A week whose digest time passed while nothing ran is caught up once, in the background.
    const deliveries = new DrizzleDigestDeliveries({ db: wayfinder.database.db });
    background.run('digest catch-up', async () => {
      await catchUpDigest({
        clock: () => new Date(),
        previousFire: (range) => previousFire({ cron: digest.cron, ...range }),
        findRun: (args) => deliveries.findRun(args),
        latestRun: () => deliveries.latestRun(),
        runMissed: () => schedule.runNow(digest.name),
        logger,
      });
    });
  }

  const surfaces = [
    ...(slack?.routes.length ? ['Slack at POST /slack/events'] : []),
    ...(slack && !slack.routes.length ? ['Slack over Socket Mode'] : []),
    ...(webhook ? [`GitHub webhooks at POST ${GITHUB_WEBHOOK_PATH}`] : []),
    ...(github ? [`the GitHub sync on ${config.sync.cron}`] : []),
    `metrics at GET ${METRICS_PATH}`,
  ];
  logger.info(`Wayfinder is listening on ${config.http.host}:${port} (${surfaces.join('; ')}).`);
  return {
    port,
    async close({ drainDelayMs = 0 } = {}) {
      server.drain();
      if (drainDelayMs > 0) {
        logger.info(`Shutting down: /readyz answers 503; still serving for ${drainDelayMs} ms.`);
        await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
      }
      await schedule.stop();
      await requests.close();
      await slack?.stop();
      await server.close();
      await background.idle(SHUTDOWN_GRACE_MS);
    },
  };
}

/**
 * The digest's dependencies: its own Slack client (the poster), paced at `WAYFINDER_DIGEST_RATE`, charts rendered to
 * PNG. Without Slack (a dry run) the poster refuses to post.
 */
export async function digestDependenciesFor(
  wayfinder: Wayfinder,
  config: Config,
  logger: Logger,
  holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
): Promise<DigestDependencies> {
  const slack = config.slack;
  const poster: DigestPoster = slack
    ? (await import('./slack/digest-poster.ts')).createSlackDigestPoster({
        token: slack.botToken,
        logger,
        ...(slack.apiUrl ? { apiUrl: slack.apiUrl } : {}),
      })
    : {
        post: () => Promise.reject(new Error('Slack is not configured (SLACK_BOT_TOKEN).')),
        findPosted: () => Promise.reject(new Error('Slack is not configured (SLACK_BOT_TOKEN).')),
      };
  return {
    scorecards: wayfinder.scorecards.scorecards(),
    store: wayfinder.scorecardStore,
    deliveries: new DrizzleDigestDeliveries({ db: wayfinder.database.db }),
    poster,
    pacer: createPacer({ perSecond: config.scorecards.postsPerSecond }),
    holder,
    ...(config.scorecards.orgChannel ? { orgChannel: config.scorecards.orgChannel } : {}),
    clock: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    logger,
    // Loaded on first use: vega, vega-lite and resvg would add seconds to every process's start.
    renderChart: async (series) => (await import('./scorecards/chart.ts')).renderChartPng(series),
  };
}

export interface RunningWayfinder extends RunningServer {
  wayfinder: Wayfinder;
}

/**
 * `wayfinder start` for a deployment: listens first (so `/healthz` answers and `/readyz` says "migrating" while the
 * database is opened and migrated, and a busy port fails at once), then opens the database and serves. Failures a
 * person can fix (port, database) throw a `StartupError` with a one-line message.
 */
export async function startWayfinder(config: Config, baseLogger: Logger): Promise<RunningWayfinder> {
  const { countingErrors, createMetrics } = await import('./metrics.ts');
  const metrics = createMetrics();
  const logger = countingErrors(baseLogger, metrics);
  const server = createHttpServer({ routes: [], logger, onServed: (request) => metrics.observeRequest(request) });
  server.setReadiness(async () => ({ waitingFor: ['the database migrations'] }));
  await server.listen(config.http.port, config.http.host);
  let wayfinder: Wayfinder;
  try {
    wayfinder = await openWayfinder(config, logger);
  } catch (error) {
    await server.close();
    throw error;
  }
  try {
    const running = await serveWayfinder(wayfinder, config, logger, { server, metrics });
    return {
      ...running,
      wayfinder,
      async close(opts) {
        await running.close(opts);
        await wayfinder.close();
      },
    };
  } catch (error) {
    await server.close();
    await wayfinder.close();
    throw error;
  }
}
