/**
 * `npm run bench [-- --entities N --duration S --database pglite|postgres|both --cpu-prof --vacuum-analyze
 *   --only owner|sync|docs --sync-repositories N --sync-latency MS --docs-chunks N]`
 *
 * Builds a synthetic organisation of N entities, imports it, then measures `/owner` through the real Slack HTTP
 * path against a bare Bolt app (./bare-bolt.ts) and the floor (./floor.ts), and prints one markdown table per database.
 *
 * Process layout, chosen for honest numbers on a 2-core machine:
 * - this process generates the files, times the import, runs the fake Slack Web API and the load generator;
 * - the server under test runs in a child process of its own (./server-process.ts), so its event loop never shares
 *   a thread with the load generator: in one process, every request would pay for both sides and the latency
 *   would include the generator's own queueing;
 * - the bare Bolt app and the floor run in child processes started the same way, against the same database, with the
 *   same pool size, the same pre-signed request bytes and the same load loop. Whatever CPU the generator and Postgres
 *   take from the two cores, they take from every server alike, so the ratios ours/bare Bolt and ours/floor are the
 *   numbers to trust; the absolute numbers are this machine's.
 * The servers run one after the other, never together.
 *
 * On Postgres the bench creates its own database (`wayfinder_bench_<pid>`) on the server `DATABASE_URL` points at
 * and drops it afterwards; on PGlite it uses a data directory under the system temp directory.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundle } from '../bin/bundle.js';
import { loadConfig } from '../src/config.ts';
import { importCatalog } from '../src/ingestion/import-catalog.ts';
import { createLogger } from '../src/logger.ts';
import { openWayfinder } from '../src/main.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../test/fakes/slack-api.ts';
import { slashCommandRequest } from '../test/helpers/slack-requests.ts';
import { createBenchDatabase } from './bench-database.ts';
import { benchDocs, renderDocsReport } from './docs.ts';
import type { FloorDatabase } from './floor.ts';
import { benchGitHubSync, type SyncBench } from './github-sync.ts';
import { type LoadRequest, type LoadResult, runLoad, sendEach } from './load.ts';
import { benchOwnerStatement, renderOwnerStatementReport } from './owner-statement.ts';
import { readCpuSnapshot } from './proc-cpu.ts';
import { benchProvision, type ProvisionBench, renderProvisionReport } from './provision.ts';
import { benchDigest, benchEvaluation, renderScorecardRows } from './scorecards.ts';
import type { ChildMessage, ParentMessage, ServerRole } from './server-process.ts';
import { type SyntheticComponent, writeSyntheticOrg } from './synthetic-org.ts';

/** The issues' targets, set for Postgres with 10,000 entities. */
const TARGETS = {
  importPerSecond: 2_000,
  /** `/owner` requests/s at concurrency 32, as a share of the bare Bolt app's (./bare-bolt.ts). */
  throughputShareOfBareBolt: 0.7,
  p50AtConcurrency1Ms: 1,
  /** perf-reliability.md §7: Slack ack p99 < 1 s. */
  ackP99Ms: 1_000,
  serverRssMb: 200,
};

const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
/** How many people ask: a handful, as in a real workspace. Their identities are learned once, then known. */
const VIEWERS = 16;
/** Requests are pre-signed into a pool this large and drawn from at random. */
const REQUEST_POOL = 4_096;
const HIGH_CONCURRENCY = 32;
/** The priming pass stops here even if components are left, so that PGlite at 10,000 entities stays within minutes. */
const PRIMING_BUDGET_MS = 30_000;

type DatabaseKind = 'pglite' | 'postgres';

interface BenchOptions {
  entities: number;
  durationS: number;
  /** Rounds of measured phases, every server in turn in each (see `measureServers`). */
  rounds: number;
  databaseUrl?: string;
  /** Write a V8 CPU profile of each server during its measured phase at concurrency 32. */
  cpuProfDir?: string;
  /**
   * Have the server run `VACUUM ANALYZE` after the priming pass (the import and the identity learning), as autovacuum
   * would within a minute or so. Without it the numbers are those of the catalog as the import leaves it, which on a
   * server without autovacuum, and on PGlite (which has none), is how it stays.
   */
  vacuumAnalyze: boolean;
}

interface ServerStats {
  rssMaxMb: number;
  cpuUserMs: number;
  cpuSystemMs: number;
}

interface CpuPerRequest {
  serverUs: number;
  /** All `postgres` processes; NaN without /proc, and meaningless on PGlite (inside the server). */
  postgresUs: number;
  /** This process: load generator and fake Slack. */
  loadGeneratorUs: number;
  /** Every busy core of the machine, whoever used it. */
  machineUs: number;
}

interface ServerRun {
  priming: Awaited<ReturnType<typeof sendEach>>;
  /** The rounds combined (see `combine`): medians of requests/s and p50. */
  c1: LoadResult;
  c32: LoadResult;
  /** Each round's phase, in order. */
  rounds: { c1: LoadResult[]; c32: LoadResult[] };
  /** Where the CPU went, per request, in the measured phase at concurrency 32. */
  cpu: CpuPerRequest;
  /** Slack Web API calls (background identity learning) per request in the measured phases. */
  slackCallsPerRequest: number;
  /** Seconds the server's `VACUUM ANALYZE` took, when asked for. */
  vacuumSeconds?: number;
  rssMaxMb: number;
}

