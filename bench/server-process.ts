/**
 * The entry point of the child process that serves during a load phase: either Wayfinder itself (the same
 * `openWayfinder` + `serveWayfinder` wiring as `wayfinder start`), the floor server or the bare Bolt app. Each runs in
 * a child of its own, started the same way, so that each gets the same treatment (see the comment in ./run.ts).
 *
 * Protocol over the IPC channel (`ParentMessage`, `ChildMessage`): the child sends `ready` with its port; the parent
 * asks for `stats` (peak RSS, CPU time), may start and stop a CPU profile or ask Wayfinder for `VACUUM ANALYZE`,
 * and finally sends `close`, after which the child closes its server and database and exits. A failure anywhere is
 * sent as `failed`, which the parent raises.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { openWayfinder, serveWayfinder } from '../src/main.ts';
import { startBareBoltServer } from './bare-bolt.ts';
import { type FloorDatabase, startFloorServer } from './floor.ts';

export type ServerRole =
  | { role: 'wayfinder'; env: Record<string, string> }
  | { role: 'floor'; database: FloorDatabase }
  | { role: 'bare-bolt'; database: FloorDatabase; signingSecret: string; botToken: string; slackApiUrl: string };

export type ParentMessage =
  | { type: 'stats' }
  | { type: 'close' }
  /** Starts the V8 CPU profiler; `profile-stop` writes the profile to `path` and answers `profiled`. */
  | { type: 'profile-start' }
  | { type: 'profile-stop'; path: string }
  /** Wayfinder only: `VACUUM ANALYZE` through its own database (PGlite allows one process), answered `vacuumed`. */
  | { type: 'vacuum-analyze' };

export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; rssMaxMb: number; cpuUserMs: number; cpuSystemMs: number }
  | { type: 'profiled'; path: string }
  | { type: 'vacuumed'; seconds: number }
  | { type: 'failed'; message: string };

const RSS_SAMPLE_MS = 50;

async function main(): Promise<void> {
  const send = (message: ChildMessage) => process.send?.(message);
  const role = JSON.parse(process.argv[2] ?? '{}') as ServerRole;

  let rssMax = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, process.memoryUsage.rss());
  }, RSS_SAMPLE_MS);
  sampler.unref();

  let close: () => Promise<void>;
  let vacuumAnalyze = async () => {};
  let port: number;
  if (role.role === 'wayfinder') {
    const config = loadConfig(role.env);
    const logger = createLogger({ level: config.logLevel, name: 'wayfinder-bench' });
    const wayfinder = await openWayfinder(config, logger);
    const server = await serveWayfinder(wayfinder, config, logger);
    port = server.port;
    vacuumAnalyze = async () => {
      await wayfinder.database.db.execute(sql`vacuum analyze`);
    };
    close = async () => {
      await server.close();
      await wayfinder.close();
    };
  } else if (role.role === 'bare-bolt') {
    const bolt = await startBareBoltServer(role);
    port = bolt.port;
    close = () => bolt.close();
  } else {
    const floor = await startFloorServer({ database: role.database, host: '127.0.0.1', port: 0 });
    port = floor.port;
    close = () => floor.close();
  }

  let profiler: Session | undefined;
  const handle = async (message: ParentMessage) => {
    if (message.type === 'profile-start') {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    } else if (message.type === 'profile-stop' && profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      profiler = undefined;
      await writeFile(message.path, JSON.stringify(profile));
      send({ type: 'profiled', path: message.path });
    } else if (message.type === 'vacuum-analyze') {
      const started = performance.now();
      await vacuumAnalyze();
      send({ type: 'vacuumed', seconds: (performance.now() - started) / 1000 });
    } else if (message.type === 'stats') {
      rssMax = Math.max(rssMax, process.memoryUsage.rss());
      const cpu = process.cpuUsage();
      send({ type: 'stats', rssMaxMb: rssMax / 2 ** 20, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000 });
    } else if (message.type === 'close') {
      clearInterval(sampler);
      close().then(
        () => process.disconnect(),
        (error: unknown) => {
          console.error('Closing the server failed', error);
          process.exitCode = 1;
          process.disconnect();
        },
      );
    }
  };
  process.on('message', (message: ParentMessage) => {
    handle(message).catch((error: unknown) => send({ type: 'failed', message: describe(error) }));
  });
  send({ type: 'ready', port });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', message: describe(error) });
  process.exitCode = 1;
  process.disconnect?.();
});
