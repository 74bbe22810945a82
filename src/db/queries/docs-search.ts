/**
 * Docs search: full-text over `doc_chunks.search` (the heading path weighs A, the text C), and nearest vectors by
 * cosine distance. Vectors are stored normalised (`src/docs/indexer.ts`), so cosine similarity is their dot product.
 *
 * Full text: a question in plain words (`how do I rotate the ledger's database password?`) is matched on its words
 * (their English stems) and ranked first by how many of them a chunk holds, then by `ts_rank` over all of them OR-ed,
 * which rewards those holding them in a heading. `ts_rank` scores each row it is given (reading its stored tsvector), so
 * it is given a bounded pool, never every chunk that holds a common word (at 100,000 chunks, "deploy" may match most):
 * the pool is found with the GIN index by "at least k of the n words", k from n down (Elasticsearch's
 * `minimum_should_match`, relaxed step by step): the first k whose chunks number at least `enough` ends the search,
 * and the pool is every chunk of the stricter tiers plus up to `POOL` of that tier's (for "any word", up to an equal
 * share of `POOL`, at least `enough`, of each word's chunks). Where fewer than `enough`
 * chunks hold any of the words (small doc sets), the pool is all of them, and the ranking is exactly `ts_rank` over
 * every match. For keyword search `enough` is the number of hits asked for: chunks of a looser tier hold fewer words,
 * so they rank below every chunk of the stricter ones and could not make the list (relaxing further cost a second
 * statement whose "at least k of n" bitmap alone took 8 ms at 100,000 chunks). The exact vector fallback re-ranks its
 * pool by similarity instead, so it relaxes until `ENOUGH` chunks.
 *
 * Headings weigh most in the ranking, so a chunk whose headings hold the words must not be cut from the pool by the
 * caps (a tier's `POOL` chunks are taken in no particular order; a chunk matching one word in its heading is in no
 * stricter tier): the pool also holds up to `HEADING_POOL` chunks whose headings (`heading_search`, its own GIN
 * index) hold the most of the words: those holding all, then all but one, and so on, and for "any word" an equal
 * share of each word's.
 *
 * Vectors: with pgvector, `order by embedding::vector(n) <=> q limit k` uses the HNSW index made for `n`
 * (`vectorIndexStatement`). Without it, the exact fallback computes the dot product in SQL (`unnest` of the two
 * arrays), a few microseconds a chunk: given the question's text, only over the full-text pool of `VECTOR_POOL`
 * chunks (so it re-ranks the chunks that share words with the question, and misses those that share none); without
 * the text, over every embedded chunk in scope (linear in their number).
 */
import { type SQL, sql } from 'drizzle-orm';
import type { DocChunkHit, DocSearchFilter } from '../../core/ports/docs-index-store.ts';
import type { Db } from '../drizzle-db.ts';
import { numberLiteral, textArray } from '../sql-fragments.ts';

/** A tier with at least this many chunks ends the relaxation of the exact vector fallback's pool. */
export const ENOUGH = 100;
/** Chunks of the last tier added to the pool that `ts_rank` orders. */
export const POOL = 300;
/**
 * How many of the pool's best by `ts_rank` are counted for the question's words they hold (one tsquery match per
 * word each): counting the whole pool tripled keyword search's p50 at 100,000 chunks (10.6 → 36.9 ms).
 */
export const HELD_POOL = 60;
/** The pool the exact vector fallback scores. */
export const VECTOR_POOL = 500;
/** Chunks whose headings hold the question's words, added to every pool. */
export const HEADING_POOL = 20;
/** A tier needing more OR-ed conjunctions than this ("6 of 12 words" is 924) is skipped for "any word". */
const MAX_CONJUNCTIONS = 64;

interface HitRow extends Record<string, unknown> {
  id: number;
  title: string;
  heading_path: string[];
  path: string;
  url: string | null;
  content: string;
  entity_ref: string | null;
}

const HIT_COLUMNS = sql`c.id, c.title, c.heading_path, c.path, c.url, c.content, c.entity_ref`;