interface ImportRun {
  seconds: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: string[];
}

interface DatabaseRun {
  kind: DatabaseKind;
  entities: number;
  files: number;
  first: ImportRun;
  second: ImportRun;
  importRssMaxMb: number;
  ours: ServerRun;
  bareBolt: ServerRun;
  floor: ServerRun;
  benchRssMaxMb: number;
  seconds: number;
  /** 1-minute load average before and after: anything else running on the machine skews every number. */
  loadBefore: number;
  loadAfter: number;
}

const USAGE = `Usage: npm run bench -- [options]

Builds a synthetic organisation, imports it, and measures /owner through the Slack HTTP path against a bare
node:http floor; then the GitHub sync. Prints one markdown table per database.

Options:
  --entities N            entities in the synthetic organisation (default 10000, at least 40)
  --duration S            seconds per measured phase (default 3, at most 240)
  --rounds N              rounds of measured phases, each server in turn in each (default 5)
  --database KIND         pglite, postgres or both (default: postgres when DATABASE_URL is set, else pglite)
  --only owner|statement|sync|provision|docs|scorecards
                          run one section only
  --docs-chunks N         chunks in the docs section's search index (default 100000)
  --calls N               lookups of each kind in the statement section (default 12000, at least 1000)
  --sync-repositories N   repositories in the GitHub sync section (default 2000)
  --sync-latency MS       the fake GitHub's latency per request (default 20)
  --cpu-prof              write a V8 CPU profile of each server during its measured phase
  --vacuum-analyze        VACUUM ANALYZE after the priming pass, as autovacuum would
  -h, --help              show this help`;

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseBenchArgs>;
  try {
    parsed = parseBenchArgs();
  } catch (error) {
    // parseArgs's own message names the option (ERR_PARSE_ARGS_UNKNOWN_OPTION, …); one line, then the usage hint.
    const message = error instanceof Error ? (error.message.split(/\.\s|\n/)[0] ?? error.message) : String(error);
    throw new UsageError(`${message}. See --help.`);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  await runBench(values);
}

function parseBenchArgs() {
  return parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      entities: { type: 'string', default: '10000' },
      duration: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '5' },
      database: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'vacuum-analyze': { type: 'boolean', default: false },
      only: { type: 'string' },
      'sync-repositories': { type: 'string', default: '2000' },
      'sync-latency': { type: 'string', default: '20' },
      'docs-chunks': { type: 'string', default: '100000' },
      calls: { type: 'string', default: '12000' },
    },
  });
}

async function runBench(values: ReturnType<typeof parseBenchArgs>['values']): Promise<void> {
  const only = values.only;
  if (only !== undefined && !['owner', 'statement', 'sync', 'provision', 'docs', 'scorecards'].includes(only)) {
    throw new UsageError(`--only must be owner, statement, sync, provision, docs or scorecards, not "${only}".`);
  }
  const docsChunks = Number(values['docs-chunks']);
  if (!Number.isInteger(docsChunks) || docsChunks < 1_000)
    throw new UsageError('--docs-chunks must be a whole number, at least 1000.');
  const syncRepositories = Number(values['sync-repositories']);
  const syncLatencyMs = Number(values['sync-latency']);
  if (!Number.isInteger(syncRepositories) || syncRepositories < 10)
    throw new UsageError('--sync-repositories must be a whole number, at least 10.');
  if (!(syncLatencyMs >= 0)) throw new UsageError('--sync-latency must be a number of milliseconds, at least 0.');
  const calls = Number(values.calls);
  if (!Number.isInteger(calls) || calls < 1_000) throw new UsageError('--calls must be a whole number, at least 1000.');
  const entities = Number(values.entities);
  const durationS = Number(values.duration);
  if (!Number.isInteger(entities) || entities < 40)
    throw new UsageError('--entities must be a whole number, at least 40.');
  if (!(durationS > 0) || durationS > 240)
    throw new UsageError('--duration must be a number of seconds, above 0 and at most 240.');
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50)
    throw new UsageError('--rounds must be a whole number from 1 to 50.');
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  const choice = values.database ?? (databaseUrl ? 'postgres' : 'pglite');
  if (choice !== 'pglite' && choice !== 'postgres' && choice !== 'both') {
    throw new UsageError(`--database must be pglite, postgres or both, not "${choice}".`);
  }
  const kinds: DatabaseKind[] = choice === 'both' ? ['pglite', 'postgres'] : [choice];
  if (kinds.includes('postgres') && !databaseUrl) {
    throw new UsageError('--database postgres needs DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres.');
  }
  const cpuProfDir = values['cpu-prof'] ? await mkdtemp(join(tmpdir(), 'wayfinder-bench-profiles-')) : undefined;
  const vacuumAnalyze = values['vacuum-analyze'] ?? false;

  for (const kind of kinds) {
    if (only === undefined || only === 'provision') {
      const provision = await benchProvisionOn(kind, databaseUrl);
      console.log(renderProvisionReport(kind, provision));
      if (only === 'provision') continue;
    }
    if (only === undefined || only === 'docs') {
      console.log(renderDocsReport(await benchDocs({ kind, databaseUrl, chunks: docsChunks, progress })));
      if (only === 'docs') continue;
    }
    if (only === undefined || only === 'scorecards') {
      const url = kind === 'postgres' ? await createBenchDatabase(databaseUrl as string, '_scorecards') : undefined;
      try {
        const rows = [...(await benchEvaluation(url?.url)), ...(await benchDigest(url?.url))];
        console.log(renderScorecardRows(kind, rows));
      } finally {
        await url?.drop();
      }
      if (only === 'scorecards') continue;
    }
    if (only === undefined || only === 'statement') {
      if (kind === 'postgres') {
        console.log(
          renderOwnerStatementReport(
            await benchOwnerStatement({ databaseUrl: databaseUrl as string, entities, calls, progress }),
          ),
        );
      } else if (only === 'statement') {
        progress('[pglite] the statement section runs on the Postgres server only (set DATABASE_URL)');
      }
      if (only === 'statement') continue;
    }
    if (only !== 'sync') {
      const run = await benchDatabase(kind, { entities, durationS, rounds, databaseUrl, cpuProfDir, vacuumAnalyze });
      console.log(renderReport(run, { durationS, rounds, vacuumAnalyze }));
    }
    if (only !== 'owner') {
      const sync = await benchSync(kind, { databaseUrl, repositories: syncRepositories, latencyMs: syncLatencyMs });
      console.log(renderSyncReport(kind, sync));
    }
  }
  if (cpuProfDir) progress(`CPU profiles of the server processes are in ${cpuProfDir}`);
}

