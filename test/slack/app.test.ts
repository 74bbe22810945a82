/**
 * The Slack front door end to end: signed requests over HTTP into our server, through the real Bolt App and the
 * real commands on a real database, with the real Web API client talking to a fake Slack on 127.0.0.1.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerCommandLine, commandNamed } from '../../src/core/commands/index.ts';
import { createRefreshGate } from '../../src/core/commands/refresh-gate.ts';
import type { CatalogStore } from '../../src/core/ports/catalog-store.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { DrizzleProcessedEventLog } from '../../src/db/DrizzleProcessedEventLog.ts';
import { createCatalogRefresher } from '../../src/ingestion/catalog-refresher.ts';
import { importCatalog } from '../../src/ingestion/import-catalog.ts';
import { createSlackApp, type SlackApp } from '../../src/slack/app.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { type RecordingLogger, recordingLogger } from '../helpers/listener-context.ts';
import { type SlackHttpTestbed, startSlackHttpTestbed } from '../helpers/slack-http-testbed.ts';
import {
  appHomeOpenedEvent,
  blockActionsRequest,
  eventRequest,
  forged,
  postToSlackEndpoint,
  signSlackRequest,
  slashCommandRequest,
  stale,
  TEST_SIGNING_SECRET,
  withoutHeaders,
} from '../helpers/slack-requests.ts';

const CATALOG = fileURLToPath(new URL('../fixtures/catalog/backstage-example', import.meta.url));
const BOT_TOKEN = 'xoxb-wayfinder-test-bot-token';

let database: Database;
let store: CatalogStore;
let slack: FakeSlackApi;
let slackApp: SlackApp;
let testbed: SlackHttpTestbed;
let base: string;
let logger: RecordingLogger;
let ready = true;
let authTestsAtStart = 0;
/** Every command line the App ran, to prove refused requests ran nothing. */
const ran: string[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  store = new DrizzleCatalogStore({ db: database.db });
  const { errors } = await importCatalog({ paths: [CATALOG], store });
  expect(errors).toEqual([]);

  slack = await startFakeSlackApi();
  slack.users.add(
    { id: 'U0JANELLE', email: 'janelle-dawe@example.com', name: 'janelle' },
    { id: 'U0BREANNA', email: 'Breanna-Davison@example.com', name: 'breanna' },
    { id: 'U0STRANGER', email: 'stranger@elsewhere.example', name: 'stranger' },
  );
  logger = recordingLogger();
  testbed = await startSlackHttpTestbed({
    database,
    slack,
    botToken: BOT_TOKEN,
    logger,
    isReady: async () => ready,
    app: { apiUrl: slack.url.replace(/\/$/, '') },
    services: () => ({
      runCommand: async (context, line) => {
        ran.push(line);
        if (line.includes('explode')) throw new Error('the store fell over');
        return answerCommandLine(context, line);
      },
    }),
  });
  slackApp = testbed.slackApp;
  base = testbed.base;
  authTestsAtStart = slack.callsTo('auth.test').length;
});

afterAll(async () => {
  await testbed?.close();
  await slack?.close();
  await database?.close();
});

beforeEach(async () => {
  await slackApp.idle();
  slack.calls.length = 0;
  slack.responses.length = 0;
  ran.length = 0;
});

interface SlackAnswer {
  response_type: string;
  text: string;
  blocks: { type: string; elements?: { action_id?: string; value?: string }[] }[];
}

const buttonsOf = (answer: SlackAnswer) =>
  answer.blocks.flatMap((block) => block.elements ?? []).filter((element) => element.action_id);

