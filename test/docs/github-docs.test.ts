/**
 * Docs read from GitHub end to end: a fake GitHub REST API on 127.0.0.1, the real octokit client and gateway, the
 * catalog sync, and the docs index on a real database.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localViewer } from '../../src/core/commands/asker.ts';
import { runCommandLine } from '../../src/core/commands/index.ts';
import type { Message } from '../../src/core/view-model.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { DrizzleConditionalCache } from '../../src/db/DrizzleConditionalCache.ts';
import { DrizzleDocsIndexStore } from '../../src/db/DrizzleDocsIndexStore.ts';
import { DrizzleSyncStateStore } from '../../src/db/DrizzleSyncStateStore.ts';
import { formatStatus } from '../../src/docs/cli.ts';
import { createDocsAsker } from '../../src/docs/docs-asker.ts';
import { GitHubDocs } from '../../src/docs/github-docs.ts';
import { OctokitGitHubGateway } from '../../src/github/OctokitGitHubGateway.ts';
import { createOctokit } from '../../src/github/octokit.ts';
import { createCatalogRefresher } from '../../src/ingestion/catalog-refresher.ts';
import { GitHubCatalogSync } from '../../src/ingestion/github-sync.ts';
import type { Logger } from '../../src/logger.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';
import { openTestDatabase } from '../helpers/database.ts';

let database: Database;
let store: DrizzleCatalogStore;
let index: DrizzleDocsIndexStore;
let github: FakeGitHubApi;
let gateway: OctokitGitHubGateway;
let sync: GitHubCatalogSync;
let warnings: string[];
const logger: Logger = { debug() {}, info() {}, warn: (line) => warnings.push(line), error() {} };

beforeAll(async () => {
  database = await openTestDatabase();
  store = new DrizzleCatalogStore({ db: database.db });
  index = new DrizzleDocsIndexStore({ db: database.db });
});
afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  await database.db.execute(
    sql`truncate entities, relations, locations, ingest_errors, github_repositories, conditional_cache, doc_sources cascade`,
  );
  warnings = [];
  github = await startFakeGitHubApi();
  const octokit = createOctokit({
    auth: { token: 'ghp_test' },
    logger,
    apiUrl: github.url,
    retries: 0,
    retryBaseDelayMs: 1,
  });
  gateway = new OctokitGitHubGateway({ octokit, cache: new DrizzleConditionalCache({ db: database.db }) });
  sync = new GitHubCatalogSync({
    gateway,
    store,
    state: new DrizzleSyncStateStore({ db: database.db }),
    settings: { org: 'acme', catalogPaths: ['catalog-info.yaml'], includeForks: false },
    logger,
  });
});
afterEach(async () => {
  await github?.close();
});

const docsFor = (opts: { privateRepos?: boolean } = {}) =>
  new GitHubDocs({ gateway, catalog: store, index, privateRepos: opts.privateRepos ?? false, logger });

/** A Component descriptor; `techdocs` is the annotation's value, if any. */
function component(name: string, techdocs?: string): string {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    ...(techdocs ? ['  annotations:', `    backstage.io/techdocs-ref: ${techdocs}`] : []),
    'spec:',
    '  type: service',
    '  lifecycle: production',
    '  owner: payments',
  ].join('\n');
}

const DEPLOY = '# Deploy\n\n## Roll back\n\nRun the `rollback` workflow with the previous release tag.\n';

/** Syncs the organisation, then refreshes the docs of what the sync read, as the scheduled job does. */
async function syncAndRefresh(docs = docsFor()) {
  const summary = await sync.syncOrganisation();
  return docs.refresh(summary.changes);
}

async function hits(text: string) {
  return index.searchLexical({ text, limit: 10 });
}