/** The question's words as the index stores them (English stems, stop words dropped), in order, without repeats. */
async function lexemesOf(db: Db, text: string): Promise<string[]> {
  const result = await db.execute<{ lexemes: string[] | null }>(
    sql`select tsvector_to_array(to_tsvector('english', ${text})) as lexemes`,
  );
  return result.rows[0]?.lexemes ?? [];
}

/**
 * Runs `statement` over the pool (see the module's comment) for k = n, n - 1, … until a tier holds `enough` chunks
 * or k = 1, and returns the rows of that run. `statement` is given the CTEs that end with `pool(id)` and
 * `tier_hits(n)` (the tier's chunks, counted up to `enough`): each run both measures its tier and ranks its pool, so
 * the common case (the first tier holds enough) is one statement, and a run whose tier proves too small ranks fewer
 * than `enough` rows.
 */
async function overPool<Row extends Record<string, unknown>>(
  db: Db,
  opts: { lexemes: readonly string[]; scope: SQL; size: number; enough: number; statement: (ctes: SQL) => SQL },
): Promise<Row[]> {
  const { lexemes, scope } = opts;
  let stricter: string | undefined;
  for (const k of tierSizes(lexemes.length)) {
    const last = k === 1;
    const ctes: SQL[] = [];
    const parts: SQL[] = [];
    if (stricter) {
      ctes.push(matching('stricter', stricter, scope));
      parts.push(sql`select id from stricter`);
    }
    if (last) {
      // "Any word": up to an equal share of the pool for each word, so that a rare word's chunks are not crowded out
      // by a common word's (an arbitrary `size` of the OR would be mostly the common word's).
      const share = numberLiteral(Math.max(opts.enough, Math.ceil(opts.size / lexemes.length)));
      lexemes.forEach((lexeme, index) => {
        const name = `word${index}`;
        ctes.push(matching(name, quoteLexeme(lexeme), scope));
        parts.push(
          sql`select id from (select id from ${sql.raw(name)} limit ${share}) as ${sql.raw(`capped${index}`)}`,
        );
      });
      ctes.push(sql`tier_hits as (select 0 as n)`);
    } else {
      ctes.push(matching('tier', atLeast(lexemes, k), scope));
      parts.push(sql`select id from (select id from tier limit ${numberLiteral(opts.size)}) as capped`);
      ctes.push(
        sql`tier_hits as (select count(*)::int as n from (select 1 from tier limit ${numberLiteral(opts.enough)}) as s)`,
      );
    }
    ctes.push(headingPool(lexemes, scope));
    parts.push(sql`select id from heading_pool`);
    ctes.push(sql`pool as (${sql.join(parts, sql` union `)})`);
    const result = await db.execute<Row & { tier_hits: number }>(opts.statement(sql.join(ctes, sql`, `)));
    const hits = result.rows[0]?.tier_hits ?? 0;
    if (hits >= opts.enough || last) return result.rows;
    if (hits > 0) stricter = atLeast(lexemes, k);
  }
  return [];
}

/** The k to try, from n down to 1, skipping those whose "at least k of n" needs too many conjunctions. */
export function tierSizes(n: number): number[] {
  const sizes: number[] = [];
  for (let k = n; k >= 1; k -= 1) if (k === 1 || binomial(n, k) <= MAX_CONJUNCTIONS) sizes.push(k);
  return sizes;
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i += 1) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

/** A tsquery (text) true for a tsvector holding at least `k` of `lexemes`: an OR of AND-ed k-subsets. */
export function atLeast(lexemes: readonly string[], k: number): string {
  const quoted = lexemes.map(quoteLexeme);
  if (k <= 1) return quoted.join(' | ');
  const clauses: string[] = [];
  const pick = (from: number, chosen: string[]) => {
    if (chosen.length === k) {
      clauses.push(chosen.length === quoted.length ? chosen.join(' & ') : `(${chosen.join(' & ')})`);
      return;
    }
    for (let i = from; i <= quoted.length - (k - chosen.length); i += 1) pick(i + 1, [...chosen, quoted[i] ?? '']);
  };
  pick(0, []);
  return clauses.join(' | ');
}

