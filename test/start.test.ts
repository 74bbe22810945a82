/**
 * `wayfinder start` as a deployment runs it: a real child process, its settings in the environment, talking to fake
 * GitHub and Slack servers on 127.0.0.1. What an operator sees: what it serves, its probes and metrics, how it
 * survives Slack, how it stops, and how it says what is wrong when it cannot start.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeGitHubApi, startFakeGitHubApi } from './fakes/github-api.ts';
import { FAKE_TEAM_ID, type FakeSlackApi, startFakeSlackApi } from './fakes/slack-api.ts';
import { type FakeSocketMode, startFakeSocketMode } from './fakes/slack-socket-mode.ts';
import { CHILD_PROCESS_TIMEOUT_MS, REPO_ROOT as ROOT, runWayfinder, wayfinderArgv } from './helpers/cli.ts';
import { createIsolatedDatabaseEnv } from './helpers/database.ts';
import { deliverGitHubWebhook, pushPayload } from './helpers/github-webhooks.ts';

const WEBHOOK_SECRET = 'start-test-webhook-secret';

let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(async () => {
  isolated = await createIsolatedDatabaseEnv();
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  await isolated.remove();
});

interface Started {
  child: ChildProcessWithoutNullStreams;
  base: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `wayfinder start` and resolves once it logs where it listens. */
async function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, wayfinderArgv(['start']), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...isolated.env,
      WAYFINDER_DEMO: 'false',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const port = await Promise.race([
    poll(() => /listening on 127\.0\.0\.1:(\d+)/.exec(stderr)?.[1], 60_000),
    exited.then((code) => {
      throw new Error(`wayfinder start exited with ${code} before listening:\n${stderr}`);
    }),
  ]);
  return { child, base: `http://127.0.0.1:${port}`, stdout: () => stdout, stderr: () => stderr, exited };
}

