/**
 * Durable jobs on Postgres rows: the one claim mechanism template requests (`template_requests`) and digest deliveries
 * (`digest_deliveries`) share. A row is work; a replica claims the next ready row with `FOR UPDATE SKIP LOCKED` (two
 * claims never take the same row, and neither waits for the other), holds it under a lease that it renews while it
 * works (a heartbeat), and settles it with an update that names the holder, so a replica whose lease ran out and was
 * taken over cannot overwrite the new holder's work. A row whose lease ran out (its replica died) is claimable again
 * and comes back marked `resumed`, for the work to check what the dead replica may already have done.
 *
 * Times are the database's clock (`now()`), so replicas need not agree on theirs.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Db, Tx } from './drizzle-db.ts';

/** How a table records its claims. Column and table names are identifiers written here, never input. */
export interface ClaimTable {
  table: string;
  /** The primary key column. */
  id: string;
  /** The state column and the value it holds while a row is claimed (`running`, `sending`). */
  state: { column: string; claimed: string };
  /** The column naming the replica holding the claim. */
  holder: string;
  /**
   * How the lease is kept: `until`, a column holding when it runs out (renewed to `now() + leaseMs`); `heartbeat`, a
   * column holding the last heartbeat (renewed to `now()`), the lease running out `leaseMs` after it.
   */
  lease: { kind: 'until' | 'heartbeat'; column: string };
}

const ident = (name: string) => sql.identifier(name);
const millis = (ms: number) => sql`${ms}::double precision * interval '1 millisecond'`;

/** True of a claimed row whose lease has run out (`leaseMs`: the heartbeat kind's length of a lease). */
function leaseOver(table: ClaimTable, leaseMs: number): SQL {
  const column = ident(table.lease.column);
  return table.lease.kind === 'until'
    ? sql`${column} <= now()`
    : sql`(${column} is null or ${column} < now() - ${millis(leaseMs)})`;
}

/** The lease column's value for a claim or a renewal now. */
function leaseFrom(table: ClaimTable, leaseMs: number): SQL {
  return table.lease.kind === 'until' ? sql`now() + ${millis(leaseMs)}` : sql`now()`;
}

/**
 * Claims the first row (by `order`) that is `ready` or claimed under a lease that has run out, within `scope`; sets the
 * claimed state, the holder and a fresh lease (and `set`, more columns), in one statement. Returns the row as it is
 * after the claim, with `resumed` true when its previous holder's lease ran out; undefined when nothing is claimable.
 *
 * - `leaseMs`: how long the lease lasts (`until`), or how long after its last heartbeat a claim is taken over
 *   (`heartbeat`; 0 takes over every claim, as a replica starting after a crash does).
 * - `ownExpired`: whether the holder may take back its own claim whose lease ran out (a digest replica that was paused
 *   past its lease); a request runner never does, as it is still running it.
 */
export async function claimNext<Row extends Record<string, unknown>>(
  db: Db | Tx,
  table: ClaimTable,
  opts: {
    holder: string;
    leaseMs: number;
    ready: SQL;
    order: SQL;
    scope?: SQL;
    set?: SQL;
    ownExpired?: boolean;
  },
): Promise<(Row & { resumed: boolean }) | undefined> {
  const state = ident(table.state.column);
  const holder = ident(table.holder);
  const others = opts.ownExpired ? sql`` : sql`and ${holder} is distinct from ${opts.holder}`;
  const result = await db.execute<Row & { resumed: boolean }>(sql`
    with next as (
      select ${ident(table.id)} as claim_id, ${state} = ${table.state.claimed} as resumed from ${ident(table.table)}
      where ${opts.scope ? sql`${opts.scope} and ` : sql``}(
        (${opts.ready})
        or (${state} = ${table.state.claimed} and ${leaseOver(table, opts.leaseMs)} ${others})
      )
      order by ${opts.order}
      limit 1
      for update skip locked
    )
    update ${ident(table.table)} t
    set ${state} = ${table.state.claimed}, ${holder} = ${opts.holder},
      ${ident(table.lease.column)} = ${leaseFrom(table, opts.leaseMs)}${opts.set ? sql`, ${opts.set}` : sql``}
    from next where t.${ident(table.id)} = next.claim_id
    returning t.*, next.resumed`);
  return result.rows[0];
}

/**
 * Renews the lease of a row `holder` has claimed (a heartbeat). False when the claim is no longer theirs: it ran out
 * and was taken over, or the row was settled; the holder should then stop working on it.
 */
export async function renewClaim(
  db: Db | Tx,
  table: ClaimTable,
  opts: { where: SQL; holder: string; leaseMs?: number },
): Promise<boolean> {
  const result = await db.execute(sql`
    update ${ident(table.table)} set ${ident(table.lease.column)} = ${leaseFrom(table, opts.leaseMs ?? 0)}
    where ${opts.where} and ${heldBy(table, opts.holder)}
    returning 1 as held`);
  return result.rows.length === 1;
}

/**
 * Settles a row `holder` has claimed: sets `set` (its next state: done, failed, back to ready) and clears the lease.
 * Nothing happens when the claim is no longer theirs. Returns whether it was settled.
 */
export async function settleClaim(
  db: Db | Tx,
  table: ClaimTable,
  opts: { where: SQL; holder: string; set: SQL },
): Promise<boolean> {
  const result = await db.execute(sql`
    update ${ident(table.table)} set ${opts.set}, ${ident(table.lease.column)} = null
    where ${opts.where} and ${heldBy(table, opts.holder)}
    returning 1 as settled`);
  return result.rows.length === 1;
}

/** True of a row claimed now by `holder`. */
function heldBy(table: ClaimTable, holder: string): SQL {
  return sql`${ident(table.holder)} = ${holder} and ${ident(table.state.column)} = ${table.state.claimed}`;
}
