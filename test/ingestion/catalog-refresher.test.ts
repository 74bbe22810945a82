import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityRecord } from '../../src/core/catalog/records.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { createCatalogRefresher } from '../../src/ingestion/catalog-refresher.ts';
import { importCatalog } from '../../src/ingestion/import-catalog.ts';
import { openTestDatabase } from '../helpers/database.ts';

let database: Database;
let store: DrizzleCatalogStore;
let scratch: string;

beforeAll(async () => {
  database = await openTestDatabase();
  store = new DrizzleCatalogStore({ db: database.db });
  scratch = await realpath(await mkdtemp(path.join(tmpdir(), 'wayfinder-refresh-root-')));
});
afterAll(async () => {
  await database?.close();
  await rm(scratch, { recursive: true, force: true });
});

const component = (name: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: payments\n`;

async function write(name: string, text: string): Promise<string> {
  const file = path.join(scratch, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

async function entity(name: string): Promise<EntityRecord> {
  const found = await store.getEntity({ ref: `component:default/${name}` });
  if (!found) throw new Error(`${name} is not in the catalog`);
  return found;
}

describe('refreshing an entity imported by hand', () => {
  it('imports its whole root again: an entity gone from the root becomes an orphan, another root is untouched', async () => {
    await write('payments/api.yaml', component('payments-api'));
    const worker = await write('payments/worker.yaml', component('payments-worker'));
    await write('ledger/catalog-info.yaml', component('ledger'));
    await importCatalog({ paths: [path.join(scratch, 'payments')], store });
    await importCatalog({ paths: [path.join(scratch, 'ledger')], store });
    await rm(worker);

    const outcome = await createCatalogRefresher({ store }).refresh({ entity: await entity('payments-api') });

    expect(outcome).toEqual({
      status: 'refreshed',
      source: path.join(scratch, 'payments'),
      counts: { created: 0, updated: 0, unchanged: 1, orphaned: 1, failed: 0 },
      errors: [],
    });
    expect((await entity('payments-worker')).orphan).toBe(true);
    expect((await entity('ledger')).orphan).toBe(false);
  });

  it('says the root is gone and changes nothing when it was deleted', async () => {
    await write('billing/catalog-info.yaml', component('billing'));
    await importCatalog({ paths: [path.join(scratch, 'billing')], store });
    await rm(path.join(scratch, 'billing'), { recursive: true });

    const outcome = await createCatalogRefresher({ store }).refresh({ entity: await entity('billing') });

    expect(outcome).toMatchObject({ status: 'unavailable', source: path.join(scratch, 'billing') });
    expect((await entity('billing')).orphan).toBe(false);
  });

  it('ends by purging the orphans older than the grace period, as the served schedule would', async () => {
    await write('shop/api.yaml', component('shop-api'));
    const cart = await write('shop/cart.yaml', component('shop-cart'));
    await importCatalog({ paths: [path.join(scratch, 'shop')], store });
    await rm(cart);
    await importCatalog({ paths: [path.join(scratch, 'shop')], store });
    expect((await entity('shop-cart')).orphan).toBe(true);
    const hour = 60 * 60 * 1000;

    const early = createCatalogRefresher({ store, orphanGraceMs: hour, clock: () => new Date() });
    expect(await early.refresh({ entity: await entity('shop-api') })).not.toHaveProperty('purged');
    expect((await entity('shop-cart')).orphan).toBe(true);

    const later = createCatalogRefresher({ store, orphanGraceMs: hour, clock: () => new Date(Date.now() + 2 * hour) });
    // Every orphan past the grace goes (this file's earlier tests left one too), not only the refreshed root's.
    const outcome = await later.refresh({ entity: await entity('shop-api') });
    expect(outcome).toMatchObject({ status: 'refreshed', purged: expect.any(Number) });
    expect(await store.getEntity({ ref: 'component:default/shop-cart' })).toBeUndefined();
  });
});
