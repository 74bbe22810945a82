/**
 * Docs search at more chunks than its ranking pool holds (src/db/queries/docs-search.ts): the pool is bounded, and
 * the chunks that hold the question's words must still be in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredDocChunk } from '../../src/core/ports/docs-index-store.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleDocsIndexStore } from '../../src/db/DrizzleDocsIndexStore.ts';
import { ENOUGH, POOL, VECTOR_POOL } from '../../src/db/queries/docs-search.ts';
import { normalise } from '../../src/docs/indexer.ts';
import { openTestDatabase } from '../helpers/database.ts';

let database: Database;
let store: DrizzleDocsIndexStore;

/** More chunks that hold "deploy" than any pool takes, so a pool of arbitrary matches would miss the answer. */
const COMMON = Math.max(POOL, VECTOR_POOL) + ENOUGH;
const DIMENSIONS = 8;

/** A unit vector along `axis`, slightly tilted towards the last one. */
function axis(n: number): number[] {
  return normalise(Array.from({ length: DIMENSIONS }, (_, index) => (index === n ? 1 : index === 7 ? 0.1 : 0)));
}

function chunk(ordinal: number, content: string, vector: number[]): StoredDocChunk {
  return {
    ordinal,
    headingPath: [`Section ${ordinal}`],
    content,
    contentHash: `${ordinal}:${content}`,
    embedding: { model: 'test-embedding', vector },
  };
}

beforeAll(async () => {
  database = await openTestDatabase();
  store = new DrizzleDocsIndexStore({ db: database.db });
  await store.saveSource({ key: 'test:ops' });
  // The common chunks first, so that they come first in the table too; the answers last.
  await store.saveFile({
    sourceKey: 'test:ops',
    path: 'deploys.md',
    title: 'Deploys',
    contentHash: 'deploys',
    chunks: Array.from({ length: COMMON }, (_, n) => chunk(n, `We deploy on weekdays; note ${n}.`, axis(n % 3))),
  });
  await store.saveFile({
    sourceKey: 'test:ops',
    path: 'canary.md',
    title: 'Canary',
    contentHash: 'canary',
    chunks: [
      chunk(0, 'To deploy a canary, shift five percent of traffic, then roll back if errors rise.', axis(4)),
      chunk(1, 'A canary that fails its checks is rolled back by the pipeline.', axis(5)),
    ],
  });
}, 60_000);
afterAll(async () => {
  await database?.close();
});

describe('DrizzleDocsIndexStore search over more chunks than it ranks', () => {
  it('puts the chunk holding every word of the question first, though hundreds hold a common one', async () => {
    const hits = await store.searchLexical({ text: 'how do I deploy a canary and roll back?', limit: 5 });
    expect(hits[0]).toMatchObject({ title: 'Canary', coverage: 1 });
    expect(hits[0]?.content).toMatch(/^To deploy a canary/);
  });

  it('falls back to the chunks holding most of the words when none holds them all', async () => {
    const hits = await store.searchLexical({ text: 'deploy canary rollback checklist', limit: 5 });
    // "deploy" and "canary" of four words; the other chunks hold one of them.
    expect(hits[0]).toMatchObject({ title: 'Canary', coverage: 0.5 });
    expect(hits[0]?.content).toMatch(/^To deploy a canary/);
    expect(hits.slice(1).map((hit) => hit.coverage)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('ranks a chunk whose heading alone holds words of the question, stored after hundreds holding others', async () => {
    await store.saveFile({
      sourceKey: 'test:ops',
      path: 'calendar.md',
      title: 'Release calendar',
      contentHash: 'calendar',
      chunks: [
        {
          ordinal: 0,
          headingPath: ['Release calendar', 'Freeze window'],
          content: 'No changes between 20 December and 2 January.',
          contentHash: 'freeze',
        },
      ],
    });
    // "deploy" and "weekdays" are in hundreds of chunks (more than the pool takes of a tier); "freeze" and "window"
    // only in this chunk's heading.
    const hits = await store.searchLexical({ text: 'freeze window for deploys on weekdays', limit: 5 });
    expect(hits[0]).toMatchObject({ headingPath: ['Release calendar', 'Freeze window'], coverage: 0.5 });
  });

  it('answers a question with quotes and backslashes in its words instead of failing', async () => {
    await expect(store.searchLexical({ text: "what's the c:\\deploy 'canary' o'brien?", limit: 3 })).resolves.toEqual(
      expect.arrayContaining([expect.objectContaining({ title: 'Canary' })]),
    );
    expect(await store.searchLexical({ text: 'the and of', limit: 3 })).toEqual([]);
  });

  it('finds the nearest vector among chunks that share a word with the question, past the first pool', async () => {
    const hits = await store.searchVector({
      vector: axis(5),
      model: 'test-embedding',
      text: 'canary deploy',
      limit: 3,
    });
    expect(hits[0]?.content).toMatch(/^A canary that fails/);
    expect(await store.searchVector({ vector: axis(5), model: 'other-model', text: 'canary', limit: 3 })).toEqual([]);
  });
});