describe('the Slack app over HTTP', () => {
  it('learns Slack identities after answering, so the next answer @-mentions people', async () => {
    const ask = async () =>
      (await (
        await postToSlackEndpoint(
          base,
          slashCommandRequest({ command: '/owner', text: 'artist-lookup', userId: 'U0STRANGER' }),
        )
      ).json()) as SlackAnswer;
    const first = JSON.stringify((await ask()).blocks);
    expect(first).toContain('Janelle Dawe');
    expect(first).not.toContain('<@U0JANELLE>');
    await slackApp.idle();

    expect(slack.callsTo('users.info').map((call) => call.body.user)).toEqual(['U0STRANGER']);
    expect(slack.callsTo('users.lookupByEmail').map((call) => call.body.email)).toEqual(
      expect.arrayContaining(['janelle-dawe@example.com', 'breanna-davison@example.com', 'nigel-manning@example.com']),
    );
    expect(await store.findChatIdentity({ platform: 'slack', platformUserId: 'U0BREANNA' })).toMatchObject({
      userRef: 'user:default/breanna.davison',
    });

    const again = JSON.stringify((await ask()).blocks);
    expect(again).toContain('<@U0BREANNA>');
    expect(again).toContain('<@U0JANELLE>');
    expect(again).toContain('Nigel Manning (nigel-manning@example.com)');
  });

  it('verified the bot token at start only, against the configured API URL', async () => {
    await postToSlackEndpoint(base, slashCommandRequest({ command: '/owner', text: 'artist-lookup' }));
    await postToSlackEndpoint(base, slashCommandRequest({ command: '/owner', text: 'artist-lookup' }));
    await slackApp.idle();
    // Two at start: the quick check that fails fast on a wrong URL, then Bolt's own; none per request.
    expect(authTestsAtStart).toBe(2);
    expect(slack.callsTo('auth.test')).toEqual([]);
  });

  it('answers a signed /owner in the HTTP response, ephemerally, with the owning team and a share button', async () => {
    const response = await postToSlackEndpoint(base, slashCommandRequest({ command: '/owner', text: 'artist-lookup' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const answer = (await response.json()) as SlackAnswer;
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toContain('team-a');
    expect(JSON.stringify(answer.blocks)).toContain('Members');
    expect(buttonsOf(answer).map((button) => button.action_id)).toContainEqual(
      expect.stringMatching(/^wayfinder_share:\d+$/),
    );
    expect(ran).toEqual(['/owner artist-lookup']);
  });

  it('answers an unknown name with suggestions rather than an error', async () => {
    const response = await postToSlackEndpoint(
      base,
      slashCommandRequest({ command: '/owner', text: 'artist-lookupp' }),
    );
    expect(response.status).toBe(200);
    const answer = (await response.json()) as SlackAnswer;
    expect(answer.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.blocks)).toContain('artist-lookup');
  });

  it('closes a request whose command failed unexpectedly and apologises through the response_url', async () => {
    const response = await postToSlackEndpoint(
      base,
      slashCommandRequest({ command: '/owner', text: 'explode', responseUrl: slack.responseUrl('failed') }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    const apology = await slack.waitFor(() => slack.responses.find((item) => item.id === 'failed'));
    expect(apology.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Sorry') });
    expect(logger.lines.join('\n')).toContain('the store fell over');
  });

  it('refuses a forged signature with 401 and runs nothing', async () => {
    const response = await postToSlackEndpoint(
      base,
      forged(slashCommandRequest({ command: '/owner', text: 'artist-lookup' })),
    );
    expect(response.status).toBe(401);
    expect(ran).toEqual([]);
  });

  it('refuses a request signed six minutes ago with 401', async () => {
    const response = await postToSlackEndpoint(
      base,
      stale(slashCommandRequest({ command: '/owner', text: 'artist-lookup' })),
    );
    expect(response.status).toBe(401);
    expect(ran).toEqual([]);
  });

  it('refuses a request without signing headers with 401', async () => {
    const response = await postToSlackEndpoint(
      base,
      withoutHeaders(slashCommandRequest({ command: '/owner', text: 'x' })),
    );
    expect(response.status).toBe(401);
    expect(ran).toEqual([]);
  });

  it('never dispatches an ssl_check, signed or not, even with a smuggled payload', async () => {
    const payload = JSON.stringify({
      type: 'block_actions',
      user: { id: 'UATTACKER' },
      response_url: slack.responseUrl('smuggled'),
      actions: [{ type: 'button', action_id: 'wayfinder_share:0', value: '/owner artist-lookup' }],
    });
    const body = new URLSearchParams({ ssl_check: '1', payload }).toString();
    const unsigned = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(unsigned.status).toBe(401);
    const signed = await postToSlackEndpoint(base, signSlackRequest(body, 'application/x-www-form-urlencoded'));
    expect(signed.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ran).toEqual([]);
    expect(slack.responses).toEqual([]);
  });

  it('runs the command a button carries and answers the clicker through the response_url', async () => {
    const request = blockActionsRequest({
      actionId: 'wayfinder_run_command:1',
      value: '/owner group:default/team-a',
      responseUrl: slack.responseUrl('run'),
    });
    const response = await postToSlackEndpoint(base, request);
    expect(response.status).toBe(200);
    const posted = await slack.waitFor(() => slack.responses.find((item) => item.id === 'run'));
    expect(posted.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(posted.body.blocks)).toContain('artist-lookup');
    expect(ran).toEqual(['/owner group:default/team-a']);
  });

  it('shares an answer in the channel for everyone, without the share button', async () => {
    const request = blockActionsRequest({
      actionId: 'wayfinder_share:3',
      value: '/owner artist-lookup',
      responseUrl: slack.responseUrl('share'),
      userId: 'U0JANELLE',
    });
    expect((await postToSlackEndpoint(base, request)).status).toBe(200);
    const posted = await slack.waitFor(() => slack.responses.find((item) => item.id === 'share'));
    expect(posted.body).toMatchObject({ response_type: 'in_channel' });
    const blocks = JSON.stringify(posted.body.blocks);
    expect(blocks).toContain('team-a');
    expect(blocks).not.toContain('wayfinder_share');
    expect(blocks).toContain('Shared by <@U0JANELLE>');
  });

  it("publishes the App Home with the viewer's team and its services", async () => {
    const response = await postToSlackEndpoint(
      base,
      eventRequest({ eventId: 'EvHOME1', event: appHomeOpenedEvent('U0BREANNA') }),
    );
    expect(response.status).toBe(200);
    const publish = await slack.waitFor(() => slack.callsTo('views.publish')[0]);
    expect(publish.body.user_id).toBe('U0BREANNA');
    const view = publish.body.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    const blocks = JSON.stringify(view.blocks);
    expect(blocks).toContain('team-a');
    expect(blocks).toContain('artist-lookup');
  });

  it('publishes how to be linked for a Slack user the catalog does not know', async () => {
    await postToSlackEndpoint(base, eventRequest({ eventId: 'EvHOME2', event: appHomeOpenedEvent('U0STRANGER') }));
    const publish = await slack.waitFor(() => slack.callsTo('views.publish')[0]);
    expect(JSON.stringify(publish.body.view)).toContain('spec.profile.email: stranger@elsewhere.example');
  });

  it('handles a redelivered event once', async () => {
    const first = eventRequest({ eventId: 'EvRETRY', event: appHomeOpenedEvent('U0BREANNA') });
    const retry = eventRequest({ eventId: 'EvRETRY', event: appHomeOpenedEvent('U0BREANNA'), retryNum: 1 });
    expect((await postToSlackEndpoint(base, first)).status).toBe(200);
    expect((await postToSlackEndpoint(base, retry)).status).toBe(200);
    await slack.waitFor(() => slack.callsTo('views.publish')[0]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(slack.callsTo('views.publish')).toHaveLength(1);
  });

  it('answers /healthz, and /readyz by the readiness check', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    ready = false;
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    ready = true;
  });

  it('never logged a secret', () => {
    const logged = logger.lines.join('\n');
    expect(logged).not.toContain(TEST_SIGNING_SECRET);
    expect(logged).not.toContain(BOT_TOKEN);
    expect(logged).not.toContain('legacy-verification-token');
  });
});

describe('createSlackApp in Socket Mode', () => {
  it('serves no HTTP route', () => {
    const socket = createSlackApp({
      botToken: BOT_TOKEN,
      appToken: 'xapp-1-test',
      services: {
        store,
        refresher: createCatalogRefresher({ store }),
        refreshes: createRefreshGate(),
        runCommand: answerCommandLine,
        commandNamed,
        processedEvents: new DrizzleProcessedEventLog({ db: database.db }),
      },
      logger: recordingLogger(),
    });
    expect(socket.routes).toEqual([]);
  });

  it('refuses to serve HTTP without a signing secret', () => {
    expect(() =>
      createSlackApp({
        botToken: BOT_TOKEN,
        services: {
          store,
          refresher: createCatalogRefresher({ store }),
          refreshes: createRefreshGate(),
          runCommand: answerCommandLine,
          commandNamed,
          processedEvents: new DrizzleProcessedEventLog({ db: database.db }),
        },
        logger: recordingLogger(),
      }),
    ).toThrow(/signing secret/);
  });
});