async function poll<T>(find: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function readyz(base: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${base}/readyz`);
  return { status: response.status, text: await response.text() };
}

/** Runs the CLI to completion. */
const wayfinder = (args: string[], env: Record<string, string> = {}) =>
  runWayfinder(args, { env: { ...isolated.env, WAYFINDER_DEMO: 'false', ...env } });

describe('wayfinder start with GitHub and no Slack', { timeout: CHILD_PROCESS_TIMEOUT_MS }, () => {
  let github: FakeGitHubApi;
  beforeEach(async () => {
    github = await startFakeGitHubApi({ token: 'ghp_start' });
    github.addRepos({ fullName: 'acme/payments-api', files: {} });
  });
  afterEach(() => github.close());

  it('serves webhooks, probes and metrics instead of opening the console, and drains on SIGTERM', async () => {
    const server = await start({
      GITHUB_ORG: 'acme',
      GITHUB_TOKEN: 'ghp_start',
      GITHUB_API_URL: github.url,
      GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
      WAYFINDER_SHUTDOWN_DELAY: '1s',
    });
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
    expect(await readyz(server.base)).toEqual({ status: 200, text: 'ready' });

    const delivery = await deliverGitHubWebhook({
      url: `${server.base}/github/webhook`,
      secret: WEBHOOK_SECRET,
      event: 'push',
      payload: pushPayload({ repo: 'acme/payments-api', modified: ['catalog-info.yaml'] }),
    });
    expect(delivery.status).toBe(202);

    const metrics = await (await fetch(`${server.base}/metrics`)).text();
    expect(metrics).toContain('wayfinder_http_requests_total{method="POST",route="/github/webhook",status="202"} 1');
    expect(metrics).toContain('process_resident_memory_bytes');
    expect(server.stdout()).not.toContain('wayfinder>');

    server.child.kill('SIGTERM');
    // Not ready at once, while requests are still served; then it stops cleanly.
    const draining = await poll(async () => {
      const probe = await readyz(server.base);
      return probe.status === 503 ? probe : undefined;
    }, 5_000);
    expect(draining.text).toBe('not ready: shutting down');
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain('SIGTERM: shutting down');
  });

  it('says in one line that the port is taken, and exits 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await wayfinder(['start'], {
        GITHUB_ORG: 'acme',
        GITHUB_TOKEN: 'ghp_start',
        GITHUB_API_URL: github.url,
        HOST: '127.0.0.1',
        PORT: String(port),
      });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(
        `Cannot listen on 127.0.0.1 port ${port}: another process (another Wayfinder?) already uses it. Stop it, or set PORT to a free port.`,
      );
    } finally {
      blocker.close();
    }
  });

  it('says in one line that the database cannot be reached, without its password, and exits 1', async () => {
    const run = await wayfinder(['start'], {
      GITHUB_ORG: 'acme',
      GITHUB_TOKEN: 'ghp_start',
      GITHUB_API_URL: github.url,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: 'postgres://wayfinder:hunter2@127.0.0.1:1/wayfinder',
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      'Cannot reach the Postgres database at postgres://wayfinder@127.0.0.1:1/wayfinder: nothing accepts connections there. Is Postgres running, and is DATABASE_URL right?',
    );
    expect(run.stderr).not.toContain('hunter2');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('wayfinder start over Slack Socket Mode', { timeout: CHILD_PROCESS_TIMEOUT_MS }, () => {
  let slack: FakeSlackApi;
  let socket: FakeSocketMode;
  beforeEach(async () => {
    socket = await startFakeSocketMode();
    slack = await startFakeSlackApi({ socketModeUrl: () => socket.connectionUrl() });
  });
  afterEach(async () => {
    await socket.close();
    await slack.close();
  });

  it('survives an app_rate_limited envelope and answers the next command, ready once connected', async () => {
    const server = await start({
      WAYFINDER_DEMO: 'true',
      SLACK_BOT_TOKEN: 'xoxb-start-test',
      SLACK_APP_TOKEN: 'xapp-1-start-test',
      SLACK_API_URL: slack.url,
    });
    expect(await readyz(server.base)).toEqual({ status: 200, text: 'ready' });

    const rateLimited = socket.sendEnvelope('events_api', {
      token: 'legacy-verification-token',
      type: 'app_rate_limited',
      team_id: FAKE_TEAM_ID,
      minute_rate_limited: 1518467820,
      api_app_id: 'A0WAYFIND',
    });
    await socket.waitForAck(rateLimited);

    const command = socket.sendEnvelope('slash_commands', {
      team_id: FAKE_TEAM_ID,
      channel_id: 'C0GENERAL',
      user_id: 'U0ASKER',
      command: '/owner',
      text: 'payments-api',
      api_app_id: 'A0WAYFIND',
      response_url: slack.responseUrl('start'),
      trigger_id: '1.2.abc',
    });
    const ack = await socket.waitForAck(command);
    expect((ack.payload as { text?: string }).text).toBe('Payments API is owned by Payments Team.');
    expect(server.child.exitCode).toBeNull();

    const metrics = await (await fetch(`${server.base}/metrics`)).text();
    expect(metrics).toMatch(/wayfinder_slack_ack_seconds_count\{kind="command",command="\/owner"\} 1/);
    expect(server.stderr()).not.toContain('xoxb-start-test');
    expect(server.stderr()).not.toContain('xapp-1-start-test');
  });
});

describe('the command line', { timeout: CHILD_PROCESS_TIMEOUT_MS }, () => {
  it('shows help for a subcommand, its version, and refuses an unknown option in one line, exiting 2', async () => {
    const [help, version, unknown] = await Promise.all([
      wayfinder(['catalog', 'sync', '--help']),
      wayfinder(['--version']),
      wayfinder(['catalog', 'sync', '--forse']),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: wayfinder catalog sync \[options\]/);
    expect(help.stdout).toContain('--force');
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("error: unknown option '--forse' (Did you mean --force?)\n");
  });

  it('reads .env from the current directory, where a variable set in the environment wins', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wayfinder-dotenv-'));
    try {
      await writeFile(join(dir, '.env'), '# as .env.example shows\nPORT=eighty\n');
      const run = (env: Record<string, string>) => runWayfinder(['catalog', 'sync'], { env, cwd: dir });
      const [fromFile, fromEnvironment] = await Promise.all([run({}), run({ PORT: '3000' })]);
      expect(fromFile.code).toBe(2);
      expect(fromFile.stderr).toContain('PORT expected a port number');
      expect(fromEnvironment.code).toBe(2);
      expect(fromEnvironment.stderr).not.toContain('PORT');
      expect(fromEnvironment.stderr).toContain('set GITHUB_ORG and GITHUB_TOKEN');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('shows the benchmark options with --help and refuses an unknown one in one line, exiting 2', async () => {
    const bench = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'bench/run.ts', ...args],
          { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const [help, unknown] = await Promise.all([bench(['--help']), bench(['--entitys', '10'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--entities N');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("Unknown option '--entitys'. See --help.\n");
  });
});
