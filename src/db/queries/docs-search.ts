/**
 * Docs search: full-text over `doc_chunks.search` (the heading path weighs A, the text C), and nearest vectors by
 * cosine distance. Vectors are stored normalised (`src/docs/indexer.ts`), so cosine similarity is their dot product.
 *
 * Full text: a question in plain words (`how do I rotate the ledger's database password?`) is matched on any of its
 * words (their English stems, OR-ed), not all of them as `websearch_to_tsquery` would, and ranked with `ts_rank`,
 * which rewards chunks that hold more of the words and those holding them in a heading.
 *
 * Vectors: with pgvector, `order by embedding::vector(n) <=> q` uses the HNSW index made for `n`
 * (`vectorIndexStatement`); without it, the exact fallback scores every embedded chunk in scope by its dot product
 * with `q` in SQL (`unnest` of the two arrays): exact, and linear in the number of chunks.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { DocChunkHit, DocSearchFilter } from '../../core/ports/docs-index-store.ts';
import type { Db } from '../drizzle-db.ts';
import { numberLiteral, textArray } from '../sql-fragments.ts';

interface HitRow extends Record<string, unknown> {
  id: number;
  title: string;
  heading_path: string[];
  url: string | null;
  content: string;
  entity_ref: string | null;
}

const HIT_COLUMNS = sql`c.id, c.title, c.heading_path, c.url, c.content, c.entity_ref`;

export async function searchDocsLexical(db: Db, opts: DocSearchFilter & { text: string }): Promise<DocChunkHit[]> {
  // `matched` (how many of the question's words a hit holds) is counted for the returned rows only.
  const result = await db.execute<HitRow & { matched: number; terms: number }>(sql`
    with q as (
      select coalesce(array_agg(lexeme), '{}') as lexemes,
        to_tsquery('simple', coalesce(string_agg(quote_literal(lexeme), ' | '), '')) as query
      from unnest(tsvector_to_array(to_tsvector('english', ${opts.text}))) as lexeme
    ), top as (
      select ${HIT_COLUMNS}, c.search, ts_rank(c.search, q.query) as rank
      from doc_chunks c, q
      where c.search @@ q.query ${scopeFilter(opts.scope)}
      order by rank desc, c.id
      limit ${numberLiteral(opts.limit)}
    )
    select top.id, top.title, top.heading_path, top.url, top.content, top.entity_ref,
      (select count(*) from unnest(q.lexemes) as l where top.search @@ to_tsquery('simple', quote_literal(l)))::int
        as matched,
      cardinality(q.lexemes) as terms
    from top, q
    order by top.rank desc, top.id`);
  return result.rows.map((row) => ({ ...toHit(row), coverage: row.terms > 0 ? row.matched / row.terms : 0 }));
}

export async function searchDocsVector(
  db: Db,
  opts: DocSearchFilter & { vector: readonly number[]; model: string; pgvector: boolean },
): Promise<DocChunkHit[]> {
  const dimensions = numberLiteral(opts.vector.length);
  const vector = sql`${sql.param([...opts.vector])}::real[]`;
  const order = opts.pgvector
    ? sql`(c.embedding::vector(${dimensions})) <=> (${vector}::vector(${dimensions}))`
    : sql`(select sum(a * b) from unnest(c.embedding, ${vector}) as t(a, b)) desc`;
  const result = await db.execute<HitRow>(sql`
    select ${HIT_COLUMNS}
    from doc_chunks c
    where c.embedding_dimensions = ${dimensions} and c.embedding_model = ${opts.model} ${scopeFilter(opts.scope)}
    order by ${order}
    limit ${numberLiteral(opts.limit)}`);
  return result.rows.map(toHit);
}

/**
 * The HNSW index (cosine) over the vectors of one size, as an expression index on the `real[]` column with that size
 * as its predicate, so that several sizes (a model changed) can coexist. Only where pgvector is installed.
 */
export function vectorIndexStatement(dimensions: number): SQL {
  const n = numberLiteral(Math.trunc(dimensions));
  return sql`create index if not exists ${sql.raw(`doc_chunks_embedding_hnsw_${Math.trunc(dimensions)}_idx`)}
    on doc_chunks using hnsw ((embedding::vector(${n})) vector_cosine_ops) where embedding_dimensions = ${n}`;
}

function scopeFilter(scope: DocSearchFilter['scope']): SQL {
  if (!scope) return sql``;
  const parts: SQL[] = [];
  if (scope.entityRefs) parts.push(sql`c.entity_ref = any(${textArray(scope.entityRefs)})`);
  if (scope.ownerRefs) {
    parts.push(
      sql`c.entity_ref in (select o.ref from entity_owners o where o.owner_ref = any(${textArray(scope.ownerRefs)}))`,
    );
  }
  return parts.length > 0 ? sql`and (${sql.join(parts, sql` or `)})` : sql``;
}

function toHit(row: HitRow): DocChunkHit {
  return {
    id: row.id,
    title: row.title,
    headingPath: row.heading_path,
    content: row.content,
    ...(row.url ? { url: row.url } : {}),
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
  };
}
