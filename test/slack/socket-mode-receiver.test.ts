/**
 * Slack over Socket Mode, as Slack would deliver it: the real Bolt App and Socket Mode client, connected through a
 * fake Web API (`apps.connections.open`) to a fake Socket Mode server (a `ws` server on 127.0.0.1) that sends
 * envelopes, asks for reconnects and drops connections.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerCommandLine, commandNamed } from '../../src/core/commands/index.ts';
import { createRefreshGate } from '../../src/core/commands/refresh-gate.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { DrizzleProcessedEventLog } from '../../src/db/DrizzleProcessedEventLog.ts';
import { createCatalogRefresher } from '../../src/ingestion/catalog-refresher.ts';
import { importCatalog } from '../../src/ingestion/import-catalog.ts';
import { createSlackApp, type SlackApp } from '../../src/slack/app.ts';
import type { SlackAck } from '../../src/slack/receiver.ts';
import { FAKE_TEAM_ID, type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { type FakeSocketMode, startFakeSocketMode } from '../fakes/slack-socket-mode.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { type RecordingLogger, recordingLogger } from '../helpers/listener-context.ts';

const CATALOG = fileURLToPath(new URL('../fixtures/catalog/backstage-example', import.meta.url));
const APP_TOKEN = 'xapp-1-A0WAYFIND-socket-test';
/** Well under the Socket Mode client's own 5 s wait before a reconnect: the bound the receiver must beat. */
const RECONNECT_DEADLINE_MS = 3_000;

let database: Database;
let slack: FakeSlackApi;
let socket: FakeSocketMode;
let slackApp: SlackApp;
let logger: RecordingLogger;
const acks: SlackAck[] = [];
let explode = false;

beforeAll(async () => {
  database = await openTestDatabase();
  const store = new DrizzleCatalogStore({ db: database.db });
  await importCatalog({ paths: [CATALOG], store });
  socket = await startFakeSocketMode();
  slack = await startFakeSlackApi({ socketModeUrl: () => socket.connectionUrl() });
  logger = recordingLogger();
  slackApp = createSlackApp({
    botToken: 'xoxb-socket-mode-test',
    appToken: APP_TOKEN,
    apiUrl: slack.url,
    services: {
      store,
      refresher: createCatalogRefresher({ store }),
      processedEvents: new DrizzleProcessedEventLog({ db: database.db }),
      refreshes: createRefreshGate(),
      commandNamed,
      runCommand: async (context, line) => {
        if (explode) throw new Error('the store fell over');
        return answerCommandLine(context, line);
      },
    },
    logger,
    onAck: (ack) => acks.push(ack),
    pingTimeoutMs: 600,
  });
  await slackApp.start();
});

afterAll(async () => {
  await slackApp?.stop();
  await socket?.close();
  await slack?.close();
  await database?.close();
});

beforeEach(() => {
  explode = false;
  logger.lines.length = 0;
  acks.length = 0;
});

function slashCommand(text: string) {
  return {
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM_ID,
    team_domain: 'wayfinder-test',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: 'U0ASKER',
    user_name: 'asker',
    command: '/owner',
    text,
    api_app_id: 'A0WAYFIND',
    is_enterprise_install: 'false',
    response_url: slack.responseUrl('socket-mode'),
    trigger_id: '1.2.abc',
  };
}

async function askOwner(text: string) {
  const envelopeId = socket.sendEnvelope('slash_commands', slashCommand(text));
  return (await socket.waitForAck(envelopeId)).payload as { text?: string } | undefined;
}

