/**
 * `node --import tsx bench/docs-quality.ts`: retrieval quality over the demo docs. Indexes demo/docs into an in-memory
 * PGlite, asks every question of bench/docs-questions.yaml, and reports recall@5 (the expected section is among the
 * five passages an answer is made from) and MRR (mean of 1 / its rank, 0 when absent), for keyword search alone and
 * for hybrid search (keywords and vectors fused by reciprocal rank) with the fake OpenAI server's deterministic
 * embeddings (a hashed bag of words: a stand-in that shows the plumbing, not a semantic model). With DATABASE_URL set,
 * on a fresh database on that server instead (without pgvector: the exact vector fallback).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Embedder } from '../src/core/ports/embedder.ts';
import { createDatabase, migrateDatabase } from '../src/db/client.ts';
import { DrizzleDocsIndexStore } from '../src/db/DrizzleDocsIndexStore.ts';
import { indexDemoDocs } from '../src/docs/demo-docs.ts';
import { createDocsAsker, PASSAGES } from '../src/docs/docs-asker.ts';
import { createOpenAiClient, createOpenAiEmbedder } from '../src/docs/openai-client.ts';
import { startFakeOpenAiApi } from '../test/fakes/openai-api.ts';
import { createServerDatabase } from './docs.ts';

const DEMO_DOCS = fileURLToPath(new URL('../demo/docs', import.meta.url));
const QUESTIONS = fileURLToPath(new URL('./docs-questions.yaml', import.meta.url));

const questionsSchema = z.array(z.object({ q: z.string(), expect: z.string() })).min(30);
const sourcesSchema = z.array(z.object({ dir: z.string(), url: z.string() }));

export interface QualityRow {
  mode: string;
  questions: number;
  recallAt5: number;
  mrr: number;
  misses: string[];
}

export async function measureDocsQuality(opts: { databaseUrl?: string } = {}): Promise<QualityRow[]> {
  const questions = questionsSchema.parse(parseYaml(await readFile(QUESTIONS, 'utf8')));
  const sources = sourcesSchema.parse(parseYaml(await readFile(`${DEMO_DOCS}/sources.yaml`, 'utf8')));
  const expectedUrl = (expect: string) => {
    const [dir = '', ...rest] = expect.split('/');
    const base = sources.find((source) => source.dir === dir)?.url ?? '';
    return `${base.endsWith('/') ? base : `${base}/`}${rest.join('/')}`;
  };
  const openai = await startFakeOpenAiApi();
  const rows: QualityRow[] = [];
  try {
    const client = createOpenAiClient({ apiKey: 'sk-bench', baseUrl: openai.url, maxRetries: 0 });
    const embedder = createOpenAiEmbedder({ client, model: 'fake-embedding', dimensions: 256, sendDimensions: true });
    for (const [mode, modeEmbedder] of [
      ['lexical', undefined],
      ['hybrid (fake embedder)', embedder],
    ] as [string, Embedder | undefined][]) {
      const server = opts.databaseUrl ? await createServerDatabase(opts.databaseUrl) : undefined;
      const database = await createDatabase(server ? { url: server.url } : { inMemory: true });
      try {
        await migrateDatabase(database);
        const store = new DrizzleDocsIndexStore({ db: database.db });
        await indexDemoDocs({ dir: DEMO_DOCS, store, ...(modeEmbedder ? { embedder: modeEmbedder } : {}) });
        const asker = createDocsAsker({ store, ...(modeEmbedder ? { embedder: modeEmbedder } : {}) });
        let found = 0;
        let reciprocal = 0;
        const misses: string[] = [];
        for (const { q, expect } of questions) {
          const { passages } = await asker.ask({ question: q });
          const rank = passages.findIndex((passage) => passage.url === expectedUrl(expect)) + 1;
          if (rank > 0 && rank <= PASSAGES) {
            found += 1;
            reciprocal += 1 / rank;
          } else {
            misses.push(`${q} → expected ${expect}, got ${passages[0]?.url ?? 'nothing'}`);
          }
        }
        const vectorSearch = modeEmbedder ? `, ${(await store.status()).vectorSearch} vector search` : '';
        rows.push({
          mode: `${mode} on ${database.dialect}${vectorSearch}`,
          questions: questions.length,
          recallAt5: found / questions.length,
          mrr: reciprocal / questions.length,
          misses,
        });
      } finally {
        await database.close();
        await server?.drop();
      }
    }
  } finally {
    await openai.close();
  }
  return rows;
}

export function renderQuality(rows: readonly QualityRow[]): string {
  const lines = ['| Retrieval over the demo docs | Questions | Recall@5 | MRR |', '| --- | ---: | ---: | ---: |'];
  for (const row of rows) {
    lines.push(`| ${row.mode} | ${row.questions} | ${row.recallAt5.toFixed(3)} | ${row.mrr.toFixed(3)} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  const rows = await measureDocsQuality(databaseUrl ? { databaseUrl } : {});
  console.log(renderQuality(rows));
  for (const row of rows) for (const miss of row.misses) console.log(`  ${row.mode} missed: ${miss}`);
}
