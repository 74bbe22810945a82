import { sql } from 'drizzle-orm';
import type { Delivery, DigestDeliveries, DigestRun } from '../core/ports/digest-deliveries.ts';
import { type ClaimTable, claimNext, renewClaim, settleClaim } from './claims.ts';
import type { Db } from './drizzle-db.ts';

type DeliveryRow = {
  id: number;
  team_ref: string;
  channel: string;
  period: string;
  status: Delivery['status'];
  attempts: number;
  last_error: string | null;
  message_ts: string | null;
  claimed_by: string | null;
  claimed_until: Date | string | null;
  resumed?: boolean;
};

type RunRow = { period: string; skipped: string[]; planned_at: Date | string; finished_at: Date | string | null };

const ms = (value: number) => sql`now() + ${value}::double precision * interval '1 millisecond'`;

/** The holder written on a failed delivery made due again: nobody holds it; its lease has run out. */
const RETRY_HOLDER = 'retry-after-failure';

/** A delivery is a durable job (`claims.ts`): `sending` while claimed, under a lease that runs out at `claimed_until`. */
const DELIVERIES: ClaimTable = {
  table: 'digest_deliveries',
  id: 'id',
  state: { column: 'status', claimed: 'sending' },
  holder: 'claimed_by',
  lease: { kind: 'until', column: 'claimed_until' },
};

/**
 * `DigestDeliveries` on `digest_deliveries` and `digest_runs`, each delivery a durable job of the claim mechanism
 * template requests use too (`claims.ts`): claimed with `FOR UPDATE SKIP LOCKED` under a lease, and every mark after
 * the claim names the holder, so a holder whose claim ran out and was taken over cannot overwrite the new one. Times
 * are the database's clock, so replicas need not agree on theirs.
 */
export class DrizzleDigestDeliveries implements DigestDeliveries {
  readonly #db: Db;

  constructor(opts: { db: Db }) {
    this.#db = opts.db;
  }

  async findRun(opts: { period: string }): Promise<DigestRun | undefined> {
    const result = await this.#db.execute<RunRow>(sql`select * from digest_runs where period = ${opts.period}`);
    return result.rows[0] && toRun(result.rows[0]);
  }

  async latestRun(): Promise<DigestRun | undefined> {
    const result = await this.#db.execute<RunRow>(sql`select * from digest_runs order by planned_at desc limit 1`);
    return result.rows[0] && toRun(result.rows[0]);
  }