describe('Slack over Socket Mode', () => {
  it('connects at start with the app token and answers a slash command in its acknowledgement', async () => {
    expect(slack.callsTo('apps.connections.open').length).toBeGreaterThan(0);
    expect(slackApp.isReady()).toBe(true);

    const answer = await askOwner('artist-lookup');
    expect(answer?.text).toContain('is owned by');
    expect(acks).toEqual([expect.objectContaining({ kind: 'command', command: '/owner' })]);
  });

  it('acknowledges an app_rate_limited envelope (no inner event), logs it, and keeps answering', async () => {
    const envelopeId = socket.sendEnvelope('events_api', {
      token: 'legacy-verification-token',
      type: 'app_rate_limited',
      team_id: FAKE_TEAM_ID,
      minute_rate_limited: 1518467820,
      api_app_id: 'A0WAYFIND',
    });

    expect(await socket.waitForAck(envelopeId)).toEqual({ envelope_id: envelopeId });
    expect(logger.lines.join('\n')).toContain('rate-limiting event deliveries to this app');
    expect((await askOwner('artist-lookup'))?.text).toContain('is owned by');
  });

  it('survives whatever else arrives: not JSON, no envelope id, no payload, an unknown type, a binary frame', async () => {
    socket.send('this is not json');
    socket.send(Buffer.from('{"type":"events_api"}'));
    socket.send({ type: 'events_api', payload: { event: { type: 'app_mention' } } });
    const noPayload = socket.sendEnvelope('events_api', null);
    const unknown = socket.sendEnvelope('something_new', { type: 'something_new' });
    const eventWithoutType = socket.sendEnvelope('events_api', { type: 'event_callback', event: { user: 'U0ASKER' } });

    for (const id of [noPayload, unknown, eventWithoutType]) expect(await socket.waitForAck(id)).toBeDefined();
    const log = logger.lines.join('\n');
    expect(log).toContain('not JSON');
    expect(log).toContain('without an envelope id');
    expect(log).toContain('envelope of unknown type something_new');
    expect((await askOwner('artist-lookup'))?.text).toContain('is owned by');
  });

  it('acknowledges a slash command whose listener fails, logs the cause, and apologises through the response_url', async () => {
    explode = true;
    await askOwner('artist-lookup');

    const apology = await slack.waitFor(() => slack.responses.find((response) => response.id === 'socket-mode'));
    expect(String(apology.body.text)).toContain('Sorry, Wayfinder could not answer that');
    expect(logger.lines.join('\n')).toContain('the store fell over');
    slack.responses.length = 0;
  });

  it('reconnects at once when Slack asks for a new connection (refresh_requested)', async () => {
    const before = socket.connectionsOpened;
    socket.requestReconnect('refresh_requested');

    await socket.waitForConnections(before + 1, RECONNECT_DEADLINE_MS);
    await waitUntil(() => slackApp.isReady() && socket.openConnections() === 1, RECONNECT_DEADLINE_MS);
    expect((await askOwner('artist-lookup'))?.text).toContain('is owned by');
  });

  it('reconnects at once when the connection drops without a close frame', async () => {
    const before = socket.connectionsOpened;
    socket.dropConnection();

    await socket.waitForConnections(before + 1, RECONNECT_DEADLINE_MS);
    await waitUntil(() => slackApp.isReady(), RECONNECT_DEADLINE_MS);
    expect((await askOwner('artist-lookup'))?.text).toContain('is owned by');
    expect(logger.lines.join('\n')).toContain('Reconnected to Slack over Socket Mode');
  });

  it('reconnects when Slack stops answering pings but keeps the TCP connection open', async () => {
    const before = socket.connectionsOpened;
    socket.stallConnection();

    await socket.waitForConnections(before + 1, RECONNECT_DEADLINE_MS);
    await waitUntil(() => slackApp.isReady(), RECONNECT_DEADLINE_MS);
    expect((await askOwner('artist-lookup'))?.text).toContain('is owned by');
    expect(logger.lines.join('\n')).toContain("A pong wasn't received from the server before the timeout of 600ms");
  });

  it('is not ready while the connection is down', async () => {
    socket.dropConnection();
    // Between the drop and the new hello the receiver says it is not connected, then connected again.
    const seen: boolean[] = [];
    await waitUntil(() => {
      seen.push(slackApp.isReady());
      return seen.includes(false) && seen.at(-1) === true;
    }, RECONNECT_DEADLINE_MS);
    expect(seen).toContain(false);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