async function benchDatabase(kind: DatabaseKind, opts: BenchOptions): Promise<DatabaseRun> {
  const started = performance.now();
  const [loadBefore = 0] = loadavg();
  const rss = new RssSampler();
  const temp = await mkdtemp(join(tmpdir(), 'wayfinder-bench-'));
  const database = kind === 'postgres' ? await createBenchDatabase(opts.databaseUrl as string) : undefined;
  const dataDir = join(temp, 'pglite');
  const databaseEnv: Record<string, string> = database
    ? { DATABASE_URL: database.url }
    : { WAYFINDER_DATA_DIR: dataDir };
  try {
    progress(`[${kind}] writing ${opts.entities} entities…`);
    const catalogDir = join(temp, 'catalog');
    const org = await writeSyntheticOrg({ dir: catalogDir, entities: opts.entities });
    progress(`[${kind}] ${org.files} files (${describeCounts(org.counts)}); importing…`);

    rss.mark();
    const { first, second } = await timeImports(databaseEnv, catalogDir);
    const importRssMaxMb = rss.markMax();
    progress(
      `[${kind}] import ${first.created} created in ${first.seconds.toFixed(2)} s; again: ${second.unchanged} unchanged in ${second.seconds.toFixed(2)} s`,
    );

    const slack = await startFakeSlackApi();
    // Everyone in the catalog has a Slack account, as in a real workspace; the viewers are the first few Users.
    slack.users.add(...org.userEmails.map((email, i) => ({ id: slackUserId(i), email })));
    try {
      const floorDatabase: FloorDatabase = database
        ? { kind: 'postgres', url: database.url }
        : { kind: 'pglite', dataDir };
      const underTest = (label: string, role: ServerRole): ServerUnderTest => ({
        label: `${kind} ${label}`,
        role,
        rssMaxMb: 0,
        phases: { c1: [], c32: [] },
      });
      const servers = [
        underTest('wayfinder', {
          role: 'wayfinder',
          env: {
            ...databaseEnv,
            WAYFINDER_DEMO: 'false',
            PORT: '0',
            HOST: '127.0.0.1',
            SLACK_BOT_TOKEN: 'xoxb-bench-0000',
            SLACK_SIGNING_SECRET: SIGNING_SECRET,
            SLACK_API_URL: slack.url,
            LOG_LEVEL: 'warn',
          },
        }),
        underTest('bare Bolt', {
          role: 'bare-bolt',
          database: floorDatabase,
          signingSecret: SIGNING_SECRET,
          botToken: 'xoxb-bench-0000',
          slackApiUrl: slack.url,
        }),
        underTest('floor', { role: 'floor', database: floorDatabase }),
      ];
      await measureServers(servers, org.components, slack, { ...opts, keepAlive: kind === 'postgres' });
      const [ours, bareBolt, floor] = servers.map(summarize) as [ServerRun, ServerRun, ServerRun];
      return {
        kind,
        entities: org.total,
        files: org.files,
        first,
        second,
        importRssMaxMb,
        ours,
        bareBolt,
        floor,
        benchRssMaxMb: rss.max(),
        seconds: (performance.now() - started) / 1000,
        loadBefore,
        loadAfter: loadavg()[0] ?? 0,
      };
    } finally {
      await slack.close();
    }
  } finally {
    rss.stop();
    await database?.drop();
    await rm(temp, { recursive: true, force: true });
  }
}

/** Times `importCatalog` on a fresh catalog, then again on the same, unchanged files. */
async function timeImports(
  databaseEnv: Record<string, string>,
  catalogDir: string,
): Promise<{ first: ImportRun; second: ImportRun }> {
  const config = loadConfig({ ...databaseEnv, WAYFINDER_DEMO: 'false', LOG_LEVEL: 'warn' });
  const wayfinder = await openWayfinder(config, createLogger({ level: 'warn', name: 'bench' }));
  try {
    const timeOne = async (): Promise<ImportRun> => {
      const t0 = performance.now();
      const { counts, errors } = await importCatalog({ paths: [catalogDir], store: wayfinder.store });
      const seconds = (performance.now() - t0) / 1000;
      const described = errors
        .slice(0, 5)
        .map((error) => `${error.location}:${error.line ?? ''} ${error.field ?? ''} ${error.message}`);
      return { seconds, ...counts, errors: described };
    };
    const first = await timeOne();
    const second = await timeOne();
    return { first, second };
  } finally {
    await wayfinder.close();
  }
}