  async plan(opts: {
    period: string;
    targets: readonly { teamRef: string; channel: string }[];
    skipped: readonly string[];
  }): Promise<void> {
    const targets = JSON.stringify(opts.targets.map((target) => ({ t: target.teamRef, c: target.channel })));
    // One statement: the run row and its deliveries are written together or not at all.
    await this.#db.execute(sql`
      with run as (
        insert into digest_runs (period, skipped) values (${opts.period}, ${sql.param([...opts.skipped])}::text[])
        on conflict (period) do nothing
        returning period
      )
      insert into digest_deliveries (team_ref, channel, period)
      select x.t, x.c, run.period from run, jsonb_to_recordset(${targets}::jsonb) as x(t text, c text)
      on conflict (team_ref, channel, period) do nothing`);
  }

  async claimNext(opts: {
    period: string;
    holder: string;
    leaseMs: number;
    teamRef?: string;
  }): Promise<Delivery | undefined> {
    const row = await claimNext<DeliveryRow>(this.#db, DELIVERIES, {
      holder: opts.holder,
      leaseMs: opts.leaseMs,
      scope: opts.teamRef ? sql`period = ${opts.period} and team_ref = ${opts.teamRef}` : sql`period = ${opts.period}`,
      ready: sql`status = 'pending' and not_before <= now()`,
      order: sql`id`,
      ownExpired: true,
    });
    return row && toDelivery(row);
  }

  renew(opts: { id: number; holder: string; leaseMs: number }): Promise<boolean> {
    return renewClaim(this.#db, DELIVERIES, {
      where: sql`id = ${opts.id}`,
      holder: opts.holder,
      leaseMs: opts.leaseMs,
    });
  }

  async markPosted(opts: { id: number; holder: string; ts: string }): Promise<void> {
    await settleClaim(this.#db, DELIVERIES, {
      where: sql`id = ${opts.id}`,
      holder: opts.holder,
      set: sql`status = 'posted', message_ts = ${opts.ts}, posted_at = now(), attempts = attempts + 1, last_error = null`,
    });
  }

  async markRetry(opts: { id: number; holder: string; error: string; backoffMs: number }): Promise<void> {
    await settleClaim(this.#db, DELIVERIES, {
      where: sql`id = ${opts.id}`,
      holder: opts.holder,
      set: sql`status = 'pending', attempts = attempts + 1, last_error = ${opts.error}, not_before = ${ms(opts.backoffMs)}`,
    });
  }

  async markFailed(opts: { id: number; holder: string; error: string }): Promise<void> {
    await settleClaim(this.#db, DELIVERIES, {
      where: sql`id = ${opts.id}`,
      holder: opts.holder,
      set: sql`status = 'failed', attempts = attempts + 1, last_error = ${opts.error}`,
    });
  }

  async retryFailed(opts: { period: string; teamRef?: string }): Promise<number> {
    const team = opts.teamRef ? sql`and team_ref = ${opts.teamRef}` : sql``;
    // Claimed under a lease that has already run out: the next claim takes it over as resumed (checked, then posted).
    const result = await this.#db.execute(sql`
      update digest_deliveries
      set status = 'sending', claimed_by = ${RETRY_HOLDER}, claimed_until = now(), not_before = now(), attempts = 0
      where period = ${opts.period} ${team} and status = 'failed'
      returning id`);
    return result.rows.length;
  }

  async nextDue(opts: { period: string; teamRef?: string }): Promise<number | undefined> {
    const team = opts.teamRef ? sql`and team_ref = ${opts.teamRef}` : sql``;
    const result = await this.#db.execute<{ due: number | string | null }>(sql`
      select extract(epoch from min(case when status = 'pending' then not_before else claimed_until end) - now())
        * 1000 as due
      from digest_deliveries where period = ${opts.period} ${team} and status in ('pending', 'sending')`);
    const due = result.rows[0]?.due;
    return due === null || due === undefined ? undefined : Number(due);
  }

  async finish(opts: { period: string }): Promise<void> {
    await this.#db.execute(sql`
      update digest_runs set finished_at = now()
      where period = ${opts.period} and finished_at is null
        and not exists (select 1 from digest_deliveries
          where period = ${opts.period} and status in ('pending', 'sending'))`);
  }

  async list(opts: { period: string }): Promise<Delivery[]> {
    const result = await this.#db.execute<DeliveryRow>(
      sql`select * from digest_deliveries where period = ${opts.period} order by team_ref, channel`,
    );
    return result.rows.map(toDelivery);
  }
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    teamRef: row.team_ref,
    channel: row.channel,
    period: row.period,
    status: row.status,
    attempts: row.attempts,
    ...(row.last_error ? { lastError: row.last_error } : {}),
    ...(row.message_ts ? { messageTs: row.message_ts } : {}),
    ...(row.resumed ? { resumed: true } : {}),
    ...(row.status === 'sending' && row.claimed_by ? { claimedBy: row.claimed_by } : {}),
    ...(row.status === 'sending' && row.claimed_until ? { claimedUntil: new Date(row.claimed_until) } : {}),
  };
}

function toRun(row: RunRow): DigestRun {
  return {
    period: row.period,
    skipped: row.skipped,
    plannedAt: new Date(row.planned_at),
    ...(row.finished_at ? { finishedAt: new Date(row.finished_at) } : {}),
  };
}
