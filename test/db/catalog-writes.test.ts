/**
 * Catalog writes from several processes at once, as replicas of one deployment make them: on the server each store
 * has a pool of its own, so their transactions really overlap; on PGlite they share the one instance.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processDocument } from '../../src/core/catalog/descriptor.ts';
import type { ProcessedEntity } from '../../src/core/catalog/types.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { DrizzleConditionalCache } from '../../src/db/DrizzleConditionalCache.ts';
import { DrizzleSyncStateStore } from '../../src/db/DrizzleSyncStateStore.ts';
import { OctokitGitHubGateway } from '../../src/github/OctokitGitHubGateway.ts';
import { createOctokit } from '../../src/github/octokit.ts';
import { GitHubCatalogSync } from '../../src/ingestion/github-sync.ts';
import type { Logger } from '../../src/logger.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';
import { openTestDatabaseReplicas } from '../helpers/database.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

let replicas: [Database, Database];
let stores: [DrizzleCatalogStore, DrizzleCatalogStore];

beforeAll(async () => {
  const [first, second] = await openTestDatabaseReplicas(2);
  if (!first || !second) throw new Error('expected two replicas');
  replicas = [first, second];
  stores = [new DrizzleCatalogStore({ db: first.db }), new DrizzleCatalogStore({ db: second.db })];
});
afterAll(async () => {
  await replicas?.[1].close();
  await replicas?.[0].close();
});
beforeEach(async () => {
  await replicas[0].db.execute(
    sql`truncate entities, relations, locations, ingest_errors, github_repositories, conditional_cache`,
  );
});

const FILE = 'file:/srv/catalog/catalog-info.yaml';

/** One version of a file of `count` components, each described as that version. */
function version(label: string, count: number): ProcessedEntity[] {
  return Array.from({ length: count }, (_, index) => {
    const result = processDocument({
      document: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: `service-${index}`, description: `version ${label}` },
        spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
      },
      position: { location: FILE, line: 1 + index * 9 },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.entity;
  });
}

async function descriptions(): Promise<Map<string, number>> {
  const { rows } = await replicas[0].db.execute<{ description: string; n: number }>(
    sql`select description, count(*)::int as n from entities group by description`,
  );
  return new Map(rows.map((row) => [row.description, row.n]));
}

describe('concurrent imports', () => {
  it('end in the version of the import that finished last, each counting against what the other stored', async () => {
    const count = 600;
    const finished: string[] = [];
    const importVersion = (store: DrizzleCatalogStore, label: string) =>
      store
        .importEntities({
          entities: version(label, count),
          errors: [],
          locations: [FILE],
          scopes: [{ scope: 'file:/srv/catalog', refs: version(label, count).map((entity) => entity.ref) }],
        })
        .then((counts) => {
          finished.push(label);
          return counts;
        });

    const [one, two] = await Promise.all([importVersion(stores[0], 'one'), importVersion(stores[1], 'two')]);

    expect([one.created + two.created, one.updated + two.updated]).toEqual([count, count]);
    expect([one.orphaned, two.orphaned]).toEqual([0, 0]);
    const last = finished[1];
    expect(await descriptions()).toEqual(new Map([[`version ${last}`, count]]));
  });

  it('count each entity once when the same file is imported by two processes at the same moment', async () => {
    const entities = version('same', 500);
    const both = await Promise.all(
      stores.map((store) => store.importEntities({ entities, errors: [], locations: [FILE] })),
    );

    expect(both.map((counts) => counts.created).sort()).toEqual([0, 500]);
    expect(both.map((counts) => counts.unchanged).sort()).toEqual([0, 500]);
  });
});

