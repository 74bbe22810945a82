/**
 * The entry point of the child process that serves during a load phase: either Wayfinder itself (the same
 * `openWayfinder` + `serveWayfinder` wiring as `wayfinder start`) or the floor server. Both run in a child of their
 * own, started the same way, so that each gets the same treatment (see the comment in ./run.ts).
 *
 * Protocol over the IPC channel: the child sends `{ type: 'ready', port }`; the parent sends `{ type: 'stats' }`
 * (answered with `{ type: 'stats', ... }`) and `{ type: 'close' }`, after which the child closes and exits.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { openWayfinder, serveWayfinder } from '../src/main.ts';
import { type FloorDatabase, startFloorServer } from './floor.ts';

export type ServerRole =
  | { role: 'wayfinder'; env: Record<string, string> }
  | { role: 'floor'; database: FloorDatabase };

export type ParentMessage =
  | { type: 'stats' }
  | { type: 'close' }
  /** Starts the V8 CPU profiler; `profile-stop` writes the profile to `path` and answers `profiled`. */
  | { type: 'profile-start' }
  | { type: 'profile-stop'; path: string };

export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; rssMaxMb: number; cpuUserMs: number; cpuSystemMs: number }
  | { type: 'profiled'; path: string }
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
  let port: number;
  if (role.role === 'wayfinder') {
    const config = loadConfig(role.env);
    const logger = createLogger({ level: config.logLevel, name: 'wayfinder-bench' });
    const wayfinder = await openWayfinder(config, logger);
    const server = await serveWayfinder(wayfinder, config, logger);
    port = server.port;
    close = async () => {
      await server.close();
      await wayfinder.close();
    };
  } else {
    const floor = await startFloorServer({ database: role.database, host: '127.0.0.1', port: 0 });
    port = floor.port;
    close = () => floor.close();
  }

  let profiler: Session | undefined;
  process.on('message', async (message: ParentMessage) => {
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
  });
  send({ type: 'ready', port });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
});
