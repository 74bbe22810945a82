import { sql } from 'drizzle-orm';
import type { Delivery, DigestDeliveries, DigestRun } from '../core/ports/digest-deliveries.ts';
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
  resumed?: boolean;
};

type RunRow = { period: string; skipped: string[]; planned_at: Date | string; finished_at: Date | string | null };

const ms = (value: number) => sql`now() + ${value}::double precision * interval '1 millisecond'`;

/**
 * `DigestDeliveries` on `digest_deliveries` and `digest_runs`. Times are the database's clock, so replicas need not
 * agree on theirs. A claim is one statement (`FOR UPDATE SKIP LOCKED` picks a row no other claim is taking), and every
 * mark after it names the holder, so a holder whose claim ran out and was taken over cannot overwrite the new one.
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
    const team = opts.teamRef ? sql`and team_ref = ${opts.teamRef}` : sql``;
    const result = await this.#db.execute<DeliveryRow>(sql`
      with next as (
        select id, status = 'sending' as resumed from digest_deliveries
        where period = ${opts.period} ${team}
          and ((status = 'pending' and not_before <= now()) or (status = 'sending' and claimed_until <= now()))
        order by id
        limit 1
        for update skip locked
      )
      update digest_deliveries d
      set status = 'sending', claimed_by = ${opts.holder}, claimed_until = ${ms(opts.leaseMs)}
      from next where d.id = next.id
      returning d.*, next.resumed`);
    return result.rows[0] && toDelivery(result.rows[0]);
  }

  async renew(opts: { id: number; holder: string; leaseMs: number }): Promise<boolean> {
    const result = await this.#db.execute<{ id: number }>(sql`
      update digest_deliveries set claimed_until = ${ms(opts.leaseMs)}
      where id = ${opts.id} and claimed_by = ${opts.holder} and status = 'sending' returning id`);
    return result.rows.length === 1;
  }

  async markPosted(opts: { id: number; holder: string; ts: string }): Promise<void> {
    await this.#db.execute(sql`
      update digest_deliveries
      set status = 'posted', message_ts = ${opts.ts}, posted_at = now(), claimed_until = null,
        attempts = attempts + 1, last_error = null
      where id = ${opts.id} and claimed_by = ${opts.holder} and status = 'sending'`);
  }

  async markRetry(opts: { id: number; holder: string; error: string; backoffMs: number }): Promise<void> {
    await this.#db.execute(sql`
      update digest_deliveries
      set status = 'pending', attempts = attempts + 1, last_error = ${opts.error},
        not_before = ${ms(opts.backoffMs)}, claimed_until = null
      where id = ${opts.id} and claimed_by = ${opts.holder} and status = 'sending'`);
  }

  async markFailed(opts: { id: number; holder: string; error: string }): Promise<void> {
    await this.#db.execute(sql`
      update digest_deliveries
      set status = 'failed', attempts = attempts + 1, last_error = ${opts.error}, claimed_until = null
      where id = ${opts.id} and claimed_by = ${opts.holder} and status = 'sending'`);
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
