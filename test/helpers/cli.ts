/**
 * Wayfinder as a user's shell runs it: `bin/wayfinder.js` in a process of its own, with only the environment given
 * (and PATH), so that a DATABASE_URL or setting of the test runner's never leaks in.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/wayfinder.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * V8 flags for the processes tests start: `--liftoff-only` keeps PGlite's WebAssembly on V8's baseline compiler. A
 * test's process lives seconds, and the optimising tier's background compilation cost it about 1 s of CPU it never
 * earned back (`catalog import` of the demo catalog: 2.7 s against 1.7 s of CPU; the whole of
 * test/cli/catalog.test.ts: 84 s against 62 s). Compiler tiers change speed only, never behaviour.
 */
export const TEST_NODE_FLAGS: readonly string[] = ['--liftoff-only'];

/** The arguments of `node` (`process.execPath`) running `wayfinder <args>` as the tests do. */
export function wayfinderArgv(args: readonly string[]): string[] {
  return [...TEST_NODE_FLAGS, CLI, ...args];
}

/** Each test starts Wayfinder processes; on a busy 2-core machine one takes seconds to start. */
export const CHILD_PROCESS_TIMEOUT_MS = 90_000;

export interface CliRun {
  /** The exit code (1 when the process was killed). */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `wayfinder <args>` to its end, in `cwd` (default: the repository root). */
export function runWayfinder(
  args: readonly string[],
  opts: { env: Record<string, string>; cwd?: string; timeoutMs?: number },
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      wayfinderArgv(args),
      {
        env: { PATH: process.env.PATH ?? '', ...opts.env },
        cwd: opts.cwd ?? REPO_ROOT,
        ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Resolves with the exit code once `child` has exited (at once when it has already). */
export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', resolve));
}
