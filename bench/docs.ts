/**
 * The docs rows of `npm run bench` (`--only docs`): on one database (PGlite or the Postgres server),
 * - indexing rate: synthetic markdown files cut, embedded by the fake OpenAI server (through the real client, over
 *   HTTP on 127.0.0.1) and stored, in chunks per second;
 * - search latency at `chunks` chunks (100,000 by default, bulk-loaded with random vectors, then the full-text
 *   index's pending list merged, as an indexing run ends): keyword search
 *   (`searchLexical`) and hybrid retrieval (the asker's path: embed the question, keyword and vector search, fusion),
 *   p50 and p95 over a set of questions;
 * - ask → first streamed token with the fake chat model.
 * Vectors have `DIMENSIONS` numbers; on PGlite the HNSW index is built, on a server without pgvector the exact
 * fallback scores the pool of chunks sharing words with the question (src/db/queries/docs-search.ts).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createDatabase, type Database, migrateDatabase } from '../src/db/client.ts';
import { DrizzleDocsIndexStore } from '../src/db/DrizzleDocsIndexStore.ts';
import { docChunks, docFiles, docSources } from '../src/db/schema.ts';
import { createDocsAsker } from '../src/docs/docs-asker.ts';
import { indexDocs, normalise } from '../src/docs/indexer.ts';
import { createOpenAiChatModel, createOpenAiClient, createOpenAiEmbedder } from '../src/docs/openai-client.ts';
import { startFakeOpenAiApi } from '../test/fakes/openai-api.ts';

const DIMENSIONS = 64;
const QUERIES = 100;
const INSERT_BATCH = 1_000;
/** Targets of issue 10, on the server. */
export const DOCS_TARGETS = { lexicalP95Ms: 30, hybridP95Ms: 60 };

export interface DocsBench {
  kind: 'pglite' | 'postgres';
  chunks: number;
  vectorSearch: 'pgvector' | 'exact';
  indexing: { chunks: number; seconds: number };
  loadSeconds: number;
  /** Of `loadSeconds`: the inserts, and merging GIN's pending list (the rest: the vector index, ANALYZE). */
  insertSeconds: number;
  mergeSeconds: number;
  lexical: { p50: number; p95: number };
  hybrid: { p50: number; p95: number };
  firstToken: { p50: number; p95: number };
}

/** Words of the synthetic docs: a few hundred, drawn with a Zipf-like skew so that some are common. */
const VOCABULARY = Array.from(
  { length: 600 },
  (_, index) =>
    `${['deploy', 'payment', 'ledger', 'token', 'queue', 'cache', 'alert', 'replica', 'refund', 'schema'][index % 10]}${index}`,
);

function word(random: () => number): string {
  return VOCABULARY[Math.floor(VOCABULARY.length * random() ** 2)] ?? 'deploy0';
}

export function sentence(random: () => number, words: number): string {
  return Array.from({ length: words }, () => word(random)).join(' ');
}

/** A small deterministic PRNG (mulberry32), so that every run loads the same corpus. */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export async function benchDocs(opts: {
  kind: 'pglite' | 'postgres';
  databaseUrl?: string;
  chunks: number;
  progress: (line: string) => void;
}): Promise<DocsBench> {
  const { kind, progress } = opts;
  const server = kind === 'postgres' ? await createServerDatabase(opts.databaseUrl ?? '') : undefined;
  const database = server ? await createDatabase({ url: server.url }) : await createDatabase({ inMemory: true });
  const openai = await startFakeOpenAiApi();
  try {
    await migrateDatabase(database);
    const store = new DrizzleDocsIndexStore({ db: database.db });
    const client = createOpenAiClient({ apiKey: 'sk-bench', baseUrl: openai.url, maxRetries: 0 });
    const embedder = createOpenAiEmbedder({
      client,
      model: 'fake-embedding',
      dimensions: DIMENSIONS,
      sendDimensions: true,
    });
    const model = createOpenAiChatModel({ client, model: 'fake-chat' });
    const random = seeded(42);

    progress(`[${kind}] docs: indexing synthetic markdown with the fake embedder…`);
    const files = Array.from({ length: 100 }, (_, file) => ({
      path: `guide-${file}.md`,
      markdown: [
        `# Guide ${file}`,
        ...Array.from(
          { length: 10 },
          (_, section) => `## Section ${section} ${word(random)}\n\n${sentence(random, 80)}.`,
        ),
      ].join('\n\n'),
    }));
    const indexStarted = performance.now();
    const summary = await indexDocs({
      store,
      source: { key: 'bench:indexing', baseUrl: 'https://docs.example/' },
      files,
      embedder,
    });
    const indexing = { chunks: summary.chunks.written, seconds: (performance.now() - indexStarted) / 1000 };

    progress(`[${kind}] docs: loading ${opts.chunks.toLocaleString('en')} chunks…`);
    const loadStarted = performance.now();
    await loadChunks(database, opts.chunks, random);
    const inserted = performance.now();
    // As an indexing run ends: what the load left in GIN's pending list is merged into the index.
    await store.mergeSearchIndex();
    const merged = performance.now();
    await store.prepareVectorIndex({ dimensions: DIMENSIONS });
    await database.db.execute(sql`analyze doc_chunks`);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const loadParts = {
      insertSeconds: (inserted - loadStarted) / 1000,
      mergeSeconds: (merged - inserted) / 1000,
    };

    const questions = Array.from({ length: QUERIES }, () => `how do I ${sentence(random, 4)}?`);
    progress(`[${kind}] docs: ${QUERIES} keyword searches…`);
    const lexical = await timeEach(questions, (question) => store.searchLexical({ text: question, limit: 20 }));
    progress(`[${kind}] docs: ${QUERIES} hybrid retrievals…`);
    const retrieval = createDocsAsker({ store, embedder });
    const hybrid = await timeEach(questions, (question) => retrieval.ask({ question }));
    progress(`[${kind}] docs: ask → first streamed token…`);
    const answering = createDocsAsker({ store, embedder, model });
    const firstToken = await timeEach(questions.slice(0, 20), async (question) => {
      const started = performance.now();
      let first = 0;
      await answering.ask({
        question,
        onDelta: () => {
          first ||= performance.now() - started;
        },
      });
      return first;
    });
    return {
      kind,
      chunks: opts.chunks,
      vectorSearch: (await store.status()).vectorSearch,
      indexing,
      loadSeconds,
      ...loadParts,
      lexical,
      hybrid,
      firstToken,
    };
  } finally {
    await openai.close();
    await database.close();
    await server?.drop();
  }
}