describe('docs from GitHub', () => {
  it('reads dir:. with an mkdocs.yml: every page under docs_dir, nav pages titled from the nav, linked to GitHub', async () => {
    github.addRepos({
      fullName: 'acme/payments-api',
      files: {
        'catalog-info.yaml': component('payments-api', 'dir:.'),
        'mkdocs.yml':
          'site_name: Payments\nnav:\n  - Home: index.md\n  - Runbooks:\n      - Deploying: runbooks/deploy.md\n',
        'docs/index.md': '# Payments API\n\nTakes card payments.\n',
        'docs/runbooks/deploy.md': DEPLOY,
        'docs/faq.md': '# FAQ\n\n## Refund limits\n\nRefunds above 10,000 EUR need a second approver.\n',
        'docs/diagram.png': 'not markdown',
        'README.md': '# Not in the docs folder\n',
      },
    });

    const summary = await syncAndRefresh();

    expect(summary).toMatchObject({ read: 1, dropped: 0, problems: [], files: { indexed: 3 } });
    const [deploy] = await hits('roll back');
    expect(deploy).toMatchObject({
      title: 'Deploying',
      url: 'https://github.com/acme/payments-api/blob/main/docs/runbooks/deploy.md#roll-back',
      entityRef: 'component:default/payments-api',
    });
    expect((await hits('refund approver'))[0]?.url).toBe(
      'https://github.com/acme/payments-api/blob/main/docs/faq.md#refund-limits',
    );
    expect(await hits('not in the docs folder')).toEqual([]);
    const status = formatStatus(await index.status(), undefined);
    expect(status).toContain('From GitHub (backstage.io/techdocs-ref): 1 source');
    expect(status).toContain(
      '  component:default/payments-api from https://github.com/acme/payments-api/blob/main/docs/: 3 files, 3 chunks',
    );
  });

  it('reads the docs/ folder when there is no mkdocs.yml, relative to a catalog file in a subfolder', async () => {
    github.addRepos({
      fullName: 'acme/monorepo',
      defaultBranch: 'trunk',
      files: {
        'catalog-info.yaml':
          'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets: [./services/ledger/catalog-info.yaml]\n',
        'services/ledger/catalog-info.yaml': component('ledger', 'dir:.'),
        'services/ledger/docs/failover.md': '# Failover\n\nPromote the replica in the other region.\n',
        'docs/other.md': '# Another service\n',
      },
    });

    const summary = await syncAndRefresh();

    expect(summary).toMatchObject({ read: 1, problems: [], files: { indexed: 1 } });
    expect((await hits('promote replica'))[0]).toMatchObject({
      title: 'Failover',
      url: 'https://github.com/acme/monorepo/blob/trunk/services/ledger/docs/failover.md#failover',
      entityRef: 'component:default/ledger',
    });
  });

  it('reads a url: ref from another repository, and again when that repository is pushed to', async () => {
    github.addRepos(
      {
        fullName: 'acme/checkout',
        files: {
          'catalog-info.yaml': component('checkout', 'url:https://github.com/acme/handbook/tree/main/checkout'),
        },
      },
      {
        fullName: 'acme/handbook',
        files: {
          'checkout/mkdocs.yml': 'site_name: Checkout\ndocs_dir: pages\n',
          'checkout/pages/index.md': '# Checkout\n\n## Feature flags\n\nFlags live in LaunchDarkly.\n',
        },
      },
    );
    const docs = docsFor();
    await syncAndRefresh(docs);
    expect((await hits('feature flags'))[0]?.url).toBe(
      'https://github.com/acme/handbook/blob/main/checkout/pages/index.md#feature-flags',
    );

    // A push to the handbook touches no catalog file: the webhook asks for its docs alone.
    github.setFile({
      repo: 'acme/handbook',
      path: 'checkout/pages/index.md',
      text: '# Checkout\n\n## Feature flags\n\nFlags live in Unleash now.\n',
    });
    const refreshed = await docs.refresh({ touched: ['acme/handbook'] });
    expect(refreshed).toMatchObject({ read: 1, files: { indexed: 1 } });
    expect((await hits('feature flags'))[0]?.content).toContain('Unleash');
  });

  it('leaves out the docs of a private repository unless WAYFINDER_DOCS_PRIVATE_REPOS is on', async () => {
    github.addRepos({
      fullName: 'acme/secret-sauce',
      private: true,
      files: {
        'catalog-info.yaml': component('secret-sauce', 'dir:.'),
        'docs/recipe.md': '# Recipe\n\nThe sauce is mostly paprika.\n',
      },
    });

    const skipped = await syncAndRefresh();
    expect(skipped).toMatchObject({ read: 0, problems: [] });
    expect(skipped.skipped).toEqual([
      {
        entityRef: 'component:default/secret-sauce',
        message: 'acme/secret-sauce is private; left out (WAYFINDER_DOCS_PRIVATE_REPOS=true indexes it).',
      },
    ]);
    expect(await hits('paprika')).toEqual([]);
    expect(await index.listSources({ prefix: 'techdocs:' })).toEqual([]);

    // With the setting on, the next refresh indexes what was never indexed, though the repository did not change.
    const included = await docsFor({ privateRepos: true }).refresh({ read: [] });
    expect(included).toMatchObject({ read: 1, problems: [], skipped: [] });
    expect((await hits('paprika'))[0]?.url).toBe(
      'https://github.com/acme/secret-sauce/blob/main/docs/recipe.md#recipe',
    );
  });

  it('drops the docs of a repository made private, as the webhook of the change asks', async () => {
    github.addRepos({
      fullName: 'acme/payments-api',
      files: { 'catalog-info.yaml': component('payments-api', 'dir:.'), 'docs/runbooks/deploy.md': DEPLOY },
    });
    const docs = docsFor();
    await syncAndRefresh(docs);
    expect(await hits('roll back')).toHaveLength(1);

    github.setPrivate({ fullName: 'acme/payments-api', private: true });
    expect(await docs.refresh({ touched: ['acme/payments-api'] })).toMatchObject({ dropped: 1, read: 0 });
    expect(await hits('roll back')).toEqual([]);
  });

  it('re-indexes nothing when nothing changed: a second run reads only 304s', async () => {
    github.addRepos({
      fullName: 'acme/payments-api',
      files: {
        'catalog-info.yaml': component('payments-api', 'dir:.'),
        'docs/runbooks/deploy.md': DEPLOY,
        'docs/index.md': '# Payments\n',
      },
    });
    const docs = docsFor();
    await syncAndRefresh(docs);

    github.resetLog();
    const unchanged = await syncAndRefresh(docs);
    expect(unchanged).toMatchObject({ read: 0, files: { indexed: 0 } });

    // By hand, twice: the first reads the repository itself (the sync had listed it), the second only gets 304s.
    await docs.indexAll();
    github.resetLog();
    const again = await docs.indexAll();
    expect(again).toMatchObject({ read: 1, files: { indexed: 0, unchanged: 2, removed: 0 }, chunks: { written: 0 } });
    const reads = github.log.filter(
      (entry) => /\/(git\/trees|contents)\//.test(entry.path) || entry.path.endsWith('/acme/payments-api'),
    );
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((entry) => entry.status !== 304)).toEqual([]);
  });

  it('asks GitHub for an unchanged repository and its tree only, and after a push reads only the pages that changed', async () => {
    github.addRepos({
      fullName: 'acme/payments-api',
      files: {
        'catalog-info.yaml': component('payments-api', 'dir:.'),
        'mkdocs.yml': 'site_name: Payments\nnav:\n  - Home: index.md\n  - Deploying: runbooks/deploy.md\n',
        'docs/index.md': '# Payments\n\nTakes card payments.\n',
        'docs/runbooks/deploy.md': DEPLOY,
        'docs/faq.md': '# FAQ\n\n## Refund limits\n\nRefunds above 10,000 EUR need a second approver.\n',
      },
    });
    const docs = docsFor();
    await sync.syncOrganisation();
    expect((await docs.indexAll()).files).toEqual({ indexed: 3, unchanged: 0, removed: 0 });
    const asked = () => github.log.map((entry) => `${entry.method} ${entry.path}`);

    github.resetLog();
    expect((await docs.indexAll()).files).toEqual({ indexed: 0, unchanged: 3, removed: 0 });
    expect(asked()).toEqual(['GET /repos/acme/payments-api', 'GET /repos/acme/payments-api/git/trees/main']);

    // A push changes one page: the mkdocs.yml (a 304) and that page are read, not the two others.
    github.setFile({
      repo: 'acme/payments-api',
      path: 'docs/faq.md',
      text: '# FAQ\n\n## Refund limits\n\nRefunds above 5,000 EUR need a second approver.\n',
    });
    github.resetLog();
    const pushed = await docs.refresh({ touched: ['acme/payments-api'] });
    expect(pushed.files).toEqual({ indexed: 1, unchanged: 2, removed: 0 });
    expect(asked().filter((request) => request.includes('/contents/'))).toEqual([
      'GET /repos/acme/payments-api/contents/mkdocs.yml',
      'GET /repos/acme/payments-api/contents/docs/faq.md',
    ]);
    expect((await hits('refund approver'))[0]?.content).toContain('5,000 EUR');

    // A page retitled in the nav is indexed again under its new title, though its own text did not change.
    github.setFile({
      repo: 'acme/payments-api',
      path: 'mkdocs.yml',
      text: 'site_name: Payments\nnav:\n  - Home: index.md\n  - Rolling out: runbooks/deploy.md\n',
    });
    github.resetLog();
    expect((await docs.refresh({ touched: ['acme/payments-api'] })).files).toEqual({
      indexed: 1,
      unchanged: 2,
      removed: 0,
    });
    expect(asked().filter((request) => request.includes('/contents/'))).toEqual([
      'GET /repos/acme/payments-api/contents/mkdocs.yml',
      'GET /repos/acme/payments-api/contents/docs/runbooks/deploy.md',
    ]);
    expect((await hits('roll back'))[0]?.title).toBe('Rolling out');
  });

  it('drops the docs when the annotation is removed, and when the repository is deleted', async () => {
    github.addRepos(
      {
        fullName: 'acme/payments-api',
        files: { 'catalog-info.yaml': component('payments-api', 'dir:.'), 'docs/runbooks/deploy.md': DEPLOY },
      },
      {
        fullName: 'acme/ledger',
        files: {
          'catalog-info.yaml': component('ledger', 'dir:.'),
          'docs/failover.md': '# Failover\n\nPromote the replica.\n',
        },
      },
    );
    const docs = docsFor();
    await syncAndRefresh(docs);
    expect(await hits('roll back')).toHaveLength(1);

    github.setFile({ repo: 'acme/payments-api', path: 'catalog-info.yaml', text: component('payments-api') });
    expect(await syncAndRefresh(docs)).toMatchObject({ dropped: 1 });
    expect(await hits('roll back')).toEqual([]);

    github.deleteRepo({ fullName: 'acme/ledger' });
    expect(await syncAndRefresh(docs)).toMatchObject({ dropped: 1 });
    expect(await hits('promote replica')).toEqual([]);
    expect(await index.listSources({ prefix: 'techdocs:' })).toEqual([]);
  });

  it('logs a missing docs folder and a malformed mkdocs.yml naming the entity and the file, and indexes the rest', async () => {
    github.addRepos(
      { fullName: 'acme/no-docs', files: { 'catalog-info.yaml': component('no-docs', 'dir:.') } },
      {
        fullName: 'acme/broken-mkdocs',
        files: {
          'catalog-info.yaml': component('broken-mkdocs', 'dir:.'),
          'mkdocs.yml': 'nav: [Home: index.md\n',
          'docs/index.md': '# Broken\n',
        },
      },
      {
        fullName: 'acme/bad-ref',
        files: { 'catalog-info.yaml': component('bad-ref', 'url:https://gitlab.com/acme/x') },
      },
      {
        fullName: 'acme/payments-api',
        files: { 'catalog-info.yaml': component('payments-api', 'dir:.'), 'docs/runbooks/deploy.md': DEPLOY },
      },
    );

    const syncSummary = await sync.syncOrganisation();
    expect(syncSummary.errors).toEqual([]);
    const summary = await docsFor().refresh(syncSummary.changes);

    expect(summary.read).toBe(2);
    expect(await hits('roll back')).toHaveLength(1);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Docs of component:default\/no-docs: acme\/no-docs\/docs\/ on main holds no markdown files; expected the docs as docs\/\*\.md \(or an mkdocs\.yml in the repository root\)\.$/,
        ),
        expect.stringMatching(
          /^Docs of component:default\/broken-mkdocs: acme\/broken-mkdocs\/mkdocs\.yml on main is not a valid mkdocs\.yml \(.+\); its docs were left as they were\.$/,
        ),
        expect.stringMatching(
          /^Docs of component:default\/bad-ref: backstage\.io\/techdocs-ref "url:https:\/\/gitlab\.com\/acme\/x": expected an address on github\.com/,
        ),
      ]),
    );
    expect(summary.problems.map((problem) => problem.entityRef).sort()).toEqual([
      'component:default/bad-ref',
      'component:default/broken-mkdocs',
      'component:default/no-docs',
    ]);
  });

  it('answers /ask with a citation linking to the page on GitHub', async () => {
    github.addRepos({
      fullName: 'acme/payments-api',
      files: { 'catalog-info.yaml': component('payments-api', 'dir:.'), 'docs/runbooks/deploy.md': DEPLOY },
    });
    await syncAndRefresh();

    const context = {
      store,
      refresher: createCatalogRefresher({ store }),
      viewer: localViewer,
      docs: createDocsAsker({ store: index }),
    };
    const message: Message = await runCommandLine(context, '/ask how do I roll back a deploy?');
    const links = message.blocks.flatMap((block) =>
      block.type === 'list'
        ? block.items.flatMap((item) => item.text.flatMap((span) => (span.kind === 'link' ? [span.url] : [])))
        : [],
    );
    expect(links[0]).toBe('https://github.com/acme/payments-api/blob/main/docs/runbooks/deploy.md#roll-back');
  });
});
