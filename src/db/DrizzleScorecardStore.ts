import { sql } from 'drizzle-orm';
import type { EntityRef } from '../core/catalog/types.ts';
import type { CollectedFact, EntityFactsRow, ScorecardStore, TeamChannel } from '../core/ports/scorecard-store.ts';
import type { OutcomeCode, StoredResult } from '../core/scorecards/results.ts';
import type { Db } from './drizzle-db.ts';
import { readScorecardFacts } from './queries/scorecard-facts.ts';
import { textArray } from './sql-fragments.ts';

/** Rows per insert statement: one JSON parameter each, well under Postgres' limits and PGlite's memory. */
const CHUNK = 10_000;

type HistoryRow = {
  entity_ref: string;
  namespace: string;
  name: string;
  owner_ref: string | null;
  scorecard_id: string;
  level: number;
  score: number;
  outcomes: Record<string, OutcomeCode>;
};

/** `ScorecardStore` on `scorecard_results`, `entity_facts` and the catalog's tables. */
export class DrizzleScorecardStore implements ScorecardStore {
  readonly #db: Db;

  constructor(opts: { db: Db }) {
    this.#db = opts.db;
  }

  readFacts(opts: Parameters<ScorecardStore['readFacts']>[0]): Promise<EntityFactsRow[]> {
    return readScorecardFacts(this.#db, opts);
  }

  async saveResults(opts: {
    period: string;
    results: readonly StoredResult[];
    replaceScorecards?: readonly string[];
  }): Promise<void> {
    await this.#db.transaction(async (tx) => {
      if (opts.replaceScorecards && opts.replaceScorecards.length > 0) {
        await tx.execute(sql`delete from scorecard_results
          where period = ${opts.period} and scorecard_id = any(${textArray(opts.replaceScorecards)})`);
      }
      for (let start = 0; start < opts.results.length; start += CHUNK) {
        const rows = opts.results.slice(start, start + CHUNK).map((result) => ({
          s: result.scorecardId,
          e: result.entityRef,
          l: result.level,
          c: result.score,
          o: result.outcomes,
        }));
        await tx.execute(sql`
          insert into scorecard_results (period, scorecard_id, entity_ref, level, score, outcomes)
          select ${opts.period}, x.s, x.e, x.l, x.c, x.o
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(s text, e text, l int, c real, o jsonb)
          on conflict (period, scorecard_id, entity_ref) do update
          set level = excluded.level, score = excluded.score, outcomes = excluded.outcomes, evaluated_at = now()`);
      }
    });
  }

  async history(opts: {
    period: string;
    ownerRefs?: readonly EntityRef[];
    refs?: readonly EntityRef[];
  }): Promise<StoredResult[]> {
    const owners = opts.ownerRefs ? sql`and o.owner_ref = any(${textArray(opts.ownerRefs)})` : sql``;
    const refs = opts.refs ? sql`and r.entity_ref = any(${textArray(opts.refs)})` : sql``;
    const result = await this.#db.execute<HistoryRow>(sql`
      select r.entity_ref, e.namespace, e.name, o.owner_ref, r.scorecard_id, r.level, r.score, r.outcomes
      from scorecard_results r
      join entities e on e.ref = r.entity_ref
      left join entity_owners o on o.ref = r.entity_ref
      where r.period = ${opts.period} ${owners} ${refs}
      order by r.scorecard_id, r.entity_ref`);
    return result.rows.map((row) => ({
      entityRef: row.entity_ref,
      entityName: row.namespace === 'default' ? row.name : `${row.namespace}/${row.name}`,
      ownerRef: row.owner_ref,
      scorecardId: row.scorecard_id,
      level: row.level,
      score: Number(row.score),
      outcomes: row.outcomes,
    }));
  }

  async hasResults(opts: { period: string }): Promise<boolean> {
    const result = await this.#db.execute(
      sql`select 1 as found from scorecard_results where period = ${opts.period} limit 1`,
    );
    return result.rows.length > 0;
  }

  /**
   * Walks the primary key's leading column from the newest week down, one index probe a week, instead of reading
   * every stored result for a `distinct`.
   */
  async periods(): Promise<string[]> {
    const result = await this.#db.execute<{ period: string }>(sql`
      with recursive weeks(period) as (
        (select period from scorecard_results order by period desc limit 1)
        union all
        select (select r.period from scorecard_results r where r.period < w.period order by r.period desc limit 1)
        from weeks w where w.period is not null
      )
      select period from weeks where period is not null`);
    return result.rows.map((row) => row.period);
  }

  async teamAndSubteams(opts: { ref: EntityRef }): Promise<EntityRef[]> {
    const result = await this.#db.execute<{ ref: string }>(sql`
      with recursive tree(ref, depth) as (
        select ${opts.ref}::text, 0
        union
        select r.target_ref, t.depth + 1 from tree t
        join relations r on r.source_ref = t.ref and r.type = 'parentOf'
        where t.depth < 20
      )
      select ref from tree group by ref order by min(depth), ref`);
    return result.rows.map((row) => row.ref);
  }

  async teamChannels(): Promise<TeamChannel[]> {
    const result = await this.#db.execute<{ ref: string; title: string; channel: string | null }>(sql`
      select ref, coalesce(envelope #>> '{spec,profile,displayName}', title, name) as title,
        nullif(btrim(envelope #>> '{metadata,annotations,slack.com/bot-notify}'), '') as channel
      from entities where kind = 'group' order by ref`);
    return result.rows;
  }

  async entityRepositories(): Promise<{ entityRef: EntityRef; repo: string }[]> {
    const result = await this.#db.execute<{ entity_ref: string; repo: string }>(sql`
      select ref as entity_ref, repo from (
        select ref, coalesce(
          nullif(btrim(envelope #>> '{metadata,annotations,github.com/project-slug}'), ''),
          case when source_scope like 'github:%/%' then substr(source_scope, 8) end
        ) as repo
        from entities where kind not in ('group', 'user', 'location', 'template')
      ) as found
      where repo is not null
      order by repo, ref`);
    return result.rows.map((row) => ({ entityRef: row.entity_ref, repo: row.repo }));
  }

  async saveFacts(opts: { facts: readonly CollectedFact[] }): Promise<void> {
    for (let start = 0; start < opts.facts.length; start += CHUNK) {
      const rows = opts.facts.slice(start, start + CHUNK).map((fact) => ({
        e: fact.entityRef,
        n: fact.name,
        v: 'value' in fact ? fact.value : null,
        r: 'unknownReason' in fact ? fact.unknownReason : null,
        t: fact.readAt.toISOString(),
      }));
      await this.#db.execute(sql`
        insert into entity_facts (entity_ref, name, value, unknown_reason, read_at)
        select x.e, x.n, x.v, x.r, x.t
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(e text, n text, v jsonb, r text, t timestamptz)
        on conflict (entity_ref, name) do update
        set value = excluded.value, unknown_reason = excluded.unknown_reason, read_at = excluded.read_at`);
    }
  }
}
