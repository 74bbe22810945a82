/**
 * `wayfinder console` as a person runs it: a real `bin/wayfinder.js console` process on a fresh database (the demo
 * organisation loads), with typed lines on its stdin. One console answers everything: a merge once ran a second
 * console after the first ended, the first without `/ask`'s and `/scorecard`'s services, the second without
 * `/provision`'s.
 */
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHILD_PROCESS_TIMEOUT_MS, exited, REPO_ROOT, wayfinderArgv } from '../helpers/cli.ts';
import { createIsolatedDatabaseEnv } from '../helpers/database.ts';

let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
beforeEach(async () => {
  isolated = await createIsolatedDatabaseEnv();
});
afterEach(() => isolated.remove());

/** Runs the console with `lines` typed, then Ctrl-D; resolves with what it printed and its exit code. */
async function consoleSession(lines: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, wayfinderArgv(['console']), {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...isolated.env },
    cwd: REPO_ROOT,
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stdin.end(lines.map((line) => `${line}\n`).join(''));
  const code = await exited(child);
  return { code, stdout };
}

describe('wayfinder console', { timeout: CHILD_PROCESS_TIMEOUT_MS }, () => {
  it('is one console that offers /provision, /ask and /scorecard together, and ends at Ctrl-D', async () => {
    const { code, stdout } = await consoleSession([
      '/provision status req-aaaaaaaaaa',
      '/ask how do I roll back a deploy?',
      '/scorecard payments-api',
    ]);
    expect(code).toBe(0);
    expect(stdout.match(/Wayfinder console\./g)).toHaveLength(1);
    expect(stdout).toContain('There is no request req-aaaaaaaaaa. Try wayfinder requests list.');
    expect(stdout).toContain('From the docs: how do I roll back a deploy?');
    expect(stdout).toContain('Deploying the Payments API › Roll back a deploy');
    expect(stdout).toContain('Payments API: scorecards');
    expect(stdout).not.toMatch(/not set up/);
  });
});
