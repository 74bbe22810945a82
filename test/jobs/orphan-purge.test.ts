import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processDocument } from '../../src/core/catalog/descriptor.ts';
import type { ProcessedEntity } from '../../src/core/catalog/types.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { createOrphanPurgeJob } from '../../src/jobs/orphan-purge.ts';
import type { Logger } from '../../src/logger.ts';
import { openTestDatabase } from '../helpers/database.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const DAY = 86_400_000;

let database: Database;
let store: DrizzleCatalogStore;

beforeAll(async () => {
  database = await openTestDatabase();
  store = new DrizzleCatalogStore({ db: database.db });
});

afterAll(async () => {
  await database?.close();
});

function component(name: string): ProcessedEntity {
  const location = `url:https://github.com/acme/${name}/blob/main/catalog-info.yaml`;
  const result = processDocument({
    document: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name },
      spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
    },
    position: { location, line: 1 },
  });
  if (!result.ok) throw new Error(`fixture ${name} is invalid`);
  return result.entity;
}

describe('createOrphanPurgeJob', () => {
  it('deletes orphans older than the grace period and keeps younger orphans and live entities', async () => {
    const [old, young, live] = [component('old-service'), component('young-service'), component('live-service')];
    const scope = 'github:acme/monorepo';
    await store.importEntities({
      entities: [old, young, live],
      errors: [],
      locations: [],
      scopes: [{ scope, refs: [old.ref, young.ref, live.ref] }],
    });
    // The repository no longer holds two of them: they become orphans now.
    await store.importEntities({ entities: [live], errors: [], locations: [], scopes: [{ scope, refs: [live.ref] }] });
    await database.db.execute(sql`update entities set orphaned_at = now() - interval '8 days' where ref = ${old.ref}`);

    const now = new Date();
    await createOrphanPurgeJob({ store, graceMs: 7 * DAY, clock: () => now, logger: quiet })();

    expect(await store.getEntity({ ref: old.ref })).toBeUndefined();
    expect(await store.getEntity({ ref: young.ref })).toMatchObject({ orphan: true });
    expect(await store.getEntity({ ref: live.ref })).toMatchObject({ orphan: false });
  });
});