/**
 * A server under test. On Postgres the three stay up through every round, each idle while another is measured; on
 * PGlite, where one process at a time may open the data directory, each is started for its turn and stopped after.
 * Only its first start primes it (the later ones find its identities learned and warm up before each phase).
 */
interface ServerUnderTest {
  label: string;
  role: ServerRole;
  process?: ServerProcess;
  priming?: Awaited<ReturnType<typeof sendEach>>;
  vacuumSeconds?: number;
  rssMaxMb: number;
  phases: { c1: Phase[]; c32: Phase[] };
}

/** One measured phase: its load result, and what it cost in CPU milliseconds (summed over rounds in the report). */
interface Phase {
  result: LoadResult;
  slackCalls: number;
  cpuMs: { server: number; postgres: number; loadGenerator: number; machine: number };
}

/**
 * Measures the servers in rounds: in each, every server in turn at concurrency 1, then 32, each round starting with the
 * next server. Runs minutes apart on this kind of machine differ by more than the code does (the same commit gave
 * 0.71× and 0.56× bare Bolt hours apart, and 0.84× and 0.50× in two runs in a row), so each server's ratio to another
 * is taken within a round, seconds apart, and the report gives the median over the rounds.
 */
async function measureServers(
  servers: ServerUnderTest[],
  components: readonly SyntheticComponent[],
  slack: FakeSlackApi,
  opts: BenchOptions & { keepAlive: boolean },
): Promise<void> {
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      // Each round starts with the next server, so that none is always the one measured right after the others.
      const turn = (round - 1) % servers.length;
      for (const server of [...servers.slice(turn), ...servers.slice(0, turn)]) {
        const running = server.process ?? (await startServer(server, components, slack, opts));
        const measure = phaseMeasurer(server, running, components, slack, opts);
        server.phases.c1.push(await measure(1, round));
        const profilePath =
          opts.cpuProfDir &&
          round === opts.rounds &&
          join(opts.cpuProfDir, `${server.label.replace(/\W+/g, '-')}-c${HIGH_CONCURRENCY}.cpuprofile`);
        server.phases.c32.push(await measure(HIGH_CONCURRENCY, round, profilePath || undefined));
        if (!opts.keepAlive) await stopServer(server);
      }
    }
  } finally {
    for (const server of servers) await stopServer(server);
  }
}

async function startServer(
  server: ServerUnderTest,
  components: readonly SyntheticComponent[],
  slack: FakeSlackApi,
  opts: BenchOptions,
): Promise<ServerProcess> {
  progress(`[${server.label}] starting…`);
  const running = await startServerProcess(server.role);
  server.process = running;
  if (server.priming) return running;
  // Every component once (within the budget): checks every answer, learns identities, warms the caches.
  const slackCallsBefore = slack.calls.length;
  server.priming = await sendEach({
    host: '127.0.0.1',
    port: running.port,
    concurrency: HIGH_CONCURRENCY,
    requests: owners(shuffled(components), slack),
    budgetMs: PRIMING_BUDGET_MS,
  });
  const { priming } = server;
  progress(
    `[${server.label}] priming: ${priming.completed} of ${components.length} components, ${priming.failures} failed, ${Math.round(priming.requestsPerSecond)}/s, ${slack.calls.length - slackCallsBefore} Slack API calls`,
  );
  if (opts.vacuumAnalyze && server.role.role === 'wayfinder') {
    server.vacuumSeconds = await running.vacuumAnalyze();
    progress(`[${server.label}] VACUUM ANALYZE: ${server.vacuumSeconds.toFixed(2)} s`);
  }
  return running;
}

async function stopServer(server: ServerUnderTest): Promise<void> {
  const running = server.process;
  if (!running) return;
  server.process = undefined;
  try {
    server.rssMaxMb = Math.max(server.rssMaxMb, (await running.stats()).rssMaxMb);
  } finally {
    await running.close();
  }
}

/** Signed `/owner <name>` requests for `list`, in its order, each expecting the component's owner in its answer. */
function owners(list: readonly SyntheticComponent[], slack: FakeSlackApi): LoadRequest[] {
  const responseUrl = slack.responseUrl('bench');
  return list.map((component, i) => {
    const { body, headers } = slashCommandRequest(
      {
        command: '/owner',
        text: component.name,
        userId: slackUserId(i % VIEWERS),
        channelId: 'C0BENCH01',
        responseUrl,
      },
      { secret: SIGNING_SECRET },
    );
    return {
      method: 'POST',
      path: '/slack/events',
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      body: Buffer.from(body),
      expect: `is owned by ${component.ownerDisplayName}`,
    };
  });
}

