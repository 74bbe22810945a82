/**
 * The `statement` rows of `npm run bench` (`--only statement`, Postgres only): the `/owner` lookup alone, without HTTP
 * or Slack. Wayfinder's `findOwnership` (the statements a `/owner <name>` sends, and `pg` parsing their rows) against
 * bare Bolt's one-row SELECT (`FLOOR_QUERY`, sent unnamed as the bare Bolt app sends it), one client, the two
 * interleaved call by call so that both see the same moments of a noisy machine. The catalog is the bench's synthetic
 * organisation, imported into a scratch database, with every person's Slack id known, as after the `/owner` section's
 * priming pass.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { importCatalog } from '../src/ingestion/import-catalog.ts';
import { createLogger } from '../src/logger.ts';
import { openWayfinder } from '../src/main.ts';
import { createBenchDatabase } from './bench-database.ts';
import { openFloorDatabase } from './floor.ts';
import { writeSyntheticOrg } from './synthetic-org.ts';

/** Calls of each left out of the figures while connections, plans and caches warm up. */
const WARM_UP_CALLS = 500;

/** Microseconds per call, after the warm-up. */
export interface CallTimes {
  p25: number;
  p50: number;
  p75: number;
  mean: number;
}

export interface OwnerStatementBench {
  entities: number;
  calls: number;
  wayfinder: CallTimes;
  bareBolt: CallTimes;
}

/** Imports the organisation (`entities` of them), then times `calls` lookups of random components' owners with each. */
export async function benchOwnerStatement(opts: {
  databaseUrl: string;
  entities: number;
  calls: number;
  progress(line: string): void;
}): Promise<OwnerStatementBench> {
  const temp = await mkdtemp(join(tmpdir(), 'wayfinder-owner-statement-'));
  const database = await createBenchDatabase(opts.databaseUrl, '_statement');
  try {
    const org = await writeSyntheticOrg({ dir: join(temp, 'catalog'), entities: opts.entities });
    const config = loadConfig({ DATABASE_URL: database.url, WAYFINDER_DEMO: 'false', LOG_LEVEL: 'warn' });
    const wayfinder = await openWayfinder(config, createLogger({ level: 'warn', name: 'bench' }));
    const floor = await openFloorDatabase({ kind: 'postgres', url: database.url });
    try {
      opts.progress(`[statement] importing ${opts.entities} entities and ${org.userEmails.length} Slack ids…`);
      await importCatalog({ paths: [join(temp, 'catalog')], store: wayfinder.store });
      for (const [i, email] of org.userEmails.entries()) {
        await wayfinder.store.saveChatIdentity({ identity: { platform: 'slack', platformUserId: `U${i}`, email } });
      }
      opts.progress(`[statement] ${opts.calls} lookups with each…`);
      const wayfinderMs: number[] = [];
      const bareBoltMs: number[] = [];
      for (let call = 0; call < opts.calls; call++) {
        const name = org.components[Math.floor(Math.random() * org.components.length)]?.name ?? '';
        let started = performance.now();
        const found = await wayfinder.store.findOwnership({ text: name, platform: 'slack' });
        wayfinderMs.push(performance.now() - started);
        started = performance.now();
        const row = await floor.query(name);
        bareBoltMs.push(performance.now() - started);
        if (!found.ownership?.owner || !row) throw new Error(`No owner found for ${name}.`);
      }
      return {
        entities: opts.entities,
        calls: opts.calls,
        wayfinder: callTimes(wayfinderMs.slice(WARM_UP_CALLS)),
        bareBolt: callTimes(bareBoltMs.slice(WARM_UP_CALLS)),
      };
    } finally {
      await floor.end();
      await wayfinder.close();
    }
  } finally {
    await database.drop();
    await rm(temp, { recursive: true, force: true });
  }
}

export function renderOwnerStatementReport(bench: OwnerStatementBench): string {
  const row = (label: string, times: CallTimes) =>
    `| ${label} | ${times.p25} | ${times.p50} | ${times.p75} | ${times.mean} |`;
  return [
    '',
    `### /owner lookup alone (postgres, ${bench.entities} entities, ${bench.calls} calls each, interleaved)`,
    '',
    '| µs per call | p25 | p50 | p75 | mean |',
    '|---|---|---|---|---|',
    row("Wayfinder's findOwnership", bench.wayfinder),
    row("bare Bolt's SELECT (sent as bare Bolt sends it: unnamed, so planned on every call)", bench.bareBolt),
    '',
  ].join('\n');
}

function callTimes(ms: readonly number[]): CallTimes {
  const sorted = [...ms].sort((a, b) => a - b);
  const us = (value: number | undefined) => Math.round((value ?? Number.NaN) * 1000);
  return {
    p25: us(sorted[Math.floor(sorted.length * 0.25)]),
    p50: us(sorted[Math.floor(sorted.length * 0.5)]),
    p75: us(sorted[Math.floor(sorted.length * 0.75)]),
    mean: us(sorted.reduce((total, value) => total + value, 0) / sorted.length),
  };
}
