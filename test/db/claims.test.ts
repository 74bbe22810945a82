import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ClaimTable, claimNext, renewClaim, settleClaim } from '../../src/db/claims.ts';
import type { Database } from '../../src/db/client.ts';
import { openTestDatabase } from '../helpers/database.ts';

/** A work table of the shape the claim module serves: a state, a holder and a lease column of each kind. */
const UNTIL: ClaimTable = {
  table: 'claim_test_jobs',
  id: 'id',
  state: { column: 'state', claimed: 'working' },
  holder: 'claimed_by',
  lease: { kind: 'until', column: 'claimed_until' },
};
const HEARTBEAT: ClaimTable = { ...UNTIL, lease: { kind: 'heartbeat', column: 'heartbeat_at' } };

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
  await database.db.execute(sql`create table claim_test_jobs (
    id int primary key, state text not null, claimed_by text, claimed_until timestamptz, heartbeat_at timestamptz,
    result text)`);
});
afterAll(() => database.close());
beforeEach(async () => {
  await database.db.execute(sql`delete from claim_test_jobs`);
  await database.db.execute(sql`insert into claim_test_jobs (id, state) values (1, 'ready'), (2, 'ready')`);
});

const claim = (table: ClaimTable, holder: string, leaseMs = 60_000, ownExpired = false) =>
  claimNext<{ id: number; claimed_by: string }>(database.db, table, {
    holder,
    leaseMs,
    ready: sql`state = 'ready'`,
    order: sql`id`,
    ownExpired,
  });
const settle = (table: ClaimTable, holder: string, id: number) =>
  settleClaim(database.db, table, { where: sql`id = ${id}`, holder, set: sql`state = 'done', result = ${holder}` });
const leaseRunsOut = (id: number) =>
  database.db.execute(sql`update claim_test_jobs
    set claimed_until = now() - interval '1 second', heartbeat_at = now() - interval '1 hour' where id = ${id}`);

describe('the durable job claim (template requests and digest deliveries)', () => {
  it('gives two replicas claiming at once different jobs, and a third none while both hold theirs', async () => {
    const [a, b] = await Promise.all([claim(UNTIL, 'replica-a'), claim(UNTIL, 'replica-b')]);
    expect(new Set([a?.id, b?.id])).toEqual(new Set([1, 2]));
    expect(a?.resumed).toBe(false);
    expect(await claim(UNTIL, 'replica-c')).toBeUndefined();
  });

  it('hands a job whose lease ran out to another replica, marked resumed; the first can then neither renew nor settle it', async () => {
    const first = await claim(UNTIL, 'replica-a');
    expect(first?.id).toBe(1);
    await leaseRunsOut(1);
    const taken = await claim(UNTIL, 'replica-b');
    expect(taken).toMatchObject({ id: 1, claimed_by: 'replica-b', resumed: true });
    expect(await renewClaim(database.db, UNTIL, { where: sql`id = 1`, holder: 'replica-a', leaseMs: 60_000 })).toBe(
      false,
    );
    expect(await settle(UNTIL, 'replica-a', 1)).toBe(false);
    expect(await settle(UNTIL, 'replica-b', 1)).toBe(true);
    const rows = await database.db.execute<{ state: string; result: string; claimed_until: string | null }>(
      sql`select state, result, claimed_until from claim_test_jobs where id = 1`,
    );
    expect(rows.rows[0]).toEqual({ state: 'done', result: 'replica-b', claimed_until: null });
  });

  it('takes over a claim whose heartbeat is stale, but never a replica its own while it still runs it', async () => {
    const first = await claim(HEARTBEAT, 'replica-a');
    await leaseRunsOut(first?.id ?? 0);
    // The holder itself moves on to the next job rather than take back the one it is still running.
    expect((await claim(HEARTBEAT, 'replica-a', 30_000))?.id).toBe(2);
    expect(await claim(HEARTBEAT, 'replica-a', 30_000)).toBeUndefined();
    expect(await claim(HEARTBEAT, 'replica-b', 30_000)).toMatchObject({ id: 1, resumed: true });
    // A heartbeat keeps a claim: a fresh one is not taken over.
    expect(await renewClaim(database.db, HEARTBEAT, { where: sql`id = 2`, holder: 'replica-a' })).toBe(true);
    expect(await claim(HEARTBEAT, 'replica-c', 30_000)).toBeUndefined();
  });
});
