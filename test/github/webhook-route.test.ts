/**
 * `POST /github/webhook` end to end: deliveries signed as GitHub signs them, sent to a real HTTP server on 127.0.0.1,
 * acted on through the real sync against the fake GitHub and a real database.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Background, createBackground } from '../../src/background.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { DrizzleConditionalCache } from '../../src/db/DrizzleConditionalCache.ts';
import { DrizzleProcessedEventLog } from '../../src/db/DrizzleProcessedEventLog.ts';
import { DrizzleSyncStateStore } from '../../src/db/DrizzleSyncStateStore.ts';
import { OctokitGitHubGateway } from '../../src/github/OctokitGitHubGateway.ts';
import { createOctokit } from '../../src/github/octokit.ts';
import { createGitHubWebhookRoute, GITHUB_WEBHOOK_PATH } from '../../src/github/webhook-route.ts';
import { createHttpServer, type HttpServer } from '../../src/http/server.ts';
import { GitHubCatalogSync, type SyncSummary } from '../../src/ingestion/github-sync.ts';
import type { Logger } from '../../src/logger.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';
import { openTestDatabase } from '../helpers/database.ts';
import {
  deliverGitHubWebhook,
  type GitHubDelivery,
  pushPayload,
  repositoryPayload,
  signGitHubBody,
} from '../helpers/github-webhooks.ts';

const SECRET = 'webhook-secret-for-tests';
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

let database: Database;
let store: DrizzleCatalogStore;
let state: DrizzleSyncStateStore;
let github: FakeGitHubApi;
let sync: GitHubCatalogSync;
let background: Background;
let server: HttpServer;
let endpoint: string;
let synced: SyncSummary[];
let changed: string[];

beforeAll(async () => {
  database = await openTestDatabase();
  store = new DrizzleCatalogStore({ db: database.db });
  state = new DrizzleSyncStateStore({ db: database.db });
});

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  await database.db.execute(
    sql`truncate entities, relations, locations, ingest_errors, github_repositories, conditional_cache, processed_events`,
  );
  github = await startFakeGitHubApi();
  const octokit = createOctokit({
    auth: { token: 'ghp_test' },
    logger: quiet,
    apiUrl: github.url,
    retries: 1,
    retryBaseDelayMs: 1,
  });
  sync = new GitHubCatalogSync({
    gateway: new OctokitGitHubGateway({ octokit, cache: new DrizzleConditionalCache({ db: database.db }) }),
    store,
    state,
    settings: { org: 'acme', catalogPaths: ['catalog-info.yaml'], includeForks: false },
    logger: quiet,
  });
  background = createBackground(quiet);
  synced = [];
  changed = [];
  server = createHttpServer({
    routes: [
      createGitHubWebhookRoute({
        secret: SECRET,
        sync,
        state,
        processedEvents: new DrizzleProcessedEventLog({ db: database.db }),
        catalogPaths: ['catalog-info.yaml'],
        background,
        logger: quiet,
        afterSync: async (summary) => {
          synced.push(summary);
        },
        afterChange: async (change) => {
          changed.push(change.fullName);
        },
      }),
    ],
    logger: quiet,
  });
  endpoint = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}${GITHUB_WEBHOOK_PATH}`;
});

afterEach(async () => {
  await background.idle();
  await server?.close();
  await github?.close();
});

function component(name: string, description = 'A service'): string {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    `  description: ${description}`,
    'spec:',
    '  type: service',
    '  lifecycle: production',
    '  owner: payments',
  ].join('\n');
}

const svcRef = 'component:default/payments-api';

const sign = (body: string, secret = SECRET) => signGitHubBody(body, secret);

/** A delivery to this test's webhook, signed with its secret unless said otherwise. */
const deliver = (delivery: Omit<GitHubDelivery, 'url' | 'secret'>) =>
  deliverGitHubWebhook({ url: endpoint, secret: SECRET, ...delivery });

async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function startWithPaymentsApi(files: Record<string, string> = {}) {
  github.addRepos({
    fullName: 'acme/payments-api',
    files: { 'catalog-info.yaml': component('payments-api'), ...files },
  });
  await sync.syncOrganisation();
  github.resetLog();
}