/** A lexeme as a tsquery operand, taken literally (tsquery's quoting: `''` for a quote, `\\` escapes). */
function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The chunks matching `query` as a materialized CTE named `name`. Materialized, so that the planner does not plan for
 * the `limit` its reader applies: for a few rows it would pick a sequential scan that tests `@@` row by row, reading
 * each row's (TOASTed) tsvector, about 40 ms at 100,000 chunks, where the GIN index's bitmap takes a few. A CTE is
 * read lazily, so the `limit` still stops the heap scan early.
 */
function matching(name: string, query: string, scope: SQL, column: 'search' | 'heading_search' = 'search'): SQL {
  return sql`${sql.raw(name)} as materialized (
    select c.id from doc_chunks c where c.${sql.raw(column)} @@ ${query}::tsquery ${scope})`;
}

/**
 * The CTEs that end with `heading_pool(id)`: up to `HEADING_POOL` chunks whose headings hold the most of `lexemes`,
 * found tier by tier (all of the words, all but one, …) in the headings' own index, each tier capped, the "any word"
 * tier by an equal share per word.
 */
function headingPool(lexemes: readonly string[], scope: SQL): SQL {
  const ctes: SQL[] = [];
  const parts: SQL[] = [];
  const cap = numberLiteral(HEADING_POOL);
  for (const k of tierSizes(lexemes.length)) {
    if (k === 1) {
      const share = numberLiteral(Math.max(5, Math.ceil(HEADING_POOL / lexemes.length)));
      lexemes.forEach((lexeme, index) => {
        const name = `heading_word${index}`;
        ctes.push(matching(name, quoteLexeme(lexeme), scope, 'heading_search'));
        parts.push(sql`(select id, 1 as k from ${sql.raw(name)} limit ${share})`);
      });
    } else {
      const name = `heading_tier${k}`;
      ctes.push(matching(name, atLeast(lexemes, k), scope, 'heading_search'));
      parts.push(sql`(select id, ${numberLiteral(k)} as k from ${sql.raw(name)} limit ${cap})`);
    }
  }
  ctes.push(sql`heading_pool as (
    select id from (select id, max(k) as k from (${sql.join(parts, sql` union all `)}) as h group by id) as ranked
    order by k desc, id limit ${cap})`);
  return sql.join(ctes, sql`, `);
}

export async function searchDocsLexical(db: Db, opts: DocSearchFilter & { text: string }): Promise<DocChunkHit[]> {
  const lexemes = await lexemesOf(db, opts.text);
  if (lexemes.length === 0) return [];
  const any = atLeast(lexemes, 1);
  const quoted = textArray(lexemes.map(quoteLexeme));
  const generic = await genericLexemes(db);
  const distinctive = lexemes.filter((lexeme) => !generic.has(lexeme));
  // A question of generic words only ("which policy?") is covered by them; else only its distinctive words count.
  const counted = distinctive.length > 0 ? distinctive : lexemes;
  const countedQuoted = textArray(counted.map(quoteLexeme));
  // The pool is ordered by how many of the question's words a chunk holds, then by `ts_rank`: a chunk holding every
  // word comes before one holding a single word, however often or in whichever heading it holds it.
  const rows = await overPool<HitRow & { matched: number }>(db, {
    lexemes,
    scope: scopeFilter(opts.scope),
    size: POOL,
    enough: Math.max(1, opts.limit),
    statement: (ctes) => sql`
      with ${ctes}, ranked as (
        select c.id, c.search, ts_rank(c.search, ${any}::tsquery) as rank
        from doc_chunks c
        where c.id in (select id from pool)
        order by rank desc, c.id
        limit ${numberLiteral(HELD_POOL)}
      ), top as (
        select ${HIT_COLUMNS}, r.search, r.rank,
          (select count(*) from unnest(${quoted}) as l where r.search @@ l::tsquery)::int as held
        from ranked r join doc_chunks c on c.id = r.id
        order by held desc, r.rank desc, c.id
        limit ${numberLiteral(opts.limit)}
      )
      select top.id, top.title, top.heading_path, top.path, top.url, top.content, top.entity_ref,
        (select count(*) from unnest(${countedQuoted}) as l where top.search @@ l::tsquery)::int as matched,
        (select n from tier_hits) as tier_hits
      from top
      order by top.held desc, top.rank desc, top.id`,
  });
  return rows.map((row) => ({ ...toHit(row), coverage: row.matched / counted.length }));
}

