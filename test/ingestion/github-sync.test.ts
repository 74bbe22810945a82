/**
 * The GitHub sync end to end: a fake GitHub REST API on 127.0.0.1, reached through the real octokit client and
 * gateway, into a real database.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { DrizzleConditionalCache } from '../../src/db/DrizzleConditionalCache.ts';
import { DrizzleSyncStateStore } from '../../src/db/DrizzleSyncStateStore.ts';
import { OctokitGitHubGateway } from '../../src/github/OctokitGitHubGateway.ts';
import { createOctokit } from '../../src/github/octokit.ts';
import { createCatalogRefresher } from '../../src/ingestion/catalog-refresher.ts';
import { GitHubCatalogSync, resolveTarget } from '../../src/ingestion/github-sync.ts';
import type { Logger } from '../../src/logger.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';
import { openTestDatabase } from '../helpers/database.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

let database: Database;
let store: DrizzleCatalogStore;
let github: FakeGitHubApi;
let sync: GitHubCatalogSync;

beforeAll(async () => {
  database = await openTestDatabase();
  store = new DrizzleCatalogStore({ db: database.db });
});

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  await database.db.execute(
    sql`truncate entities, relations, locations, ingest_errors, github_repositories, conditional_cache, error_notices`,
  );
  github = await startFakeGitHubApi();
  sync = createSync({});
});

afterEach(async () => {
  await github?.close();
});

function createSync(opts: { topic?: string; includeForks?: boolean }) {
  const octokit = createOctokit({
    auth: { token: 'ghp_test' },
    logger: quiet,
    apiUrl: github.url,
    retries: 1,
    retryBaseDelayMs: 1,
  });
  return new GitHubCatalogSync({
    gateway: new OctokitGitHubGateway({
      octokit,
      cache: new DrizzleConditionalCache({ db: database.db }),
      pageSize: 2,
    }),
    store,
    state: new DrizzleSyncStateStore({ db: database.db }),
    settings: { org: 'acme', catalogPaths: ['catalog-info.yaml'], includeForks: false, ...opts },
    logger: quiet,
  });
}

function component(name: string, spec: Record<string, unknown> = {}): string {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    ...Object.entries({ type: 'service', lifecycle: 'production', owner: 'payments', ...spec }).map(
      ([field, value]) => `  ${field}: ${value}`,
    ),
  ].join('\n');
}

const entityRef = (name: string) => `component:default/${name}`;

async function orphanFlags(): Promise<Record<string, boolean>> {
  const { rows } = await database.db.execute<{ ref: string; orphan: boolean }>(
    sql`select ref, orphan from entities order by ref`,
  );
  return Object.fromEntries(rows.map((row) => [row.ref, row.orphan]));
}

describe('GitHubCatalogSync.syncOrganisation', () => {
  it("imports each repository's catalog file, skipping archived repositories and forks, and records where each came from", async () => {
    github.addRepos(
      { fullName: 'acme/payments-api', files: { 'catalog-info.yaml': component('payments-api') } },
      { fullName: 'acme/legacy', archived: true, files: { 'catalog-info.yaml': component('legacy') } },
      { fullName: 'acme/forked', fork: true, files: { 'catalog-info.yaml': component('forked') } },
      { fullName: 'acme/no-catalog' },
    );

    const summary = await sync.syncOrganisation();

    expect(summary).toMatchObject({ repositories: 2, read: 2, files: 1, failed: [], errors: [] });
    expect(summary.counts).toMatchObject({ created: 1, orphaned: 0, failed: 0 });
    const entity = await store.getEntity({ ref: entityRef('payments-api') });
    expect(entity?.sourceLocation).toMatch(/^url:https?:\/\/.+\/acme\/payments-api\/blob\/main\/catalog-info\.yaml$/);
    expect(await store.getEntity({ ref: entityRef('legacy') })).toBeUndefined();
    expect(await store.getEntity({ ref: entityRef('forked') })).toBeUndefined();
  });

  it('reads forks too when asked, and only repositories with the topic when one is set', async () => {
    github.addRepos(
      { fullName: 'acme/tagged', topics: ['wayfinder'], files: { 'catalog-info.yaml': component('tagged') } },
      { fullName: 'acme/untagged', files: { 'catalog-info.yaml': component('untagged') } },
      {
        fullName: 'acme/forked',
        fork: true,
        topics: ['wayfinder'],
        files: { 'catalog-info.yaml': component('forked') },
      },
    );

    await createSync({ topic: 'wayfinder', includeForks: true }).syncOrganisation();

    expect(Object.keys(await orphanFlags())).toEqual([entityRef('forked'), entityRef('tagged')]);
  });

  it('follows Location targets inside the repository, and reports a missing one at its line', async () => {
    github.addRepos({
      fullName: 'acme/platform',
      files: {
        'catalog-info.yaml': [
          'apiVersion: backstage.io/v1alpha1',
          'kind: Location',
          'metadata:',
          '  name: platform',
          'spec:',
          '  targets:',
          '    - ./services/billing/catalog-info.yaml',
          '    - ./services/gone/catalog-info.yaml',
        ].join('\n'),
        'services/billing/catalog-info.yaml': component('billing'),
      },
    });

    const summary = await sync.syncOrganisation();

    expect(await store.getEntity({ ref: entityRef('billing') })).toBeDefined();
    expect(summary.errors).toEqual([
      expect.objectContaining({
        line: 1,
        field: 'spec.targets[1]',
        message: expect.stringContaining('"./services/gone/catalog-info.yaml" does not exist in acme/platform on main'),
      }),
    ]);
  });

  it("fills $text placeholders from the repository's files, and fails a document whose placeholder file is missing", async () => {
    const api = (name: string, file: string) =>
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: API',
        'metadata:',
        `  name: ${name}`,
        'spec:',
        '  type: openapi',
        '  lifecycle: production',
        '  owner: payments',
        `  definition: { $text: ${file} }`,
      ].join('\n');
    github.addRepos({
      fullName: 'acme/payments-api',
      files: {
        'catalog-info.yaml': `${api('payments-rest', './openapi.yaml')}\n---\n${api('payments-grpc', './missing.proto')}`,
        'openapi.yaml': 'openapi: 3.0.0\ninfo: { title: Payments, version: 1.0.0 }\n',
      },
    });

    const summary = await sync.syncOrganisation();

    const stored = await store.getEntity({ ref: 'api:default/payments-rest' });
    expect(stored?.envelope.spec?.definition).toBe('openapi: 3.0.0\ninfo: { title: Payments, version: 1.0.0 }\n');
    expect(await store.getEntity({ ref: 'api:default/payments-grpc' })).toBeUndefined();
    expect(summary.errors).toEqual([
      expect.objectContaining({
        field: 'spec.definition',
        entityRef: 'api:default/payments-grpc',
        message: expect.stringContaining('./missing.proto'),
      }),
    ]);
  });

  it('re-checks an unchanged organisation with 304s only, reading no file again', async () => {
    github.addRepos(
      { fullName: 'acme/a', files: { 'catalog-info.yaml': component('a') } },
      { fullName: 'acme/b', files: { 'catalog-info.yaml': component('b') } },
      { fullName: 'acme/c', files: { 'catalog-info.yaml': component('c') } },
    );
    await sync.syncOrganisation();
    github.resetLog();

    const again = await sync.syncOrganisation();

    expect(again.read).toBe(0);
    expect(again.requests).toBeGreaterThan(0);
    expect(again.counts).toMatchObject({ created: 0, updated: 0, orphaned: 0 });
    expect(github.log.every((request) => request.status === 304)).toBe(true);
    expect(github.log.some((request) => request.path.includes('/contents/'))).toBe(false);
  });

  it('reads again only the repository that changed, and updates its entity', async () => {
    github.addRepos(
      { fullName: 'acme/a', files: { 'catalog-info.yaml': component('a') } },
      { fullName: 'acme/b', files: { 'catalog-info.yaml': component('b') } },
    );
    await sync.syncOrganisation();
    github.setFile({ repo: 'acme/b', path: 'catalog-info.yaml', text: component('b', { lifecycle: 'deprecated' }) });

    const summary = await sync.syncOrganisation();

    expect(summary).toMatchObject({ read: 1, counts: { updated: 1, created: 0 } });
    expect((await store.getEntity({ ref: entityRef('b') }))?.envelope.spec?.lifecycle).toBe('deprecated');
  });

  it('orphans the entity of a deleted file and restores it when the file comes back', async () => {
    github.addRepos({
      fullName: 'acme/a',
      files: { 'catalog-info.yaml': `${component('a')}\n---\n${component('a-worker')}` },
    });
    await sync.syncOrganisation();

    github.setFile({ repo: 'acme/a', path: 'catalog-info.yaml', text: component('a') });
    const removed = await sync.syncOrganisation();
    expect(removed.counts.orphaned).toBe(1);
    expect(await orphanFlags()).toEqual({ [entityRef('a')]: false, [entityRef('a-worker')]: true });

    github.deleteFile({ repo: 'acme/a', path: 'catalog-info.yaml' });
    await sync.syncOrganisation();
    expect(await orphanFlags()).toEqual({ [entityRef('a')]: true, [entityRef('a-worker')]: true });

    github.setFile({
      repo: 'acme/a',
      path: 'catalog-info.yaml',
      text: `${component('a')}\n---\n${component('a-worker')}`,
    });
    const restored = await sync.syncOrganisation();
    expect(restored.counts.updated).toBe(2);
    expect(await orphanFlags()).toEqual({ [entityRef('a')]: false, [entityRef('a-worker')]: false });
  });

  it('orphans the entities of a repository that is deleted, archived or no longer has the topic', async () => {
    github.addRepos(
      { fullName: 'acme/deleted', topics: ['w'], files: { 'catalog-info.yaml': component('deleted') } },
      { fullName: 'acme/archived', topics: ['w'], files: { 'catalog-info.yaml': component('archived') } },
      { fullName: 'acme/untagged', topics: ['w'], files: { 'catalog-info.yaml': component('untagged') } },
      { fullName: 'acme/kept', topics: ['w'], files: { 'catalog-info.yaml': component('kept') } },
    );
    const tagged = createSync({ topic: 'w' });
    await tagged.syncOrganisation();

    github.deleteRepo({ fullName: 'acme/deleted' });
    github.archiveRepo({ fullName: 'acme/archived' });
    github.setTopics({ fullName: 'acme/untagged', topics: [] });
    const summary = await tagged.syncOrganisation();

    expect(summary).toMatchObject({ gone: 3, counts: { orphaned: 3 } });
    expect(await orphanFlags()).toEqual({
      [entityRef('archived')]: true,
      [entityRef('deleted')]: true,
      [entityRef('kept')]: false,
      [entityRef('untagged')]: true,
    });
  });

  it('keeps the last good entity of a broken document and reports the error at its line', async () => {
    github.addRepos({ fullName: 'acme/a', files: { 'catalog-info.yaml': component('a') } });
    await sync.syncOrganisation();

    github.setFile({ repo: 'acme/a', path: 'catalog-info.yaml', text: component('a', { lifecycle: '[broken' }) });
    const summary = await sync.syncOrganisation();

    expect(summary.counts).toMatchObject({ orphaned: 0, failed: 1 });
    expect(summary.errors[0]).toMatchObject({ line: 1 });
    expect(await orphanFlags()).toEqual({ [entityRef('a')]: false });
    expect(await store.listIngestErrors()).toHaveLength(1);

    github.setFile({ repo: 'acme/a', path: 'catalog-info.yaml', text: component('a') });
    await sync.syncOrganisation();
    expect(await store.listIngestErrors()).toEqual([]);
  });

  it('leaves a repository GitHub fails on as it was, syncs the others, and reads it at the next sync', async () => {
    github.addRepos(
      { fullName: 'acme/a', files: { 'catalog-info.yaml': component('a') } },
      { fullName: 'acme/b', files: { 'catalog-info.yaml': component('b') } },
    );
    await sync.syncOrganisation();
    github.setFile({ repo: 'acme/a', path: 'catalog-info.yaml', text: component('a', { lifecycle: 'deprecated' }) });
    github.setFile({ repo: 'acme/b', path: 'catalog-info.yaml', text: component('b', { lifecycle: 'deprecated' }) });
    // One try and one retry fail (see createSync); the sync after that finds GitHub well again.
    github.failWith({ path: '/repos/acme/a/contents/catalog-info.yaml', status: 500, times: 2 });

    const summary = await sync.syncOrganisation();

    expect(summary.failed).toEqual([{ source: 'acme/a', reason: expect.stringContaining('GitHub') }]);
    expect(summary.counts).toMatchObject({ updated: 1, orphaned: 0 });
    expect((await store.getEntity({ ref: entityRef('a') }))?.envelope.spec?.lifecycle).toBe('production');
    expect((await store.getEntity({ ref: entityRef('b') }))?.envelope.spec?.lifecycle).toBe('deprecated');

    const next = await sync.syncOrganisation();
    expect(next.read).toBe(1);
    expect((await store.getEntity({ ref: entityRef('a') }))?.envelope.spec?.lifecycle).toBe('deprecated');
  });

  it('counts every request GitHub received in the summary, retries included', async () => {
    github.addRepos({ fullName: 'acme/payments-api', files: { 'catalog-info.yaml': component('payments-api') } });
    github.failWith({ path: '/repos/acme/payments-api/contents/catalog-info.yaml', status: 502, times: 1 });

    const summary = await sync.syncOrganisation();

    expect(summary.failed).toEqual([]);
    expect(github.log.filter((request) => request.status === 502)).toHaveLength(1);
    expect(summary.requests).toBe(github.requests);
  });

  it('refuses a second definition of an entity another repository already defines', async () => {
    github.addRepos({ fullName: 'acme/a', files: { 'catalog-info.yaml': component('shared') } });
    await sync.syncOrganisation();
    github.addRepos({
      fullName: 'acme/b',
      files: { 'catalog-info.yaml': component('shared', { lifecycle: 'deprecated' }) },
    });

    const summary = await sync.syncOrganisation();

    expect(summary.errors).toEqual([
      expect.objectContaining({
        message: `${entityRef('shared')} is already defined in repository acme/a; each entity may be defined once.`,
      }),
    ]);
    expect((await store.getEntity({ ref: entityRef('shared') }))?.envelope.spec?.lifecycle).toBe('production');
  });
});

describe('GitHub teams and people', () => {
  it('become groups with their parent and direct members, and users with their public email', async () => {
    github.addUsers({ login: 'ada', name: 'Ada Lovelace', email: 'ada@acme.example' }, { login: 'grace' });
    github.addTeams({
      org: 'acme',
      teams: [
        { slug: 'engineering', name: 'Engineering', members: ['grace'] },
        { slug: 'payments', name: 'Payments', parent: 'engineering', members: ['ada'] },
      ],
    });

    await sync.syncOrganisation();

    const payments = await store.getTeam({ ref: 'group:default/payments' });
    expect(payments?.team.envelope.metadata.title).toBe('Payments');
    expect(payments?.parents.map((group) => group.ref)).toEqual(['group:default/engineering']);
    expect(payments?.members.map((member) => member.ref)).toEqual(['user:default/ada']);
    const engineering = await store.getTeam({ ref: 'group:default/engineering' });
    expect(engineering?.members.map((member) => member.ref)).toEqual(['user:default/grace']);
    const ada = await store.getEntity({ ref: 'user:default/ada' });
    expect(ada?.envelope.spec?.profile).toMatchObject({ displayName: 'Ada Lovelace', email: 'ada@acme.example' });
  });

  it('keep a direct member of a parent team who is also in its child team, as GitHub means membership', async () => {
    // Ada maintains Platform and is on call in its child team SRE; Grace is only in SRE.
    github.addTeams({
      org: 'acme',
      teams: [
        { slug: 'platform', name: 'Platform', members: ['ada', 'bob'] },
        { slug: 'sre', name: 'SRE', parent: 'platform', members: ['ada', 'grace'] },
      ],
    });

    await sync.syncOrganisation();

    const members = async (team: string) =>
      (await store.getTeam({ ref: `group:default/${team}` }))?.members.map((member) => member.ref);
    expect(await members('platform')).toEqual(['user:default/ada', 'user:default/bob']);
    expect(await members('sre')).toEqual(['user:default/ada', 'user:default/grace']);

    // An unchanged organisation costs no GraphQL.
    github.resetLog();
    const again = await sync.syncOrganisation();
    expect(github.requestsTo('/graphql')).toBe(0);
    expect(again.counts).toMatchObject({ created: 0, updated: 0, orphaned: 0 });

    // Grace joins Platform directly too: Platform's REST list is unchanged (she was listed through SRE), but Bob
    // leaving changes it, and the direct members are read again.
    github.addTeamMembers({ org: 'acme', teamSlug: 'platform', logins: ['grace'] });
    github.removeTeamMembers({ org: 'acme', teamSlug: 'platform', logins: ['bob'] });
    const changed = await sync.syncOrganisation();
    expect(changed.counts.updated).toBeGreaterThan(0);
    expect(await members('platform')).toEqual(['user:default/ada', 'user:default/grace']);
  });

  it("become users with the email they verified on the organisation's domain when GitHub tells one", async () => {
    github.addUsers(
      { login: 'ada', email: 'ada@personal.example', verifiedEmails: { acme: ['ada@acme.example'] } },
      { login: 'grace', email: 'grace@personal.example' },
    );
    github.addTeams({ org: 'acme', teams: [{ slug: 'payments', members: ['ada', 'grace'] }] });

    await sync.syncOrganisation();

    const ada = await store.getEntity({ ref: 'user:default/ada' });
    expect(ada?.envelope.spec?.profile).toMatchObject({ email: 'ada@acme.example' });
    const grace = await store.getEntity({ ref: 'user:default/grace' });
    expect(grace?.envelope.spec?.profile).toMatchObject({ email: 'grace@personal.example' });
  });

  it('give way to a group of the same name defined in a catalog file', async () => {
    github.addTeams({ org: 'acme', teams: [{ slug: 'payments', name: 'Payments (GitHub)', members: ['ada'] }] });
    github.addRepos({
      fullName: 'acme/org',
      files: {
        'catalog-info.yaml': [
          'apiVersion: backstage.io/v1alpha1',
          'kind: Group',
          'metadata:',
          '  name: payments',
          '  title: Payments (YAML)',
          'spec:',
          '  type: team',
          '  children: []',
        ].join('\n'),
      },
    });

    await sync.syncOrganisation();
    await sync.syncOrganisation({ force: true });

    const payments = await store.getEntity({ ref: 'group:default/payments' });
    expect(payments?.envelope.metadata.title).toBe('Payments (YAML)');
    expect(payments?.sourceLocation).toContain('/acme/org/blob/main/catalog-info.yaml');
    expect(await store.getEntity({ ref: 'user:default/ada' })).toBeDefined();
  });
});

describe('GitHubCatalogSync.syncRepositories', () => {
  it('reads a renamed repository under its new name, leaving no orphan behind', async () => {
    github.addRepos({ fullName: 'acme/old-name', files: { 'catalog-info.yaml': component('svc') } });
    await sync.syncOrganisation();
    github.renameRepo({ fullName: 'acme/old-name', name: 'new-name' });

    const summary = await sync.syncRepositories({ fullNames: ['acme/old-name'] });

    expect(summary).toMatchObject({ read: 1, gone: 1, counts: { updated: 1, orphaned: 0 } });
    expect((await store.getEntity({ ref: entityRef('svc') }))?.sourceLocation).toContain('/acme/new-name/blob/');
  });

  it("orphans a deleted repository's entities", async () => {
    github.addRepos({ fullName: 'acme/a', files: { 'catalog-info.yaml': component('a') } });
    await sync.syncOrganisation();
    github.deleteRepo({ fullName: 'acme/a' });

    const summary = await sync.syncRepositories({ fullNames: ['acme/a'] });

    expect(summary).toMatchObject({ read: 0, gone: 1, counts: { orphaned: 1 } });
  });
});

describe('refreshing one entity synced from GitHub', () => {
  it("re-reads the entity's repository now, and says so when GitHub fails", async () => {
    github.addRepos({ fullName: 'acme/a', files: { 'catalog-info.yaml': component('a') } });
    await sync.syncOrganisation();
    github.setFile({ repo: 'acme/a', path: 'catalog-info.yaml', text: component('a', { lifecycle: 'deprecated' }) });
    const refresher = createCatalogRefresher({ store, refreshScope: (opts) => sync.refreshScope(opts) });
    const entity = await store.getEntity({ ref: entityRef('a') });
    if (!entity) throw new Error('a was not synced');

    const outcome = await refresher.refresh({ entity });

    expect(outcome).toMatchObject({ status: 'refreshed', source: 'acme/a', counts: { updated: 1 } });
    expect((await store.getEntity({ ref: entityRef('a') }))?.envelope.spec?.lifecycle).toBe('deprecated');

    github.failWith({ path: '/repos/acme/a', status: 503 });
    expect(await refresher.refresh({ entity })).toMatchObject({ status: 'unavailable', source: 'acme/a' });
  });
});

describe('resolveTarget', () => {
  const repository = { fullName: 'acme/x', htmlUrl: 'https://github.com/acme/x' };

  it('resolves relative paths and same-repository URLs, and refuses globs and other repositories', () => {
    expect(resolveTarget({ repository, from: 'a/catalog-info.yaml', target: '../b/c.yaml' })).toEqual({
      path: 'b/c.yaml',
    });
    expect(
      resolveTarget({ repository, from: 'catalog-info.yaml', target: 'https://github.com/acme/x/blob/main/d/e.yaml' }),
    ).toEqual({ path: 'd/e.yaml' });
    expect(resolveTarget({ repository, from: 'catalog-info.yaml', target: './*.yaml' })).toMatchObject({
      problem: expect.stringContaining('glob'),
    });
    expect(
      resolveTarget({ repository, from: 'catalog-info.yaml', target: 'https://github.com/acme/y/blob/main/e.yaml' }),
    ).toMatchObject({ problem: expect.stringContaining('outside acme/x') });
    expect(resolveTarget({ repository, from: 'catalog-info.yaml', target: '../../etc.yaml' })).toMatchObject({
      problem: expect.stringContaining('outside acme/x'),
    });
  });
});
