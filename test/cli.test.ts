import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from './fakes/github-api.ts';
import { createIsolatedDatabaseEnv } from './helpers/database.ts';

/** Each test starts several Wayfinder processes; on a busy 2-core machine one takes seconds to start. */
const CHILD_PROCESS_TIMEOUT_MS = 90_000;

const CLI = fileURLToPath(new URL('../bin/wayfinder.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/catalog/cli', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('./fixtures/catalog/backstage-example', import.meta.url));
const UPSTREAM = fileURLToPath(new URL('./fixtures/catalog/backstage-upstream', import.meta.url));
/** A directory of YAML that is not a catalog (a Helm chart's values). */
const NO_DESCRIPTORS = fileURLToPath(new URL('./fixtures/catalog/no-descriptors', import.meta.url));

const COMPONENT = (name: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: payments\n`;

let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
beforeEach(async () => {
  isolated = await createIsolatedDatabaseEnv();
});
afterEach(() => isolated.remove());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function wayfinder(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        // Only what the CLI needs: a DATABASE_URL of the test runner's must not leak in when isolated gives a data dir.
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...isolated.env, ...env },
        cwd: fileURLToPath(new URL('..', import.meta.url)),
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A long-running Wayfinder process on the same database: the console, ready once it has greeted. */
async function startConsole(): Promise<{ child: ChildProcessWithoutNullStreams; ask(line: string): Promise<string> }> {
  const child = spawn(process.execPath, [CLI, 'console'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...isolated.env },
    cwd: fileURLToPath(new URL('..', import.meta.url)),
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

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', resolve));
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

describe('wayfinder catalog', { timeout: CHILD_PROCESS_TIMEOUT_MS }, () => {
  it('imports what is new, then writes nothing for unchanged files, and exits 1 when a document failed', async () => {
    const first = await wayfinder(['catalog', 'import', FIXTURE]);
    expect(first.stdout.trim()).toBe('2 created, 0 updated, 0 unchanged, 1 failed, 0 skipped');
    expect(first.stderr).toContain(
      'test/fixtures/catalog/cli/catalog-info.yaml:24: metadata.name: "metadata.name" is not valid; expected a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total but found "Search Indexer".',
    );
    expect(first.code).toBe(1);

    const again = await wayfinder(['catalog', 'import', FIXTURE]);
    expect(again.stdout.trim()).toBe('0 created, 0 updated, 2 unchanged, 1 failed, 0 skipped');

    const errors = await wayfinder(['catalog', 'errors']);
    expect(errors.code).toBe(0);
    expect(errors.stdout).toContain('catalog-info.yaml:24: metadata.name: "metadata.name" is not valid');
    // A missing field is shown at the line of the part of its path that is there (`spec:`).
    expect(errors.stdout).toContain('catalog-info.yaml:25: spec.lifecycle:');
  });

  it('forgets what one root imported, with its errors, and nothing of another root', async () => {
    await wayfinder(['catalog', 'import', FIXTURE, EXAMPLE]);

    const forgot = await wayfinder(['catalog', 'forget', FIXTURE]);
    expect(forgot.stdout.trim()).toBe(`Forgot 2 entities imported from ${FIXTURE}.`);
    expect(forgot.code).toBe(0);
    expect((await wayfinder(['catalog', 'errors'])).stdout.trim()).toBe(
      'No errors: every descriptor imported cleanly.',
    );
    const again = await wayfinder(['catalog', 'import', FIXTURE, EXAMPLE]);
    expect(again.stdout.trim()).toMatch(/^2 created, 0 updated, [1-9]\d* unchanged, 1 failed, 0 skipped$/);

    const unclear = await wayfinder(['catalog', 'forget']);
    expect(unclear.code).toBe(2);
    expect(unclear.stderr).toContain('catalog forget takes a path or --demo (one of them).');
  });

  it('validates without importing, exiting 0 when every document is valid', async () => {
    const valid = await wayfinder(['catalog', 'validate', EXAMPLE]);
    expect(valid.code).toBe(0);
    expect(valid.stdout.trim()).toMatch(/^\d+ valid, 0 failed, 0 skipped$/);

    const invalid = await wayfinder(['catalog', 'validate', FIXTURE]);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout.trim()).toBe('2 valid, 1 failed, 0 skipped');

    const errors = await wayfinder(['catalog', 'errors']);
    expect(errors.stdout.trim()).toBe('No errors: every descriptor imported cleanly.');
  });

  it("validates Backstage's own example catalog whole, counting the URL placeholders it could not read as skipped", async () => {
    const run = await wayfinder(['catalog', 'validate', UPSTREAM]);
    expect(run.stdout.trim()).toBe('68 valid, 0 failed, 3 skipped');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'test/fixtures/catalog/backstage-upstream/apis/spotify-api.yaml:1: spec.definition: skipped: Placeholder $text https://github.com/APIs-guru/',
    );
  });

  it('says a path holds no descriptors and exits 1', async () => {
    const run = await wayfinder(['catalog', 'validate', NO_DESCRIPTORS]);
    expect(run.code).toBe(1);
    expect(run.stdout.trim()).toBe('0 valid, 1 failed, 0 skipped');
    expect(run.stderr).toContain(
      `test/fixtures/catalog/no-descriptors: ${NO_DESCRIPTORS} holds no descriptors; expected a catalog-info.yaml`,
    );
  });

  it('explains a wrong action and exits 2', async () => {
    const run = await wayfinder(['catalog', 'imprt', FIXTURE]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown catalog action "imprt"; expected import, validate, sync or errors.');
  });
});

describe('wayfinder run', { timeout: CHILD_PROCESS_TIMEOUT_MS }, () => {
  it('answers a command as text from the demo organisation', async () => {
    const run = await wayfinder(['run', '/owner payments-api']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Payments API is owned by Payments Team');
    expect(run.stdout).toContain('Channel:    #payments-team');
  });

  it('prints the view-model as JSON and the Slack Block Kit on request', async () => {
    const json = JSON.parse((await wayfinder(['run', '/owner payments-api', '--format', 'json'])).stdout);
    expect(json.summary).toBe('Payments API is owned by Payments Team.');

    const slack = JSON.parse((await wayfinder(['run', '/owner payments-api', '--format', 'slack'])).stdout);
    expect(slack.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Payments API is owned by Payments Team', emoji: true },
    });
  });

  it('starts empty when the demo is turned off, and exits 1 for a name that matches nothing', async () => {
    const run = await wayfinder(['run', '/owner payments-api'], { WAYFINDER_DEMO: 'false' });
    expect(run.stdout).toContain('No entity named payments-api.');
    expect(run.code).toBe(1);
  });

  it('prints the answer to input it cannot read, and exits 2', async () => {
    const run = await wayfinder(['run', '/deps payments-api --depth']);
    expect(run.stdout).toContain('--depth needs a value');
    expect(run.code).toBe(2);
  });

  it('refuses bad settings with the key and what was expected, exiting 2', async () => {
    const run = await wayfinder(['run', '/owner x'], { PORT: 'eighty' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PORT expected a port number');
  });
});

describe('the wayfinder program', () => {
  /** Parses in this process, as `bin/wayfinder.js` would, capturing what commander writes. */
  async function parse(args: string[]) {
    let out = '';
    let err = '';
    const program = buildProgram(() => {}, {
      writeOut: (text) => {
        out += text;
      },
      writeErr: (text) => {
        err += text;
      },
    });
    const error = await program.parseAsync(args, { from: 'user' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    return { out, err, exitCode: error instanceof CommanderError ? error.exitCode : undefined };
  }

  it('shows help for every command and subcommand, exiting 0', async () => {
    const commands = [
      [],
      ['start'],
      ['console'],
      ['run'],
      ['migrate'],
      ['catalog'],
      ['catalog', 'import'],
      ['catalog', 'validate'],
      ['catalog', 'sync'],
      ['catalog', 'errors'],
    ];
    for (const command of commands) {
      const help = await parse([...command, '--help']);
      expect(help.exitCode).toBe(0);
      expect(help.out).toMatch(new RegExp(`^Usage: wayfinder${command.map((word) => ` ${word}`).join('')} `));
      expect(help.err).toBe('');
    }
    expect((await parse(['help', 'catalog'])).out).toContain('validate <path...>');
    expect((await parse(['help', 'catalog', 'import'])).out).toMatch(/^Usage: wayfinder catalog import /);
    const unknown = await parse(['help', 'catalog', 'bogus']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.err).toBe("error: unknown command 'catalog bogus'; wayfinder help lists the commands\n");
  });

  it('answers an unknown command, option or --format in one line', async () => {
    for (const args of [['bogus'], ['run', '/owner x', '--formt', 'json'], ['run', '/owner x', '--format', 'xml']]) {
      const refused = await parse(args);
      expect(refused.exitCode).not.toBe(0);
      expect(refused.err).toMatch(/^error: [^\n]+\n$/);
    }
  });
});
