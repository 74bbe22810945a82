import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { DrizzleSyncStateStore } from '../../src/db/DrizzleSyncStateStore.ts';
import { openTestDatabase } from '../helpers/database.ts';

let database: Database;
let state: DrizzleSyncStateStore;

beforeAll(async () => {
  database = await openTestDatabase();
  state = new DrizzleSyncStateStore({ db: database.db });
});

afterAll(async () => {
  await database?.close();
});

describe('DrizzleSyncStateStore', () => {
  it('finds one repository by its name in any case, and nothing for one never synced', async () => {
    const saved = {
      fullName: 'Acme/Payments-API',
      defaultBranch: 'main',
      pushedAt: '2026-11-21T09:00:00Z',
      descriptorPaths: ['catalog-info.yaml', 'services/api.yaml'],
    };
    await state.saveRepositories({ states: [saved] });

    expect(await state.getRepository({ fullName: 'acme/payments-api' })).toEqual(saved);
    expect(await state.getRepository({ fullName: 'acme/ledger' })).toBeUndefined();
  });
});