describe('the first definition of an entity', () => {
  const REPOSITORY_RULE = {
    scopePrefix: 'github:',
    describeDefinition: ({ scope }: { scope: string }) => `repository ${scope.slice('github:'.length)}`,
  };
  const inRepository = (repository: string, label: string) =>
    version(label, 1).map((entity) => ({
      ...entity,
      source: { ...entity.source, location: `url:https://github.com/${repository}/blob/main/catalog-info.yaml` },
    }));

  it('is kept when another repository stored it after the importer looked: the later one is refused under the lock', async () => {
    const first = inRepository('acme/a', 'from a');
    await stores[0].importEntities({
      entities: first,
      errors: [],
      locations: [first[0]?.source.location ?? ''],
      scopes: [{ scope: 'github:acme/a', refs: first.map((entity) => entity.ref) }],
      firstDefinitionWins: REPOSITORY_RULE,
    });
    // The second replica looked before the first wrote (it saw nothing stored), and now writes.
    const later = inRepository('acme/b', 'from b');
    const location = later[0]?.source.location ?? '';
    const counts = await stores[1].importEntities({
      entities: later,
      errors: [],
      locations: [location],
      scopes: [{ scope: 'github:acme/b', refs: later.map((entity) => entity.ref) }],
      firstDefinitionWins: REPOSITORY_RULE,
    });

    expect(counts).toMatchObject({ created: 0, updated: 0, unchanged: 0, orphaned: 0 });
    const refusal =
      'component:default/service-0 is already defined in repository acme/a; each entity may be defined once.';
    expect(counts.refused).toEqual([expect.objectContaining({ location, field: 'metadata.name', message: refusal })]);
    expect(await descriptions()).toEqual(new Map([['version from a', 1]]));
    expect(await stores[0].listIngestErrors({ location })).toEqual([expect.objectContaining({ message: refusal })]);
  });
});

describe('a webhook sync racing a scheduled sync on another replica', () => {
  let github: FakeGitHubApi;
  beforeEach(async () => {
    github = await startFakeGitHubApi();
  });
  afterEach(() => github.close());

  function syncOn(index: 0 | 1): GitHubCatalogSync {
    const database = replicas[index];
    const octokit = createOctokit({ auth: { token: 'ghp_test' }, logger: quiet, apiUrl: github.url, retries: 0 });
    return new GitHubCatalogSync({
      gateway: new OctokitGitHubGateway({ octokit, cache: new DrizzleConditionalCache({ db: database.db }) }),
      store: stores[index],
      state: new DrizzleSyncStateStore({ db: database.db }),
      settings: { org: 'acme', catalogPaths: ['catalog-info.yaml'], includeForks: false },
      logger: quiet,
    });
  }

  it('stores each entity once and counts it created once', async () => {
    const files = (name: string) => ({
      'catalog-info.yaml': Array.from(
        { length: 300 },
        (_, index) =>
          `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}-${index}\nspec:\n  type: service\n  lifecycle: production\n  owner: payments\n`,
      ).join('---\n'),
    });
    github.addRepos({ fullName: 'acme/payments-api', files: files('payments') });

    const [scheduled, webhook] = await Promise.all([
      syncOn(0).syncOrganisation(),
      syncOn(1).syncRepositories({ fullNames: ['acme/payments-api'] }),
    ]);

    expect(scheduled.counts.created + webhook.counts.created).toBe(300);
    expect(scheduled.counts.unchanged + webhook.counts.unchanged).toBe(300);
    expect(await descriptions()).toEqual(new Map([[null, 300]]));
  });

  it('keeps one definition of an entity two repositories define, synced at the same moment on two replicas', async () => {
    const descriptor = (lifecycle: string) =>
      `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: shared\nspec:\n  type: service\n  lifecycle: ${lifecycle}\n  owner: payments\n`;
    github.addRepos(
      { fullName: 'acme/a', files: { 'catalog-info.yaml': descriptor('production') } },
      { fullName: 'acme/b', files: { 'catalog-info.yaml': descriptor('experimental') } },
    );

    const [a, b] = await Promise.all([
      syncOn(0).syncRepositories({ fullNames: ['acme/a'] }),
      syncOn(1).syncRepositories({ fullNames: ['acme/b'] }),
    ]);

    const [winner, loser] = a.counts.created === 1 ? [a, b] : [b, a];
    expect([winner.counts.created, loser.counts.created, loser.counts.updated]).toEqual([1, 0, 0]);
    expect(loser.counts.failed).toBe(1);
    expect(loser.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^component:default\/shared is already defined in repository acme\/[ab];/),
      }),
    ]);
    const { rows } = await replicas[0].db.execute<{ n: number }>(sql`select count(*)::int as n from entities`);
    expect(rows[0]?.n).toBe(1);
  });
});
