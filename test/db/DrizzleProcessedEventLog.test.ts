import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { DrizzleProcessedEventLog } from '../../src/db/DrizzleProcessedEventLog.ts';
import { openTestDatabase } from '../helpers/database.ts';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

describe('DrizzleProcessedEventLog', () => {
  it('grants the first claim of an event and refuses the rest, even from another replica', async () => {
    const replicaA = new DrizzleProcessedEventLog({ db: database.db });
    const replicaB = new DrizzleProcessedEventLog({ db: database.db });

    expect(await replicaA.claim({ source: 'slack', eventId: 'Ev1' })).toBe(true);
    expect(await replicaB.claim({ source: 'slack', eventId: 'Ev1' })).toBe(false);
    expect(await replicaB.claim({ source: 'teams', eventId: 'Ev1' })).toBe(true);
  });

  it('grants exactly one of several concurrent claims', async () => {
    const log = new DrizzleProcessedEventLog({ db: database.db });
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => log.claim({ source: 'slack', eventId: 'EvRace' })),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('forgets claims older than the cut-off, so their ids could be claimed again', async () => {
    const log = new DrizzleProcessedEventLog({ db: database.db });
    await log.claim({ source: 'slack', eventId: 'EvOld' });

    expect(await log.prune({ before: new Date(Date.now() - 60_000) })).toBe(0);
    expect(await log.prune({ before: new Date(Date.now() + 60_000) })).toBeGreaterThanOrEqual(1);
    expect(await log.claim({ source: 'slack', eventId: 'EvOld' })).toBe(true);
  });
});