describe('POST /github/webhook', () => {
  it('reads the repository again after a signed push that changes catalog-info.yaml', async () => {
    await startWithPaymentsApi();
    github.setFile({ repo: 'acme/payments-api', path: 'catalog-info.yaml', text: component('payments-api', 'Pays') });

    const response = await deliver({
      event: 'push',
      payload: pushPayload({ repo: 'acme/payments-api', modified: ['catalog-info.yaml'] }),
    });

    expect(response).toEqual({ status: 202, text: 'accepted' });
    const updated = await until(async () => {
      const entity = await store.getEntity({ ref: svcRef });
      return entity?.envelope.metadata.description === 'Pays' ? entity : undefined;
    }, 2_000);
    expect(updated.orphan).toBe(false);
  });

  it('reads nothing from GitHub for a push that touches no catalog file, or not the default branch', async () => {
    await startWithPaymentsApi();

    const readme = await deliver({
      event: 'push',
      payload: pushPayload({ repo: 'acme/payments-api', modified: ['README.md', 'src/catalog-info.yaml'] }),
    });
    const branch = await deliver({
      event: 'push',
      payload: pushPayload({ repo: 'acme/payments-api', modified: ['catalog-info.yaml'], branch: 'feature' }),
    });
    await background.idle();

    expect([readme.status, branch.status]).toEqual([202, 202]);
    expect(github.requests).toBe(0);
    expect(synced).toEqual([]);
    // The default-branch push may have changed the repository's docs: those alone are refreshed.
    expect(changed).toEqual(['acme/payments-api']);
  });

  it('hands a repository made private or public to the docs refresh, not to the catalog sync', async () => {
    await startWithPaymentsApi();

    for (const action of ['privatized', 'publicized']) {
      const response = await deliver({
        event: 'repository',
        payload: { action, repository: repositoryPayload('acme/payments-api') },
      });
      expect(response.status).toBe(202);
    }
    await background.idle();

    expect(synced).toEqual([]);
    expect(changed).toEqual(['acme/payments-api', 'acme/payments-api']);
  });

  it('reads the repository for a push that touches a file a Location of it points to', async () => {
    await startWithPaymentsApi({
      'catalog-info.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Location',
        'metadata:',
        '  name: payments-locations',
        'spec:',
        '  targets: [./services/api.yaml]',
      ].join('\n'),
      'services/api.yaml': component('payments-api'),
    });
    github.setFile({ repo: 'acme/payments-api', path: 'services/api.yaml', text: component('payments-api', 'Pays') });

    await deliver({
      event: 'push',
      payload: pushPayload({ repo: 'acme/payments-api', modified: ['services/api.yaml'] }),
    });
    await background.idle();

    expect((await store.getEntity({ ref: svcRef }))?.envelope.metadata.description).toBe('Pays');
  });

  it('reads a renamed repository under its new name and forgets the old one', async () => {
    await startWithPaymentsApi();
    github.renameRepo({ fullName: 'acme/payments-api', name: 'payments-service' });

    const response = await deliver({
      event: 'repository',
      payload: {
        action: 'renamed',
        repository: repositoryPayload('acme/payments-service'),
        changes: { repository: { name: { from: 'payments-api' } } },
      },
    });
    await background.idle();

    expect(response.status).toBe(202);
    const entity = await store.getEntity({ ref: svcRef });
    expect(entity).toMatchObject({ orphan: false });
    expect(entity?.sourceLocation).toContain('/acme/payments-service/blob/');
    expect((await state.listRepositories()).map((repo) => repo.fullName)).toEqual(['acme/payments-service']);
  });

  it("orphans a deleted repository's entities without asking GitHub", async () => {
    await startWithPaymentsApi();
    github.deleteRepo({ fullName: 'acme/payments-api' });

    const response = await deliver({
      event: 'repository',
      payload: { action: 'deleted', repository: repositoryPayload('acme/payments-api') },
    });
    await background.idle();

    expect(response.status).toBe(202);
    expect(await store.getEntity({ ref: svcRef })).toMatchObject({ orphan: true });
    expect(github.requests).toBe(0);
    expect(await state.listRepositories()).toEqual([]);
  });

  it('refuses forged, missing, malformed and stale-secret signatures with 401 and acts on nothing', async () => {
    await startWithPaymentsApi();
    github.setFile({ repo: 'acme/payments-api', path: 'catalog-info.yaml', text: component('payments-api', 'Pays') });
    const payload = pushPayload({ repo: 'acme/payments-api', modified: ['catalog-info.yaml'] });
    const body = JSON.stringify(payload);

    const refused = [
      await deliver({ event: 'push', payload, signature: sign(`${body} `) }),
      await deliver({ event: 'push', payload, signature: null }),
      await deliver({ event: 'push', payload, signature: 'sha1=0123' }),
      await deliver({ event: 'push', payload, signature: sign(body, 'the-previous-secret') }),
    ];
    await background.idle();

    expect(refused.map((response) => response.status)).toEqual([401, 401, 401, 401]);
    expect(refused[1]?.text).toBe('missing X-Hub-Signature-256');
    expect(refused[3]?.text).toBe('signature mismatch');
    expect(github.requests).toBe(0);
    expect((await store.getEntity({ ref: svcRef }))?.envelope.metadata.description).toBe('A service');
    const { rows } = await database.db.execute(sql`select * from processed_events`);
    expect(rows).toEqual([]);
  });

  it('syncs once when GitHub redelivers the same delivery', async () => {
    await startWithPaymentsApi();
    github.setFile({ repo: 'acme/payments-api', path: 'catalog-info.yaml', text: component('payments-api', 'Pays') });
    const delivery = {
      event: 'push',
      id: randomUUID(),
      payload: pushPayload({ repo: 'acme/payments-api', modified: ['catalog-info.yaml'] }),
    };

    const first = await deliver(delivery);
    const again = await deliver(delivery);
    await background.idle();
    const third = await deliver(delivery);
    await background.idle();

    expect([first.status, again.status, third.status]).toEqual([202, 200, 200]);
    expect(again.text).toBe('already handled');
    expect(synced).toHaveLength(1);
    expect(github.log.filter((request) => request.path.endsWith('/catalog-info.yaml'))).toHaveLength(1);
  });

  it('answers 400 to a malformed body or payload, naming the field, and 200 to a ping', async () => {
    const malformed = await deliver({ event: 'push', payload: undefined, body: '{"ref": "refs/heads/main",' });
    const invalid = await deliver({
      event: 'push',
      payload: { ...pushPayload({ repo: 'acme/payments-api', modified: [] }), repository: { name: 'x' } },
    });
    const ping = await deliver({ event: 'ping', payload: { zen: 'Design for failure.', hook_id: 1 } });

    expect(malformed.status).toBe(400);
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('repository.full_name');
    expect(ping.status).toBe(200);
    expect(github.requests).toBe(0);
  });

  it('does not exist without a secret', () => {
    expect(() =>
      createGitHubWebhookRoute({
        secret: '',
        sync,
        state,
        processedEvents: new DrizzleProcessedEventLog({ db: database.db }),
        catalogPaths: ['catalog-info.yaml'],
        background,
        logger: quiet,
      }),
    ).toThrow(/secret is required/);
  });
});