export async function loadChunks(database: Database, count: number, random: () => number): Promise<void> {
  const files = Math.ceil(count / 10);
  await database.db.insert(docSources).values({ key: 'bench:load', baseUrl: 'https://docs.example/' });
  for (let start = 0; start < files; start += INSERT_BATCH) {
    const rows = Array.from({ length: Math.min(INSERT_BATCH, files - start) }, (_, index) => ({
      sourceKey: 'bench:load',
      path: `page-${start + index}.md`,
      title: `Page ${start + index}`,
      contentHash: String(start + index),
    }));
    await database.db.insert(docFiles).values(rows);
  }
  for (let start = 0; start < count; start += INSERT_BATCH) {
    const rows = Array.from({ length: Math.min(INSERT_BATCH, count - start) }, (_, index) => {
      const n = start + index;
      const heading = `${word(random)} ${word(random)}`;
      return {
        sourceKey: 'bench:load',
        path: `page-${Math.floor(n / 10)}.md`,
        ordinal: n % 10,
        title: `Page ${Math.floor(n / 10)}`,
        headingPath: [heading],
        headings: `Page ${Math.floor(n / 10)} › ${heading}`,
        url: `https://docs.example/page-${Math.floor(n / 10)}.md`,
        content: sentence(random, 120),
        contentHash: `h${n}`,
        embedding: normalise(Array.from({ length: DIMENSIONS }, () => random() - 0.5)),
        embeddingModel: 'fake-embedding',
        embeddingDimensions: DIMENSIONS,
      };
    });
    await database.db.insert(docChunks).values(rows);
  }
}

async function timeEach<T>(
  inputs: readonly string[],
  run: (input: string) => Promise<T>,
): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  await run(inputs[0] ?? ''); // warm-up: plans, connections
  for (const input of inputs) {
    const started = performance.now();
    const result = await run(input);
    samples.push(typeof result === 'number' ? result : performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95) };
}

/** A fresh database on the server at `url`, named after this process; `drop` removes it. */
export async function createServerDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `wayfinder_bench_docs_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    async drop() {
      const again = new pg.Client({ connectionString: url });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

export function renderDocsReport(run: DocsBench): string {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const lexicalTarget = run.kind === 'postgres' ? ` (target p95 < ${DOCS_TARGETS.lexicalP95Ms} ms)` : '';
  const hybridTarget = run.kind === 'postgres' ? ` (target p95 < ${DOCS_TARGETS.hybridP95Ms} ms)` : '';
  return [
    `| Docs on ${run.kind} (${DIMENSIONS}-dim vectors, ${run.vectorSearch} vector search) | Value |`,
    '| --- | ---: |',
    `| Indexing rate, fake embedder over HTTP (${run.indexing.chunks} chunks) | ${(run.indexing.chunks / run.indexing.seconds).toFixed(0)} chunks/s |`,
    `| Bulk load of ${run.chunks.toLocaleString('en')} chunks and vector index | ${run.loadSeconds.toFixed(1)} s |`,
    `| … of which inserts / merging the full-text pending list | ${run.insertSeconds.toFixed(1)} s / ${run.mergeSeconds.toFixed(1)} s |`,
    `| Keyword search at ${run.chunks.toLocaleString('en')} chunks p50 / p95${lexicalTarget} | ${ms(run.lexical.p50)} / ${ms(run.lexical.p95)} |`,
    `| Hybrid retrieval (embed + keyword + vector + fusion) p50 / p95${hybridTarget} | ${ms(run.hybrid.p50)} / ${ms(run.hybrid.p95)} |`,
    `| Ask → first streamed token, fake model, p50 / p95 | ${ms(run.firstToken.p50)} / ${ms(run.firstToken.p95)} |`,
  ].join('\n');
}
