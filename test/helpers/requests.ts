/**
 * The request system on a test database with the real parts: the template engine over a templates folder, GitHub
 * steps against the fake GitHub through octokit, the Slack notifier against the fake Slack through the Web API
 * client, and the fixture organisation (platform ⊃ sre, data; ada, grace, alan, katherine).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackground } from '../../src/background.ts';
import type { RequestNotifier } from '../../src/core/ports/request-notifier.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { InMemoryConditionalCache } from '../../src/github/InMemoryConditionalCache.ts';
import { OctokitGitHubGateway } from '../../src/github/OctokitGitHubGateway.ts';
import { OctokitGitHubProvisioner } from '../../src/github/OctokitGitHubProvisioner.ts';
import { createOctokit } from '../../src/github/octokit.ts';
import { createCatalogRegistrar } from '../../src/ingestion/catalog-registrar.ts';
import { importCatalog } from '../../src/ingestion/import-catalog.ts';
import type { RequestRunnerOptions } from '../../src/requests/runner.ts';
import { createRequestSystem, type RequestSystem, silentNotifier } from '../../src/requests/system.ts';
import { createSlackRequestNotifier } from '../../src/slack/request-notifier.ts';
import { createSlackWebClient } from '../../src/slack/web-client.ts';
import { ScaffolderTemplateEngine } from '../../src/templates/engine.ts';
import type { FakeGitHubApi } from '../fakes/github-api.ts';
import type { FakeSlackApi } from '../fakes/slack-api.ts';
import { type RecordingLogger, recordingLogger } from './listener-context.ts';

export const REQUEST_CATALOG = fileURLToPath(new URL('../fixtures/requests/catalog', import.meta.url));
export const REQUEST_TEMPLATES = fileURLToPath(new URL('../fixtures/requests/templates', import.meta.url));
export const SHIPPED_TEMPLATES = fileURLToPath(new URL('../../templates', import.meta.url));

/**
 * The settings of a Wayfinder process that runs requests (`wayfinder requests …`) against the fake GitHub, on the
 * database `databaseEnv` names: the shipped templates, no demo, and GitHub's writes unpaced.
 */
export function requestProcessEnv(opts: { github: FakeGitHubApi; databaseEnv: Record<string, string> }) {
  return {
    LOG_LEVEL: 'warn',
    WAYFINDER_DEMO: 'false',
    WAYFINDER_TEMPLATES_DIR: SHIPPED_TEMPLATES,
    GITHUB_ORG: 'acme',
    GITHUB_TOKEN: 'ghp_test',
    GITHUB_API_URL: opts.github.url,
    GITHUB_WRITE_INTERVAL: '0',
    ...opts.databaseEnv,
  };
}

/** Slack ids of the fixture people, linked to their catalog Users by email. */
export const SLACK_IDS = { ada: 'U0ADA', grace: 'U0GRACE', alan: 'U0ALAN', katherine: 'U0KATH' } as const;

/**
 * Slack ids of fixture people Wayfinder has never seen: catalog Users (ken in sre, a sub-team of platform; hopper in
 * data) whose Slack accounts are not linked until Slack's users.info tells their email.
 */
export const UNLINKED_SLACK_IDS = { ken: 'U0KEN', hopper: 'U0HOPPER' } as const;

/** Values for the shipped new-service template: a private TypeScript repository `acme/<name>` owned by platform. */
export function newServiceValues(name: string): Record<string, unknown> {
  return {
    name,
    description: 'Bills',
    owner: 'group:default/platform',
    language: 'typescript',
    repoUrl: `github.com?owner=acme&repo=${name}`,
    visibility: 'private',
  };
}

export interface RequestTestbed {
  catalog: DrizzleCatalogStore;
  engine: ScaffolderTemplateEngine;
  system: RequestSystem;
  logger: RecordingLogger;
  /** Resolves when every notification started so far was sent. */
  idle(): Promise<void>;
}

/** Imports the fixture organisation once per database and links the fixture people's Slack accounts. */
export async function seedRequestCatalog(database: Database): Promise<DrizzleCatalogStore> {
  const catalog = new DrizzleCatalogStore({ db: database.db });
  await importCatalog({ paths: [REQUEST_CATALOG], store: catalog });
  for (const [name, id] of Object.entries(SLACK_IDS)) {
    await catalog.saveChatIdentity({
      identity: { platform: 'slack', platformUserId: id, email: `${name}@acme.example` },
    });
  }
  return catalog;
}

export async function createRequestTestbed(opts: {
  database: Database;
  catalog: DrizzleCatalogStore;
  templatesDir?: string;
  github?: FakeGitHubApi;
  /** Slack's Web API: the fake, or only a URL (a closed port, to see Slack unreachable). */
  slack?: Pick<FakeSlackApi, 'url'>;
  runner?: Partial<Omit<RequestRunnerOptions, 'store' | 'engine' | 'notifier' | 'logger'>>;
  /** Retries of the GitHub client itself (@octokit/plugin-retry), 1 ms apart; none when absent. */
  githubRetries?: number;
  /** Told of every change after the Slack notifier (the console's outcomes). */
  alsoNotify?: RequestNotifier;
}): Promise<RequestTestbed> {
  const { catalog } = opts;
  const logger = recordingLogger();
  const octokit =
    opts.github &&
    createOctokit({
      auth: { token: 'ghp_test' },
      logger,
      apiUrl: opts.github.url,
      retries: opts.githubRetries ?? 0,
      retryBaseDelayMs: 1,
      writeIntervalMs: 0,
    });
  const engine = new ScaffolderTemplateEngine({
    templatesDir: opts.templatesDir ?? REQUEST_TEMPLATES,
    store: catalog,
    workspaceRoot: await mkdtemp(path.join(tmpdir(), 'wayfinder-request-workspaces-')),
    runListingDelayMs: 0,
    ...(octokit
      ? {
          github: new OctokitGitHubProvisioner({ octokit }),
          registrar: createCatalogRegistrar({
            gateway: new OctokitGitHubGateway({ octokit, cache: new InMemoryConditionalCache() }),
            store: catalog,
          }),
          environment: { githubOrg: 'acme' },
        }
      : {}),
  });
  const background = createBackground(logger);
  const client =
    opts.slack &&
    createSlackWebClient({
      token: 'xoxb-test',
      apiUrl: opts.slack.url,
      logger,
      options: { retryConfig: { retries: 0 } },
    });
  const system = createRequestSystem({
    db: opts.database.db,
    engine,
    notifier: (requests) => {
      const chat = client
        ? createSlackRequestNotifier({ client, requests, catalog, templates: engine, logger })
        : silentNotifier;
      const also = opts.alsoNotify;
      return also ? { changed: (request) => chat.changed(request).then(() => also.changed(request)) } : chat;
    },
    logger,
    background,
    runner: { holder: 'test', retryDelayMs: 0, heartbeatMs: 50, pollMs: 20, ...opts.runner },
  });
  return { catalog, engine, system, logger, idle: () => background.idle() };
}
