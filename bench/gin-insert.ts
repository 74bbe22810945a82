/**
 * GIN's pending list, measured in isolation on PGlite: the same chunks loaded into a fresh in-memory database with the
 * full-text indexes' `fastupdate` off (each insert updates the index) and on (inserts go to the pending list, merged
 * once at the end with `gin_clean_pending_list`), alternately, and the searches after each. Reports wall time and
 * this process's CPU time (PGlite runs in it, so CPU time is what the work costs, whatever else runs on the machine).
 *
 *     node --import tsx bench/gin-insert.ts [--chunks 5000] [--rounds 2]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { createDatabase, migrateDatabase } from '../src/db/client.ts';
import { DrizzleDocsIndexStore } from '../src/db/DrizzleDocsIndexStore.ts';
import { docChunks, docFiles, docSources } from '../src/db/schema.ts';
import { seeded } from './docs.ts';

const { values } = parseArgs({
  options: { chunks: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '2' } },
});
const chunks = Number(values.chunks);
const rounds = Number(values.rounds);
const VOCABULARY = Array.from(
  { length: 600 },
  (_, index) => `${['deploy', 'payment', 'ledger', 'token', 'queue'][index % 5]}${index}`,
);

async function run(fastupdate: boolean) {
  const random = seeded(42);
  const word = () => VOCABULARY[Math.floor(VOCABULARY.length * random() ** 2)] ?? 'deploy0';
  const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
  const database = await createDatabase({ inMemory: true });
  try {
    await migrateDatabase(database);
    const setting = fastupdate ? 'on' : 'off';
    for (const index of ['doc_chunks_search_idx', 'doc_chunks_heading_search_idx']) {
      await database.db.execute(sql.raw(`alter index ${index} set (fastupdate = ${setting})`));
    }
    const store = new DrizzleDocsIndexStore({ db: database.db });
    await database.db.insert(docSources).values({ key: 'bench', baseUrl: 'https://docs.example/' });
    await database.db.insert(docFiles).values(
      Array.from({ length: Math.ceil(chunks / 10) }, (_, n) => ({
        sourceKey: 'bench',
        path: `p${n}.md`,
        title: `P${n}`,
        contentHash: `${n}`,
      })),
    );
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let start = 0; start < chunks; start += 1000) {
      await database.db.insert(docChunks).values(
        Array.from({ length: Math.min(1000, chunks - start) }, (_, i) => {
          const n = start + i;
          const heading = `${word()} ${word()}`;
          return {
            sourceKey: 'bench',
            path: `p${Math.floor(n / 10)}.md`,
            ordinal: n % 10,
            title: `Page ${Math.floor(n / 10)}`,
            headingPath: [heading],
            headings: `Page ${Math.floor(n / 10)} › ${heading}`,
            content: sentence(120),
            contentHash: `h${n}`,
          };
        }),
      );
    }
    const inserted = performance.now();
    if (fastupdate) await store.mergeSearchIndex();
    const done = performance.now();
    const used = process.cpuUsage(cpu);
    const questions = Array.from({ length: 50 }, () => `how do I ${sentence(4)}?`);
    const samples: number[] = [];
    for (const question of questions) {
      const t = performance.now();
      await store.searchLexical({ text: question, limit: 20 });
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    console.log(
      `| fastupdate ${setting}${fastupdate ? ' + merge' : ''} | ${((inserted - started) / 1000).toFixed(1)} s | ${((done - inserted) / 1000).toFixed(1)} s | ${((used.user + used.system) / 1e6).toFixed(1)} s | ${samples[24]?.toFixed(1)} / ${samples[47]?.toFixed(1)} ms |`,
    );
  } finally {
    await database.close();
  }
}

console.log(`${chunks} chunks on PGlite`);
console.log('| full-text indexes | inserts (wall) | merge (wall) | CPU, inserts + merge | keyword search p50 / p95 |');
console.log('|---|---|---|---|---|');
for (let round = 0; round < rounds; round += 1) {
  await run(false);
  await run(true);
}
