/**
 * `/find`: full-text search over the stored `search` vector (name and title weigh most, then tags, then the
 * description), combined with trigram similarity on name and title so that a typo (`paymnt`) still finds
 * `payments`. One statement returns the total and the best `limit` hits after `offset` (a later page).
 */
import { type SQL, sql } from 'drizzle-orm';
import type { CatalogFilter, SearchHit } from '../../core/catalog/records.ts';
import type { EntityRef } from '../../core/catalog/types.ts';
import type { Db } from '../drizzle-db.ts';
import { type EntityRow, entityColumns, toEntityRecord } from '../entity-row.ts';
import { escapeLike, numberLiteral, textArray } from '../sql-fragments.ts';
import { catalogFilterSql } from './catalog-filter.ts';

/** Score parts, on the scale of `similarity()` (0..1) and `ts_rank()` (about 0..1). */
const WORD_MATCH_BONUS = 0.5;
const EXACT_NAME_BONUS = 1;
const CONTAINS_BONUS = 0.2;
/**
 * A name or title that starts with the text, or has a word that does (`pay` → `payments-api`, `legacy-payments`):
 * above a word match in the description alone (WORD_MATCH_BONUS plus a small `ts_rank`), below an exact name.
 */
const PREFIX_BONUS = 0.6;

type SearchRow = {
  total: number;
  hits: (EntityRow & { score: number })[];
};

export interface SearchOptions {
  text: string;
  limit: number;
  offset?: number;
  kind?: string;
  /** Only what one of these owns, as `/owner` works it out: through its system or domain when it names no owner. */
  ownerRefs?: readonly EntityRef[];
  filter?: CatalogFilter;
  refs?: readonly EntityRef[];
}

export async function search(db: Db, opts: SearchOptions): Promise<{ hits: SearchHit[]; total: number }> {
  const text = opts.text.trim().toLowerCase();
  const filters: SQL[] = [];
  if (opts.kind) filters.push(sql`e.kind = ${opts.kind.toLowerCase()}`);
  if (opts.ownerRefs) {
    // Who owns it as `/owner` says: its own owner, else its system's or domain's (`entity_owners`).
    filters.push(sql`exists (
      select 1 from entity_owners o where o.ref = e.ref and o.owner_ref = any(${textArray(opts.ownerRefs)})
    )`);
  }
  if (opts.refs) filters.push(sql`e.ref = any(${textArray(opts.refs)})`);
  if (opts.filter) filters.push(catalogFilterSql(opts.filter, 'e'));

  const matches = text ? textMatches(text) : sql`select e.ref, 0::real as score from entities e`;
  const where = filters.length > 0 ? sql`where ${sql.join(filters, sql` and `)}` : sql``;
  // Rank on (ref, score, name) only and join the full rows of the top `limit`: sorting thousands of envelopes
  // would spill to disk.
  const { rows } = await db.execute<SearchRow>(sql`
    with found as materialized (
      select m.ref, m.score, e.kind, lower(e.name) as name
      from (${matches}) m join entities e on e.ref = m.ref
      ${where}
    ), top as (
      select * from found order by score desc, name, kind, ref
      limit ${Math.max(0, Math.floor(opts.limit))} offset ${Math.max(0, Math.floor(opts.offset ?? 0))}
    )
    select
      (select count(*)::int from found) as total,
      coalesce((
        select json_agg(h order by h.score desc, h.rank_name, h.kind, h.ref)
        from (
          select ${entityColumns('e')}, t.score, t.name as rank_name
          from top t join entities e on e.ref = t.ref
        ) h
      ), '[]') as hits
  `);
  const row = rows[0];
  if (!row) return { hits: [], total: 0 };
  return { total: row.total, hits: row.hits.map((hit) => ({ entity: toEntityRecord(hit), score: hit.score })) };
}

/**
 * Rows (ref, score) for entities the text matches as words, or whose name or title is like it (trigram similarity
 * above the connection's threshold, or containing the text). An entity the text names exactly (name, title or alias)
 * comes first; then matching every word outranks a merely similar name; among word matches `ts_rank` prefers names
 * and titles (weight A) over tags (B) and descriptions (C).
 */
function textMatches(text: string): SQL {
  const contains = `%${escapeLike(text)}%`;
  const starts = `${escapeLike(text)}%`;
  const wordStarts = [`%-${escapeLike(text)}%`, `% ${escapeLike(text)}%`, `%\\_${escapeLike(text)}%`];
  return sql`
    select e.ref,
      case when e.search @@ q.tsq then ${numberLiteral(WORD_MATCH_BONUS)} + ts_rank(e.search, q.tsq) else 0 end
        + greatest(similarity(lower(e.name), ${text}), coalesce(similarity(lower(e.title), ${text}), 0))
        + case
            when lower(e.name) = ${text} or lower(e.title) = ${text} or e.aliases @> array[${text}::text]
              then ${numberLiteral(EXACT_NAME_BONUS)}
            when lower(e.name) like ${starts} or lower(e.title) like ${starts}
              or lower(e.name) like any(${textArray(wordStarts)}) or lower(e.title) like any(${textArray(wordStarts)})
              then ${numberLiteral(PREFIX_BONUS)}
            when lower(e.name) like ${contains} or lower(e.title) like ${contains} then ${numberLiteral(CONTAINS_BONUS)}
            else 0
          end as score
    from entities e, (select websearch_to_tsquery('english', ${text}) as tsq) q
    where e.search @@ q.tsq
      or lower(e.name) % ${text} or lower(e.title) % ${text}
      or lower(e.name) like ${contains} or lower(e.title) like ${contains}`;
}
