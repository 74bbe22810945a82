/**
 * The wiring as `npm start` runs it: settings → database and demo → one HTTP server serving Slack, with
 * the real Bolt client pointed at a fake Slack Web API.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { openWayfinder, type RunningServer, serveWayfinder, type Wayfinder } from '../src/main.ts';
import { StartupError } from '../src/startup.ts';
import { type FakeSlackApi, startFakeSlackApi } from './fakes/slack-api.ts';
import { createIsolatedDatabaseEnv } from './helpers/database.ts';
import { forged, postToSlackEndpoint, slashCommandRequest, TEST_SIGNING_SECRET } from './helpers/slack-requests.ts';

let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
let slack: FakeSlackApi;
let wayfinder: Wayfinder;
let server: RunningServer;
let base: string;
const logLines: string[] = [];

beforeAll(async () => {
  isolated = await createIsolatedDatabaseEnv();
  slack = await startFakeSlackApi();
  const config = loadConfig({
    ...isolated.env,
    PORT: '0',
    HOST: '127.0.0.1',
    WAYFINDER_DEMO: 'true',
    SLACK_BOT_TOKEN: 'xoxb-main-test-token',
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slack.url,
  });
  const logger = createLogger({ level: 'info', write: (line) => logLines.push(line) });
  wayfinder = await openWayfinder(config, logger);
  server = await serveWayfinder(wayfinder, config, logger);
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await wayfinder?.close();
  await slack?.close();
  await isolated?.remove();
});

describe('wayfinder start with Slack credentials', () => {
  it('loads the demo organisation and answers a signed /owner in the HTTP response', async () => {
    const response = await postToSlackEndpoint(base, slashCommandRequest({ command: '/owner', text: 'payments-api' }));

    expect(response.status).toBe(200);
    const body = (await response.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toBe('Payments API is owned by Payments Team.');
    expect(logLines.some((line) => line.includes('Loaded the demo organisation'))).toBe(true);
  });

  it('refuses a forged request with 401', async () => {
    const response = await postToSlackEndpoint(
      base,
      forged(slashCommandRequest({ command: '/owner', text: 'payments-api' })),
    );
    expect(response.status).toBe(401);
  });

  it('reports health and readiness', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it("checks its token with Slack at start (a quick check, then Bolt's) and never logs it", () => {
    expect(slack.callsTo('auth.test')).toHaveLength(2);
    expect(logLines.join('\n')).not.toContain('xoxb-main-test-token');
    expect(logLines.join('\n')).not.toContain(TEST_SIGNING_SECRET);
  });
});

describe('wayfinder start when Slack cannot be reached', () => {
  it('fails the start with one line naming the settings to check, its JSON log naming the Slack method that failed', async () => {
    // A port nothing listens on: every call is refused at once, as with a mistyped SLACK_API_URL.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const own = await createIsolatedDatabaseEnv();
    const config = loadConfig({
      ...own.env,
      PORT: '0',
      HOST: '127.0.0.1',
      WAYFINDER_DEMO: 'false',
      SLACK_BOT_TOKEN: 'xoxb-unreachable',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: `http://127.0.0.1:${port}/api/`,
    });
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', write: (line) => lines.push(line) });
    const failing = await openWayfinder(config, logger);
    try {
      const started = serveWayfinder(failing, config, logger);
      await expect(started).rejects.toThrow(StartupError);
      await expect(started).rejects.toThrow(/could not be reached.*SLACK_API_URL/);
      // The Web API client's warnings reach our logger as JSON, naming the method and the cause, not "fetch failed".
      const refused = lines
        .map((line) => JSON.parse(line) as { level: string; msg: string })
        .filter((line) => line.msg.startsWith('http request failed'));
      expect(refused[0]).toMatchObject({
        level: 'warn',
        msg: `http request failed auth.test could not reach Slack at http://127.0.0.1:${port}/api/: connect ECONNREFUSED 127.0.0.1:${port}`,
      });
      expect(lines.join('\n')).not.toContain('xoxb-unreachable');
    } finally {
      await failing.close();
      await own.remove();
    }
  });
});
