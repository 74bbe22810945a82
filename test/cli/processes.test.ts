/**
 * Processes beside each other on one database (the embedded one refuses a second at once; a killed one's lock is
 * taken over), and `wayfinder catalog sync` against a fake GitHub, each a real `bin/wayfinder.js` process.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';
import { CHILD_PROCESS_TIMEOUT_MS, exited, REPO_ROOT, runWayfinder, wayfinderArgv } from '../helpers/cli.ts';
import { createIsolatedDatabaseEnv } from '../helpers/database.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/catalog/cli', import.meta.url));

const COMPONENT = (name: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: payments\n`;

let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
beforeEach(async () => {
  isolated = await createIsolatedDatabaseEnv();
});
afterEach(() => isolated.remove());

const wayfinder = (args: string[], env: Record<string, string> = {}) =>
  runWayfinder(args, { env: { LOG_LEVEL: 'warn', ...isolated.env, ...env } });

/** A long-running Wayfinder process on the same database: the console, ready once it has greeted. */
async function startConsole(): Promise<{ child: ChildProcessWithoutNullStreams; ask(line: string): Promise<string> }> {
  const child = spawn(process.execPath, wayfinderArgv(['console']), {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...isolated.env },
    cwd: REPO_ROOT,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const waitFor = (text: string, from: number) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const at = output.indexOf(text, from);
        if (at >= 0) {
          child.stdout.off('data', check);
          child.off('exit', exited);
          resolve(output.slice(from, at + text.length));
        }
      };
      const exited = (code: number | null) => reject(new Error(`the console exited (${code}) before "${text}"`));
      child.stdout.on('data', check);
      child.once('exit', exited);
      check();
    });
  await waitFor('Wayfinder console.', 0);
  return {
    child,
    async ask(line) {
      const from = output.length;
      child.stdin.write(`${line}\n/wayfinder help\n`);
      // The help answer marks the end of the answer asked for.
      return waitFor('/wayfinder', from);
    },
  };
}

describe('two processes on one database', { timeout: CHILD_PROCESS_TIMEOUT_MS }, () => {
  it('refuses a second process on the embedded database at once, naming the first, and writes nothing; on Postgres both work', async () => {
    const running = await startConsole();
    try {
      const beside = await wayfinder(['catalog', 'import', FIXTURE]);
      if (isolated.env.DATABASE_URL) {
        expect(beside.stdout.trim()).toBe('2 created, 0 updated, 0 unchanged, 1 failed, 0 skipped');
        expect(await running.ask('/service search-api')).toContain('search-api');
        return;
      }
      expect(beside.code).toBe(1);
      expect(beside.stdout).toBe('');
      const lines = beside.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^The database in .+ is in use by another Wayfinder process \\(pid ${running.child.pid}, "wayfinder console", since \\d{4}-\\d\\d-\\d\\dT[^)]+\\); PGlite serves one process at a time: stop that process and try again, or run both against a Postgres server with DATABASE_URL\\. If that process no longer runs, delete .+wayfinder\\.lock\\.$`,
        ),
      );
      // The running process still answers, and never saw an import.
      expect(await running.ask('/owner payments-api')).toContain('Payments API is owned by Payments Team');
    } finally {
      running.child.stdin.end();
      await exited(running.child);
    }

    // Nothing was written (the same import now creates both entities), and the directory opens cleanly.
    const after = await wayfinder(['catalog', 'import', FIXTURE]);
    expect(after.stdout.trim()).toBe('2 created, 0 updated, 0 unchanged, 1 failed, 0 skipped');
  }); // three Wayfinder processes, one after another

  it('takes over the lock of a process that was killed without releasing it', async () => {
    const killed = await startConsole();
    killed.child.kill('SIGKILL');
    await exited(killed.child);

    const run = await wayfinder(['catalog', 'import', FIXTURE]);
    expect(run.stdout.trim()).toBe('2 created, 0 updated, 0 unchanged, 1 failed, 0 skipped');
  });
});

describe('wayfinder catalog sync', { timeout: CHILD_PROCESS_TIMEOUT_MS }, () => {
  let github: FakeGitHubApi;
  beforeEach(async () => {
    github = await startFakeGitHubApi({ token: 'ghp_cli' });
  });
  afterEach(() => github.close());

  const env = () => ({ GITHUB_ORG: 'acme', GITHUB_TOKEN: 'ghp_cli', GITHUB_API_URL: github.url });

  it('syncs the organisation with a summary, then re-checks it with 304s only', async () => {
    github.addRepos(
      { fullName: 'acme/payments-api', files: { 'catalog-info.yaml': COMPONENT('payments-api') } },
      { fullName: 'acme/ledger', files: { 'catalog-info.yaml': COMPONENT('ledger') } },
      { fullName: 'acme/docs' },
    );

    const first = await wayfinder(['catalog', 'sync'], env());
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      'Synced acme: 3 repositories (3 read, 0 unchanged since the last sync, 0 gone, 0 failed), 2 descriptor files.',
    );
    expect(first.stdout).toContain('Entities: 2 created, 0 updated, 0 unchanged, 0 orphaned; 0 documents failed.');

    const again = await wayfinder(['catalog', 'sync'], env());
    expect(again.stdout).toContain('(0 read, 3 unchanged since the last sync');
    const [, requests, notModified] = /GitHub: (\d+) requests, (\d+) answered 304/.exec(again.stdout) ?? [];
    expect(Number(requests)).toBeGreaterThan(0);
    expect(notModified).toBe(requests);

    const answer = await wayfinder(['run', '/service ledger']);
    expect(answer.stdout).toContain('acme/ledger');
  });

  it('explains that GitHub is not configured, exiting 2', async () => {
    const run = await wayfinder(['catalog', 'sync']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('set GITHUB_ORG and GITHUB_TOKEN');
  });
});
