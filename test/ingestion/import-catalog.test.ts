import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { importCatalog } from '../../src/ingestion/import-catalog.ts';
import { openTestDatabase } from '../helpers/database.ts';

let database: Database;
let store: DrizzleCatalogStore;
let scratch: string;

beforeAll(async () => {
  database = await openTestDatabase();
  store = new DrizzleCatalogStore({ db: database.db });
});
afterAll(() => database?.close());

beforeEach(async () => {
  await database.db.execute(sql`truncate entities, relations, locations, ingest_errors`);
  scratch = await realpath(await mkdtemp(path.join(tmpdir(), 'wayfinder-import-')));
  return () => rm(scratch, { recursive: true, force: true });
});

const component = (name: string, owner = 'payments') =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;

/** Writes files under the scratch directory; returns their absolute paths. */
async function write(files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(scratch, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

const at = (...parts: string[]) => path.join(scratch, ...parts);
const importPaths = (...paths: string[]) => importCatalog({ paths, store });

async function state(name: string): Promise<'live' | 'orphan' | 'absent'> {
  const entity = await store.getEntity({ ref: `component:default/${name}` });
  return entity ? (entity.orphan ? 'orphan' : 'live') : 'absent';
}

describe('importing the same root again', () => {
  it('orphans the entities of a removed file or document, and restores them when they come back', async () => {
    await write({
      'catalog/payments/catalog-info.yaml': `${component('payments-api')}---\n${component('payments-worker')}`,
      'catalog/ledger/catalog-info.yaml': component('ledger'),
    });
    expect((await importPaths(at('catalog'))).counts).toEqual({
      created: 3,
      updated: 0,
      unchanged: 0,
      orphaned: 0,
      failed: 0,
    });

    await rm(at('catalog/ledger'), { recursive: true });
    await write({ 'catalog/payments/catalog-info.yaml': component('payments-api') });
    expect((await importPaths(at('catalog'))).counts).toEqual({
      created: 0,
      updated: 0,
      unchanged: 1,
      orphaned: 2,
      failed: 0,
    });
    expect([await state('payments-api'), await state('payments-worker'), await state('ledger')]).toEqual([
      'live',
      'orphan',
      'orphan',
    ]);

    await write({ 'catalog/ledger/catalog-info.yaml': component('ledger') });
    expect((await importPaths(at('catalog'))).counts).toMatchObject({ updated: 1, orphaned: 0 });
    expect(await state('ledger')).toBe('live');
  });

  it('purges the orphans once their grace period is over', async () => {
    await write({ 'catalog/a.yaml': component('ledger'), 'catalog/b.yaml': component('payments-api') });
    await importPaths(at('catalog'));
    await rm(at('catalog/a.yaml'));
    await importPaths(at('catalog'));

    expect(await store.purgeOrphans({ before: new Date(Date.now() - 60_000) })).toBe(0);
    expect(await store.purgeOrphans({ before: new Date(Date.now() + 60_000) })).toBe(1);
    expect([await state('ledger'), await state('payments-api')]).toEqual(['absent', 'live']);
  });

  it('keeps the last good entities of a file that no longer parses, and reports its error', async () => {
    await write({ 'catalog/catalog-info.yaml': `${component('ledger')}---\n${component('ledger-worker')}` });
    await importPaths(at('catalog'));
    await write({ 'catalog/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: [' });

    const { counts, errors } = await importPaths(at('catalog'));

    expect(counts).toMatchObject({ orphaned: 0, failed: 1 });
    expect(errors[0]?.location).toBe(`file:${at('catalog/catalog-info.yaml')}`);
    expect([await state('ledger'), await state('ledger-worker')]).toEqual(['live', 'live']);
  });

  it('orphans the entities of a Location target that was removed from the root file', async () => {
    await write({
      'catalog-info.yaml':
        'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets: [./teams/ledger.yaml, ./teams/payments.yaml]\n',
      'teams/ledger.yaml': component('ledger'),
      'teams/payments.yaml': component('payments-api'),
    });
    await importPaths(at('catalog-info.yaml'));
    await write({
      'catalog-info.yaml':
        'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets: [./teams/payments.yaml]\n',
    });

    expect((await importPaths(at('catalog-info.yaml'))).counts).toMatchObject({ updated: 1, orphaned: 1 });
    expect([await state('ledger'), await state('payments-api')]).toEqual(['orphan', 'live']);
  });
});

describe('importing several roots', () => {
  it('orphans nothing of another root', async () => {
    await write({ 'one/catalog-info.yaml': component('ledger'), 'two/catalog-info.yaml': component('payments-api') });
    await importPaths(at('one'));

    expect((await importPaths(at('two'))).counts).toMatchObject({ created: 1, orphaned: 0 });
    expect(await state('ledger')).toBe('live');
  });

  it('reads a file under two roots once, in the first root that reads it', async () => {
    await write({ 'catalog/payments/catalog-info.yaml': component('payments-api') });

    const { counts, errors } = await importPaths(at('catalog'), at('catalog/payments'));

    expect(errors).toEqual([]);
    expect(counts).toMatchObject({ created: 1, failed: 0 });
    // The inner root read alone later holds it, and the outer root no longer sees it as missing.
    expect((await importPaths(at('catalog'))).counts).toMatchObject({ unchanged: 1, orphaned: 0 });
  });

  it('refuses a second definition of a ref in another root, at the later file', async () => {
    await write({
      'one/catalog-info.yaml': component('ledger'),
      'two/catalog-info.yaml': component('ledger', 'finance'),
    });

    const { counts, errors } = await importPaths(at('one'), at('two'));

    expect(counts).toMatchObject({ created: 1, failed: 1 });
    expect(errors).toEqual([
      {
        location: `file:${at('two/catalog-info.yaml')}`,
        line: 1,
        field: 'metadata.name',
        entityRef: 'component:default/ledger',
        message:
          'component:default/ledger is already defined in ../one/catalog-info.yaml:1; each entity may be defined once.',
      },
    ]);
  });

  it('keeps the first definition when another root imported later defines the same ref, and says where it is', async () => {
    await write({
      'one/catalog-info.yaml': component('ledger'),
      'two/catalog-info.yaml': component('ledger', 'finance'),
    });
    await importPaths(at('one'));

    const { counts, errors } = await importPaths(at('two'));

    expect(counts).toMatchObject({ created: 0, updated: 0, failed: 1 });
    expect(errors).toEqual([
      expect.objectContaining({
        location: `file:${at('two/catalog-info.yaml')}`,
        entityRef: 'component:default/ledger',
        message:
          'component:default/ledger is already defined in ../one/catalog-info.yaml; each entity may be defined once.',
      }),
    ]);
    expect((await store.getEntity({ ref: 'component:default/ledger' }))?.envelope.spec?.owner).toBe('payments');
    expect((await importPaths(at('one'))).counts).toMatchObject({ unchanged: 1, failed: 0 });
    // The folder holding both answers for both roots: its first file read (one/) keeps the entity.
    expect((await importPaths(scratch)).counts).toMatchObject({ failed: 1, orphaned: 0 });
  });

  it('refreshes part of a folder imported before when one of its subfolders is imported', async () => {
    await write({
      'catalog/payments/catalog-info.yaml': component('payments-api'),
      'catalog/ledger/catalog-info.yaml': component('ledger'),
    });
    await importPaths(at('catalog'));

    // Nothing moves: the subfolder's entities stay in the folder's scope.
    expect((await importPaths(at('catalog/payments'))).counts).toMatchObject({ unchanged: 1, updated: 0 });
    await rm(at('catalog/payments/catalog-info.yaml'));
    await write({ 'catalog/payments/worker.yaml': component('payments-worker') });
    expect((await importPaths(at('catalog/payments'))).counts).toMatchObject({ created: 1, orphaned: 1 });
    expect([await state('payments-api'), await state('ledger')]).toEqual(['orphan', 'live']);

    // The folder, imported again, finds everything where the subfolder's import left it.
    expect((await importPaths(at('catalog'))).counts).toMatchObject({ unchanged: 2, updated: 0, orphaned: 0 });
    await rm(at('catalog/payments/worker.yaml'));
    expect((await importPaths(at('catalog'))).counts).toMatchObject({ orphaned: 1 });
    expect(await state('payments-worker')).toBe('orphan');
  });

  it('orphans, from a folder, what a subfolder imported on its own before held and no longer does', async () => {
    await write({ 'catalog/payments/catalog-info.yaml': component('payments-api') });
    await importPaths(at('catalog/payments'));
    await write({ 'catalog/ledger/catalog-info.yaml': component('ledger') });
    await rm(at('catalog/payments/catalog-info.yaml'));

    expect((await importPaths(at('catalog'))).counts).toMatchObject({ created: 1, orphaned: 1 });
    expect(await state('payments-api')).toBe('orphan');
  });

  it('leaves the entities of a root that no longer exists as they were', async () => {
    await write({ 'catalog/catalog-info.yaml': component('ledger') });
    await importPaths(at('catalog'));
    await rm(at('catalog'), { recursive: true });

    const { counts, errors } = await importPaths(at('catalog'));

    expect(counts.orphaned).toBe(0);
    expect(errors[0]?.message).toContain('Nothing exists at this path');
    expect(await state('ledger')).toBe('live');
  });
});

describe("a root's own errors", () => {
  it('keeps only the last import’s error for a root, and none once it imports cleanly', async () => {
    await mkdir(at('solo'));
    for (let i = 0; i < 3; i++) await importPaths(at('solo'));
    expect((await store.listIngestErrors()).map((error) => error.message)).toEqual([
      `This folder holds no descriptors; expected a catalog-info.yaml, or .yaml files whose documents have an apiVersion such as backstage.io/v1alpha1 (other YAML, such as CI workflows, is not read).`,
    ]);

    await write({ 'solo/catalog-info.yaml': component('solo') });
    expect((await importPaths(at('solo'))).counts).toMatchObject({ created: 1 });
    expect(await store.listIngestErrors()).toEqual([]);
  });

  it('records a missing root once however often it is imported', async () => {
    await importPaths(at('nosuchpath'));
    await importPaths(at('nosuchpath'));
    const errors = await store.listIngestErrors();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('Nothing exists at this path');
  });
});