/** Runs one measured phase on `running` (after a warm-up at the same concurrency) and says what it cost. */
function phaseMeasurer(
  server: ServerUnderTest,
  running: ServerProcess,
  components: readonly SyntheticComponent[],
  slack: FakeSlackApi,
  opts: BenchOptions,
) {
  const base = { host: '127.0.0.1', port: running.port };
  const randomPool = () =>
    owners(
      Array.from({ length: Math.min(REQUEST_POOL, components.length * 4) }, () => pickRandom(components)),
      slack,
    );
  const warmupMs = Math.max(500, opts.durationS * 200);
  const role = server.role;
  const onPglite = role.role === 'wayfinder' ? !role.env.DATABASE_URL : role.database.kind === 'pglite';
  return async (concurrency: number, round: number, profilePath?: string): Promise<Phase> => {
    await runLoad({ ...base, concurrency, durationMs: warmupMs, requests: randomPool() });
    const requests = randomPool();
    if (profilePath) await running.startProfile();
    const before = await running.stats();
    const machineBefore = await readCpuSnapshot();
    const benchBefore = process.cpuUsage();
    const slackCallsBefore = slack.calls.length;
    const result = await runLoad({ ...base, concurrency, durationMs: opts.durationS * 1000, requests });
    const bench = process.cpuUsage(benchBefore);
    const machineAfter = await readCpuSnapshot();
    const after = await running.stats();
    if (profilePath)
      progress(`[${server.label}] CPU profile at c=${concurrency}: ${await running.stopProfile(profilePath)}`);
    const slackCalls = slack.calls.length - slackCallsBefore;
    progress(
      `[${server.label}] round ${round} c=${concurrency}: ${Math.round(result.requestsPerSecond)}/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, max ${result.maxMs.toFixed(0)} ms, ${result.failures} failed, ${slackCalls} Slack API calls`,
    );
    const measured = machineBefore && machineAfter;
    return {
      result,
      slackCalls,
      cpuMs: {
        server: after.cpuUserMs + after.cpuSystemMs - before.cpuUserMs - before.cpuSystemMs,
        postgres: measured && !onPglite ? machineAfter.postgresMs - machineBefore.postgresMs : Number.NaN,
        loadGenerator: (bench.user + bench.system) / 1000,
        machine: measured ? machineAfter.machineMs - machineBefore.machineMs : Number.NaN,
      },
    };
  };
}

/** A server's rounds as one run: medians of requests/s and p50, the worst p99 and maximum, totals of the rest. */
function summarize(server: ServerUnderTest): ServerRun {
  const c1 = server.phases.c1.map((phase) => phase.result);
  const c32 = server.phases.c32.map((phase) => phase.result);
  const all = [...server.phases.c1, ...server.phases.c32];
  const completed32 = Math.max(1, sum(c32.map((result) => result.completed)));
  const cpu32 = (key: keyof Phase['cpuMs']) =>
    (sum(server.phases.c32.map((phase) => phase.cpuMs[key])) * 1000) / completed32;
  if (!server.priming) throw new Error(`${server.label} was never started`);
  return {
    priming: server.priming,
    c1: combine(c1),
    c32: combine(c32),
    rounds: { c1, c32 },
    cpu: {
      serverUs: cpu32('server'),
      postgresUs: cpu32('postgres'),
      loadGeneratorUs: cpu32('loadGenerator'),
      machineUs: cpu32('machine'),
    },
    slackCallsPerRequest:
      sum(all.map((phase) => phase.slackCalls)) / Math.max(1, sum(all.map((phase) => phase.result.completed))),
    ...(server.vacuumSeconds === undefined ? {} : { vacuumSeconds: server.vacuumSeconds }),
    rssMaxMb: server.rssMaxMb,
  };
}