/**
 * Words too generic to carry a question alone ("what is the vacation policy?" is not answered by "Paging policy"):
 * they still find and rank chunks, but a question's coverage counts its other words.
 */
export const GENERIC_WORDS = [
  'policy',
  'policies',
  'guide',
  'guideline',
  'how',
  'howto',
  'doc',
  'docs',
  'documentation',
  'document',
  'process',
  'procedure',
  'info',
  'information',
  'overview',
  'step',
  'steps',
  'rule',
  'rules',
  'way',
  'thing',
  'work',
  'use',
  'need',
  'get',
  'find',
  'know',
  'tell',
  'explain',
  'help',
  'question',
];

const genericByDb = new WeakMap<Db, Promise<ReadonlySet<string>>>();

/** `GENERIC_WORDS` as the index stores them (English stems), asked of the database once per connection. */
function genericLexemes(db: Db): Promise<ReadonlySet<string>> {
  let lexemes = genericByDb.get(db);
  if (!lexemes) {
    lexemes = lexemesOf(db, GENERIC_WORDS.join(' ')).then((stems) => new Set(stems));
    lexemes.catch(() => genericByDb.delete(db));
    genericByDb.set(db, lexemes);
  }
  return lexemes;
}

export async function searchDocsVector(
  db: Db,
  opts: DocSearchFilter & { vector: readonly number[]; model: string; pgvector: boolean; text?: string },
): Promise<DocChunkHit[]> {
  const dimensions = numberLiteral(opts.vector.length);
  const vector = sql`${sql.param([...opts.vector])}::real[]`;
  const scope = scopeFilter(opts.scope);
  const select = (extra = sql``) => sql`select ${HIT_COLUMNS} ${extra}
    from doc_chunks c
    where c.embedding_dimensions = ${dimensions} and c.embedding_model = ${opts.model} ${scope}`;
  const limit = numberLiteral(opts.limit);
  if (opts.pgvector) {
    const result = await db.execute<HitRow>(sql`${select()}
      order by (c.embedding::vector(${dimensions})) <=> (${vector}::vector(${dimensions}))
      limit ${limit}`);
    return result.rows.map(toHit);
  }
  const similarity = sql`(select sum(a * b) from unnest(c.embedding, ${vector}) as t(a, b))`;
  if (opts.text === undefined) {
    const result = await db.execute<HitRow>(sql`${select()} order by ${similarity} desc, c.id limit ${limit}`);
    return result.rows.map(toHit);
  }
  const lexemes = await lexemesOf(db, opts.text);
  if (lexemes.length === 0) return [];
  const rows = await overPool<HitRow>(db, {
    lexemes,
    scope,
    size: VECTOR_POOL,
    enough: ENOUGH,
    statement: (ctes) => sql`
      with ${ctes}
      ${select(sql`, (select n from tier_hits) as tier_hits`)} and c.id in (select id from pool)
      order by ${similarity} desc, c.id
      limit ${limit}`,
  });
  return rows.map(toHit);
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

/**
 * The chunks a search's scope allows: those of `entityRefs`, and those of `ownerRefs` themselves (a team's own docs,
 * such as its onboarding pages) with those of every entity they own.
 */
function scopeFilter(scope: DocSearchFilter['scope']): SQL {
  if (!scope) return sql``;
  const parts: SQL[] = [];
  if (scope.entityRefs) parts.push(sql`c.entity_ref = any(${textArray(scope.entityRefs)})`);
  if (scope.ownerRefs) {
    parts.push(sql`c.entity_ref = any(${textArray(scope.ownerRefs)})`);
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
    path: row.path,
    content: row.content,
    ...(row.url ? { url: row.url } : {}),
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
  };
}
