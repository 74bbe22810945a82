/** `wayfinder run` as a real `bin/wayfinder.js` process, and the program's help and usage errors parsed in-process. */
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.ts';
import { CHILD_PROCESS_TIMEOUT_MS, runWayfinder } from '../helpers/cli.ts';
import { createIsolatedDatabaseEnv } from '../helpers/database.ts';

// `run` only reads, so the tests share one database: the first process loads the demo organisation into it.
let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
beforeAll(async () => {
  isolated = await createIsolatedDatabaseEnv();
});
afterAll(() => isolated.remove());

const wayfinder = (args: string[], env: Record<string, string> = {}) =>
  runWayfinder(args, { env: { LOG_LEVEL: 'warn', ...isolated.env, ...env } });

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
    const empty = await createIsolatedDatabaseEnv();
    try {
      const run = await runWayfinder(['run', '/owner payments-api'], {
        env: { LOG_LEVEL: 'warn', ...empty.env, WAYFINDER_DEMO: 'false' },
      });
      expect(run.stdout).toContain('No entity named payments-api.');
      expect(run.code).toBe(1);
    } finally {
      await empty.remove();
    }
  });

  it('exits 1 for a /find that found nothing, as grep does, and 0 when it found something', async () => {
    const none = await wayfinder(['run', '/find zzzqqq']);
    expect(none.stdout).toContain('Nothing matches "zzzqqq".');
    expect(none.code).toBe(1);
    expect((await wayfinder(['run', '/find ledger'])).code).toBe(0);
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
    return {
      out,
      err,
      exitCode: error instanceof CommanderError ? error.exitCode : undefined,
      message: error instanceof Error ? error.message : undefined,
    };
  }

  it('answers an unknown subcommand of every command group with the subcommands it has', async () => {
    const expected: Record<string, string> = {
      catalog: 'import, validate, sync, forget or errors',
      requests: 'list, show, retry, cancel or work',
      templates: 'list, validate or preview',
      scorecards: 'validate, evaluate or facts',
      digest: 'run or status',
      docs: 'index, status or forget',
    };
    for (const [group, names] of Object.entries(expected)) {
      const refused = await parse([group, 'nosuch']);
      expect(refused.message).toBe(`Unknown ${group} action "nosuch"; expected ${names}.`);
    }
  });

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