function combine(results: readonly LoadResult[]): LoadResult {
  const first = results[0];
  if (!first) throw new Error('No phase was measured');
  return {
    concurrency: first.concurrency,
    completed: sum(results.map((result) => result.completed)),
    failures: sum(results.map((result) => result.failures)),
    failureSamples: results.flatMap((result) => result.failureSamples).slice(0, 5),
    requestsPerSecond: median(results.map((result) => result.requestsPerSecond)),
    p50Ms: median(results.map((result) => result.p50Ms)),
    p99Ms: Math.max(...results.map((result) => result.p99Ms)),
    maxMs: Math.max(...results.map((result) => result.maxMs)),
    overOneSecond: sum(results.map((result) => result.overOneSecond)),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface ServerProcess {
  port: number;
  stats(): Promise<ServerStats>;
  startProfile(): Promise<void>;
  /** Runs `VACUUM ANALYZE` on the server's own database connection; resolves with the seconds it took. */
  vacuumAnalyze(): Promise<number>;
  /** Resolves with the path written. */
  stopProfile(path: string): Promise<string>;
  close(): Promise<void>;
}

async function startServerProcess(role: ServerRole): Promise<ServerProcess> {
  // Bundled as `bin/wayfinder.js` runs the CLI, so each server is measured as users run Wayfinder (tsx's loader alone
  // costs about 70 MB of RSS).
  const serverProcess = fileURLToPath(
    await bundle('bench/server-process.ts', { name: 'bench-server', folders: ['src', 'bench'] }),
  );
  const child: ChildProcess = fork(serverProcess, [JSON.stringify(role)], {
    execArgv: ['--enable-source-maps'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type === 'failed') {
          cleanup();
          reject(new Error(`The ${role.role} server failed:\n${message.message}`));
        } else if (message.type === type) {
          cleanup();
          resolve(message as Extract<ChildMessage, { type: T }>);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`The ${role.role} server exited (code ${code}) before answering`));
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  const send = (message: ParentMessage) => child.send(message);

  const { port } = await next('ready');
  return {
    port,
    async stats() {
      const answer = next('stats');
      send({ type: 'stats' });
      const { rssMaxMb, cpuUserMs, cpuSystemMs } = await answer;
      return { rssMaxMb, cpuUserMs, cpuSystemMs };
    },
    async startProfile() {
      send({ type: 'profile-start' });
    },
    async vacuumAnalyze() {
      const answer = next('vacuumed');
      send({ type: 'vacuum-analyze' });
      return (await answer).seconds;
    },
    async stopProfile(path) {
      const answer = next('profiled');
      send({ type: 'profile-stop', path });
      return (await answer).path;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Samples this process's RSS; the server processes sample their own. */
class RssSampler {
  private overall = 0;
  private sinceMark = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 50) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const rss = process.memoryUsage.rss();
    this.overall = Math.max(this.overall, rss);
    this.sinceMark = Math.max(this.sinceMark, rss);
  }

  mark(): void {
    this.sinceMark = 0;
    this.sample();
  }

  /** Largest RSS since `mark()`, in MB. */
  markMax(): number {
    this.sample();
    return this.sinceMark / 2 ** 20;
  }

  max(): number {
    this.sample();
    return this.overall / 2 ** 20;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report

type Row = [metric: string, value: string, target: string, ok: string];

function renderReport(run: DatabaseRun, opts: { durationS: number; rounds: number; vacuumAnalyze: boolean }): string {
  const { ours, bareBolt, floor } = run;
  const pass = (ok: boolean) => (ok ? '✅' : '❌');
  const none = '—';
  const importRate = run.entities / run.first.seconds;
  const rerunRate = run.entities / run.second.seconds;
  const floorOnPglite = run.kind === 'pglite';
  const floorLabel = floorOnPglite ? 'floor (node:http + PGlite, same data dir)' : 'floor (node:http + pg, one SELECT)';
  const failures = ours.priming.failures + ours.c1.failures + ours.c32.failures;
  const requests = ours.priming.completed + ours.c1.completed + ours.c32.completed;
  const floorFailures = floor.priming.failures + floor.c1.failures + floor.c32.failures;
  const boltFailures = bareBolt.priming.failures + bareBolt.c1.failures + bareBolt.c32.failures;
  // Within each round ours and bare Bolt ran seconds apart; the target is judged on the median of those ratios.
  const roundShares = (concurrency: 'c1' | 'c32') =>
    ours.rounds[concurrency].map(
      (result, i) => result.requestsPerSecond / (bareBolt.rounds[concurrency][i]?.requestsPerSecond ?? Number.NaN),
    );
  const boltShare32 = median(roundShares('c32'));
  const describeShares = (concurrency: 'c1' | 'c32') => {
    const shares = roundShares(concurrency);
    const each = shares.map((share) => share.toFixed(2)).join(', ');
    return shares.length > 1 ? `${median(shares).toFixed(2)}× (rounds: ${each})` : `${each}×`;
  };

  const rows: Row[] = [
    [
      'catalog import, fresh (entities/s)',
      `${fmt(importRate, 0)} (${run.first.created} created in ${fmt(run.first.seconds, 2)} s, ${run.files} files)`,
      `≥ ${fmt(TARGETS.importPerSecond, 0)}`,
      pass(importRate >= TARGETS.importPerSecond && run.first.failed === 0 && run.first.created === run.entities),
    ],
    [
      'catalog import, unchanged files again (entities/s)',
      `${fmt(rerunRate, 0)} (${run.second.unchanged} unchanged, ${run.second.created + run.second.updated} written, in ${fmt(run.second.seconds, 2)} s)`,
      'writes nothing',
      pass(
        run.second.created + run.second.updated === 0 &&
          run.second.unchanged === run.entities &&
          run.second.failed === 0,
      ),
    ],
    ...(ours.vacuumSeconds === undefined
      ? []
      : [['VACUUM ANALYZE after the priming pass (s)', fmt(ours.vacuumSeconds, 2), none, none] satisfies Row]),
    ['/owner c=1 (requests/s)', fmt(ours.c1.requestsPerSecond, 0), none, none],
    [
      '/owner c=1 p50 (ms)',
      fmt(ours.c1.p50Ms, 2),
      `< ${TARGETS.p50AtConcurrency1Ms}`,
      pass(ours.c1.p50Ms < TARGETS.p50AtConcurrency1Ms),
    ],
    [
      '/owner c=1 p99 (ms)',
      `${fmt(ours.c1.p99Ms, 2)} (max ${fmt(ours.c1.maxMs, 0)})`,
      `< ${fmt(TARGETS.ackP99Ms, 0)} (§7 ack)`,
      pass(ours.c1.p99Ms < TARGETS.ackP99Ms),
    ],
    [
      `/owner c=${HIGH_CONCURRENCY} (requests/s)`,
      fmt(ours.c32.requestsPerSecond, 0),
      `≥ ${fmt(bareBolt.c32.requestsPerSecond * TARGETS.throughputShareOfBareBolt, 0)} (${TARGETS.throughputShareOfBareBolt}× bare Bolt)`,
      pass(boltShare32 >= TARGETS.throughputShareOfBareBolt),
    ],
    [`/owner c=${HIGH_CONCURRENCY} p50 (ms)`, fmt(ours.c32.p50Ms, 2), none, none],
    [
      `/owner c=${HIGH_CONCURRENCY} p99 (ms)`,
      `${fmt(ours.c32.p99Ms, 2)} (max ${fmt(ours.c32.maxMs, 0)}; ${ours.c32.overOneSecond} of ${ours.c32.completed} over 1 s)`,
      `< ${fmt(TARGETS.ackP99Ms, 0)} (§7 ack)`,
      pass(ours.c32.p99Ms < TARGETS.ackP99Ms),
    ],
    ['/owner failed answers (non-200 or owner missing)', `${failures} of ${requests}`, '0', pass(failures === 0)],
    [`/owner CPU per request at c=${HIGH_CONCURRENCY} (µs): ${CPU_COLUMNS}`, describeCpu(ours.cpu), none, none],
    ['/owner Slack Web API calls per request, measured phases', fmt(ours.slackCallsPerRequest, 3), none, none],
    ['bare Bolt (HTTPReceiver, one SELECT) c=1 (requests/s)', fmt(bareBolt.c1.requestsPerSecond, 0), none, none],
    ['bare Bolt c=1 p50 / p99 (ms)', `${fmt(bareBolt.c1.p50Ms, 2)} / ${fmt(bareBolt.c1.p99Ms, 2)}`, none, none],
    [`bare Bolt c=${HIGH_CONCURRENCY} (requests/s)`, fmt(bareBolt.c32.requestsPerSecond, 0), none, none],
    [
      `bare Bolt c=${HIGH_CONCURRENCY} p50 / p99 (ms)`,
      `${fmt(bareBolt.c32.p50Ms, 2)} / ${fmt(bareBolt.c32.p99Ms, 2)}`,
      none,
      none,
    ],
    ['bare Bolt failed answers', `${boltFailures}`, '0', pass(boltFailures === 0)],
    [`bare Bolt CPU per request at c=${HIGH_CONCURRENCY} (µs): ${CPU_COLUMNS}`, describeCpu(bareBolt.cpu), none, none],
    [`${floorLabel} c=1 (requests/s)`, fmt(floor.c1.requestsPerSecond, 0), none, none],
    [`${floorLabel} c=1 p50 / p99 (ms)`, `${fmt(floor.c1.p50Ms, 2)} / ${fmt(floor.c1.p99Ms, 2)}`, none, none],
    [`${floorLabel} c=${HIGH_CONCURRENCY} (requests/s)`, fmt(floor.c32.requestsPerSecond, 0), none, none],
    [
      `${floorLabel} c=${HIGH_CONCURRENCY} p50 / p99 (ms)`,
      `${fmt(floor.c32.p50Ms, 2)} / ${fmt(floor.c32.p99Ms, 2)}`,
      none,
      none,
    ],
    ['floor failed answers', `${floorFailures}`, '0', pass(floorFailures === 0)],
    [`floor CPU per request at c=${HIGH_CONCURRENCY} (µs): ${CPU_COLUMNS}`, describeCpu(floor.cpu), none, none],
    ['ours/bare Bolt requests/s, c=1, median of rounds', describeShares('c1'), none, none],
    [
      `ours/bare Bolt requests/s, c=${HIGH_CONCURRENCY}, median of rounds`,
      describeShares('c32'),
      `≥ ${TARGETS.throughputShareOfBareBolt}`,
      pass(boltShare32 >= TARGETS.throughputShareOfBareBolt),
    ],
    ['ours/floor requests/s, c=1', ratio(ours.c1.requestsPerSecond, floor.c1.requestsPerSecond), none, none],
    [
      `ours/floor requests/s, c=${HIGH_CONCURRENCY}`,
      ratio(ours.c32.requestsPerSecond, floor.c32.requestsPerSecond),
      none,
      none,
    ],
    ['ours/floor p50, c=1', ratio(ours.c1.p50Ms, floor.c1.p50Ms), none, none],
    [`ours/floor p50, c=${HIGH_CONCURRENCY}`, ratio(ours.c32.p50Ms, floor.c32.p50Ms), none, none],
    ['peak RSS, bench process during import (MB)', fmt(run.importRssMaxMb, 0), none, none],
    ['peak RSS, bench process whole run (MB)', fmt(run.benchRssMaxMb, 0), none, none],
    [
      'peak RSS, Wayfinder server (MB)',
      fmt(ours.rssMaxMb, 0),
      `< ${TARGETS.serverRssMb}`,
      pass(ours.rssMaxMb < TARGETS.serverRssMb),
    ],
    ['peak RSS, bare Bolt server (MB)', fmt(bareBolt.rssMaxMb, 0), none, none],
    ['peak RSS, floor server (MB)', fmt(floor.rssMaxMb, 0), none, none],
  ];

  const lines = [
    '',
    `### Wayfinder bench: ${run.kind}, ${fmt(run.entities, 0)} entities, ${opts.rounds} rounds of ${opts.durationS} s per load phase${opts.vacuumAnalyze ? ', VACUUM ANALYZE before measuring' : ', no VACUUM ANALYZE'} (${fmt(run.seconds, 0)} s in all)`,
    '',
    '| metric | value | target | ok |',
    '|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    'Targets are set for Postgres with 10,000 entities; on other runs the ok column is indicative. RSS is sampled every 50 ms per process.',
    'Each round measures every server in turn; requests/s and p50 are medians over the rounds, p99 and max the worst round, CPU per request over all rounds.',
    `Machine: ${availableParallelism()} CPUs, 1-minute load average ${run.loadBefore.toFixed(2)} before and ${run.loadAfter.toFixed(2)} after (the bench itself adds about 2; much more means something else was running).`,
  ];
  const problems = [
    ...run.first.errors.map((error) => `import error: ${error}`),
    ...run.second.errors.map((error) => `re-import error: ${error}`),
    ...[ours.priming, ours.c1, ours.c32].flatMap((result) =>
      result.failureSamples.map((sample) => `/owner failure: ${sample}`),
    ),
    ...[bareBolt.priming, bareBolt.c1, bareBolt.c32].flatMap((result) =>
      result.failureSamples.map((sample) => `bare Bolt failure: ${sample}`),
    ),
    ...[floor.priming, floor.c1, floor.c32].flatMap((result) =>
      result.failureSamples.map((sample) => `floor failure: ${sample}`),
    ),
  ];
  if (problems.length > 0)
    lines.push('', 'Failures (first few of each phase):', ...problems.map((problem) => `- ${problem}`));
  return lines.join('\n');
}

/** The GitHub sync benchmark, on a database of its own. */
/** The self-service rows (bench/provision.ts) on a fresh database of `kind`. */
async function benchProvisionOn(kind: DatabaseKind, databaseUrl: string | undefined): Promise<ProvisionBench> {
  const temp = await mkdtemp(join(tmpdir(), 'wayfinder-bench-provision-'));
  const database = kind === 'postgres' ? await createBenchDatabase(databaseUrl as string, '_provision') : undefined;
  try {
    const databaseEnv: Record<string, string> = database
      ? { DATABASE_URL: database.url }
      : { WAYFINDER_DATA_DIR: join(temp, 'pglite') };
    return await benchProvision({ databaseEnv, latencyMs: 20, requests: 100, samples: 100, progress });
  } finally {
    await database?.drop();
    await rm(temp, { recursive: true, force: true });
  }
}

async function benchSync(
  kind: DatabaseKind,
  opts: { databaseUrl?: string; repositories: number; latencyMs: number },
): Promise<SyncBench> {
  const temp = await mkdtemp(join(tmpdir(), 'wayfinder-bench-sync-'));
  const database = kind === 'postgres' ? await createBenchDatabase(opts.databaseUrl as string, '_sync') : undefined;
  try {
    const databaseEnv: Record<string, string> = database
      ? { DATABASE_URL: database.url }
      : { WAYFINDER_DATA_DIR: join(temp, 'pglite') };
    return await benchGitHubSync({ databaseEnv, ...opts, progress });
  } finally {
    await database?.drop();
    await rm(temp, { recursive: true, force: true });
  }
}

function renderSyncReport(kind: DatabaseKind, sync: SyncBench): string {
  const pass = (ok: boolean) => (ok ? '✅' : '❌');
  const none = '—';
  const speedup = sync.first.seconds / sync.again.seconds;
  const share304 = sync.again.requests > 0 ? sync.again.notModified / sync.again.requests : 1;
  const rows: Row[] = [
    [
      'first sync (s)',
      `${fmt(sync.first.seconds, 2)} (${fmt(sync.first.requests, 0)} requests, ${fmt(sync.first.created, 0)} entities created, ${sync.first.failed} failed)`,
      none,
      pass(sync.first.failed === 0 && sync.first.read === sync.repositories),
    ],
    [
      'unchanged re-sync (s)',
      `${fmt(sync.again.seconds, 2)} (${fmt(sync.again.requests, 0)} requests, ${fmt(sync.again.notModified, 0)} answered 304; ${sync.again.read} repositories read, ${sync.again.created + sync.again.updated} entities written)`,
      '≥ 10× faster than the first, almost all 304',
      pass(speedup >= 10 && share304 >= 0.95 && sync.again.created + sync.again.updated === 0),
    ],
    ['re-sync speed-up', `${fmt(speedup, 1)}×`, '≥ 10×', pass(speedup >= 10)],
    [
      'one changed repository, webhook to stored (s)',
      fmt(sync.webhookSeconds, 3),
      '< 2',
      pass(sync.webhookSeconds < 2),
    ],
  ];
  return [
    '',
    `## GitHub sync on ${kind}: ${fmt(sync.repositories, 0)} repositories, ${sync.teams} teams, ${sync.people} people, ${sync.latencyMs} ms per request (${fmt(sync.entities, 0)} entities)`,
    '',
    '| metric | value | target | ok |',
    '|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

const CPU_COLUMNS = 'server / Postgres / load generator / whole machine';

function describeCpu(cpu: CpuPerRequest): string {
  return [cpu.serverUs, cpu.postgresUs, cpu.loadGeneratorUs, cpu.machineUs].map((us) => fmt(us, 0)).join(' / ');
}

function fmt(value: number, digits: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ratio(ours: number, floor: number): string {
  return Number.isFinite(ours / floor) ? `${(ours / floor).toFixed(2)}×` : 'n/a';
}

function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');
}

/** The Slack user id of the i-th synthetic User (0-based). */
function slackUserId(i: number): string {
  return `U0B${String(i + 1).padStart(6, '0')}`;
}

function pickRandom<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
