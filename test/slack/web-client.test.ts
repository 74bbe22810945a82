/**
 * Slack Web API failures name the method and the cause, in the Web API client's own log line and in ours: Slack
 * unreachable (SLACK_API_URL pointing at a closed port) and Slack refusing a call (the fake Slack).
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import type { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { createSlackChannelNotifier } from '../../src/slack/channel-notifier.ts';
import { createIdentityWarmer } from '../../src/slack/identities.ts';
import { createSlackWebClient, isPlatformError } from '../../src/slack/web-client.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { recordingLogger } from '../helpers/listener-context.ts';
import { createRequestTestbed, SLACK_IDS, seedRequestCatalog } from '../helpers/requests.ts';

let database: Database;
let catalog: DrizzleCatalogStore;
/** A Web API URL on a port nothing listens on. */
let closedUrl: string;
let closedPort: number;

beforeAll(async () => {
  database = await openTestDatabase();
  catalog = await seedRequestCatalog(database);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  closedPort = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  closedUrl = `http://127.0.0.1:${closedPort}/api/`;
});
afterAll(() => database?.close());

const unreachable = () => `could not reach Slack at ${closedUrl}: connect ECONNREFUSED 127.0.0.1:${closedPort}`;

describe('Slack unreachable', () => {
  it("names chat.postMessage and the refused connection in the notifier's log line and the client's own", async () => {
    const bed = await createRequestTestbed({ database, catalog, slack: { url: closedUrl } });
    await bed.system.runner.stop();
    const request = await bed.system.desk.submit({
      templateRef: 'gated',
      values: { environment: 'production' },
      requester: { platform: 'slack', id: SLACK_IDS.ada, userRef: 'user:default/ada' },
    });
    await bed.idle();
    const lines = bed.logger.lines;
    expect(lines).toContainEqual(
      expect.stringContaining(
        `warn Could not update the status message of ${request.id}: Slack chat.postMessage failed: ${unreachable()}`,
      ),
    );
    // The approval goes to the platform team's channel: the same call, the same words.
    expect(lines).toContainEqual(
      expect.stringContaining(`warn Could not post the approval of ${request.id}: Slack chat.postMessage failed: `),
    );
    // The Web API client's own line, through our logger, says which method too (it said only "fetch failed").
    // (This recording logger quotes a detail; ours writes it after the message: `http request failed chat.postMessage …`.)
    expect(lines).toContainEqual(`warn http request failed "chat.postMessage ${unreachable()}"`);
  });

  it('names users.info and users.lookupByEmail when a person cannot be looked up', async () => {
    const logger = recordingLogger();
    const client = createSlackWebClient({
      token: 'xoxb-test',
      apiUrl: closedUrl,
      logger,
      options: { retryConfig: { retries: 0 } },
    });
    const warmer = createIdentityWarmer({ store: catalog, logger });
    await expect(warmer.warmUser({ client, slackUserId: 'U0NEW' })).rejects.toThrow(
      `Slack users.info failed: ${unreachable()}`,
    );
    const message = {
      summary: 'x',
      blocks: [{ type: 'text' as const, text: [{ kind: 'user' as const, name: 'Mary', email: 'mary@acme.example' }] }],
    };
    await expect(warmer.warmFromMessage({ client, message })).rejects.toThrow(
      `Slack users.lookupByEmail failed: ${unreachable()}`,
    );
  });
});

describe('Slack refusing a call', () => {
  let slack: FakeSlackApi;
  beforeAll(async () => {
    slack = await startFakeSlackApi();
  });
  afterAll(() => slack?.close());

  it("names the method and Slack's error, keeping the error for callers that check it", async () => {
    const client = createSlackWebClient({
      token: 'xoxb-test',
      apiUrl: slack.url,
      logger: recordingLogger(),
      options: { retryConfig: { retries: 0 } },
    });
    slack.digest.failNext('chat.postMessage', 'not_in_channel');
    const notifier = createSlackChannelNotifier({ client });
    const posting = notifier.post({
      channel: { kind: 'channel', name: '#payments', ids: { slack: 'C0PAYMENTS' } },
      message: { summary: 'hello', blocks: [] },
    });
    await expect(posting).rejects.toThrow('Slack chat.postMessage failed: Slack answered not_in_channel');
    expect(isPlatformError(await posting.catch((error: unknown) => error), 'not_in_channel')).toBe(true);
  });
});
