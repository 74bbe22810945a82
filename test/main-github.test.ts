/**
 * The GitHub wiring as `npm start` runs it: settings → sync from a fake GitHub → one HTTP server taking signed
 * webhooks → the owning team told about a broken descriptor in its Slack channel (a fake Slack Web API).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { openWayfinder, type RunningServer, serveWayfinder, type Wayfinder } from '../src/main.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from './fakes/github-api.ts';
import { type FakeSlackApi, startFakeSlackApi } from './fakes/slack-api.ts';
import { createIsolatedDatabaseEnv } from './helpers/database.ts';
import { deliverGitHubWebhook, pushPayload } from './helpers/github-webhooks.ts';
import { TEST_SIGNING_SECRET } from './helpers/slack-requests.ts';

const WEBHOOK_SECRET = 'main-test-webhook-secret';

const catalogFile = (lifecycle: string) => `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
  annotations:
    slack.com/bot-notify: '#payments'
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
spec:
  type: service
  lifecycle: ${lifecycle}
  owner: payments
`;

let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
let github: FakeGitHubApi;
let slack: FakeSlackApi;
let wayfinder: Wayfinder;
let server: RunningServer;
let base: string;
const logLines: string[] = [];

beforeAll(async () => {
  isolated = await createIsolatedDatabaseEnv();
  github = await startFakeGitHubApi({ token: 'ghp_main' });
  slack = await startFakeSlackApi();
  github.addRepos({ fullName: 'acme/payments-api', files: { 'catalog-info.yaml': catalogFile('production') } });
  const config = loadConfig({
    ...isolated.env,
    WAYFINDER_DEMO: 'false',
    PORT: '0',
    HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: 'xoxb-main-github-test',
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    GITHUB_ORG: 'acme',
    GITHUB_TOKEN: 'ghp_main',
    GITHUB_API_URL: github.url,
    GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
  });
  const logger = createLogger({ level: 'warn', write: (line) => logLines.push(line) });
  wayfinder = await openWayfinder(config, logger);
  server = await serveWayfinder(wayfinder, config, logger);
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await wayfinder?.close();
  await slack?.close();
  await github?.close();
  await isolated?.remove();
});

function deliverPush(opts: { signature?: string; delivery: string }) {
  return deliverGitHubWebhook({
    url: `${base}/github/webhook`,
    secret: WEBHOOK_SECRET,
    event: 'push',
    payload: pushPayload({ repo: 'acme/payments-api', modified: ['catalog-info.yaml'] }),
    id: opts.delivery,
    ...(opts.signature === undefined ? {} : { signature: opts.signature }),
  });
}

/** What `find` answers once it answers something, within 10 s (the webhook's work runs in the background). */
async function eventually<T>(find: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('Nothing was found within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('wayfinder start with GitHub settings', () => {
  it('syncs the organisation, then re-reads a repository on a signed push and tells the owners of a broken file', async () => {
    const first = await wayfinder.github?.syncOrganisation();
    expect(first?.counts.created).toBe(2);

    github.setFile({ repo: 'acme/payments-api', path: 'catalog-info.yaml', text: catalogFile('[broken') });
    const response = await deliverPush({ delivery: 'delivery-1' });
    expect(response.status).toBe(202);

    const posted = await slack.waitFor(() => slack.callsTo('chat.postMessage')[0], 5_000);
    expect(posted.body.channel).toBe('payments');
    expect(JSON.stringify(posted.body)).toContain('catalog-info.yaml');
    // The broken document keeps its last good entity.
    expect((await wayfinder.store.getEntity({ ref: 'component:default/payments-api' }))?.orphan).toBe(false);
  });

  it("indexes a repository's docs after the sync a push caused, and again after a push that touched only its docs", async () => {
    github.addRepos({
      fullName: 'acme/ledger',
      files: {
        'catalog-info.yaml':
          'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: payments\n',
        'docs/failover.md': '# Failover\n\nPromote the replica in eu-west-1.\n',
      },
    });
    const push = (modified: string[], delivery: string) =>
      deliverGitHubWebhook({
        url: `${base}/github/webhook`,
        secret: WEBHOOK_SECRET,
        event: 'push',
        payload: pushPayload({ repo: 'acme/ledger', modified }),
        id: delivery,
      });
    const failover = async () => (await wayfinder.docs.index.searchLexical({ text: 'promote replica', limit: 1 }))[0];

    expect((await push(['catalog-info.yaml'], 'delivery-docs-1')).status).toBe(202);
    const indexed = await eventually(failover);
    expect(indexed.url).toBe('https://github.com/acme/ledger/blob/main/docs/failover.md#failover');

    github.setFile({
      repo: 'acme/ledger',
      path: 'docs/failover.md',
      text: '# Failover\n\nPromote the replica in us-east-1.\n',
    });
    expect((await push(['docs/failover.md'], 'delivery-docs-2')).status).toBe(202);
    const updated = await eventually(async () => {
      const hit = await failover();
      return hit?.content.includes('us-east-1') ? hit : undefined;
    });
    expect(updated.entityRef).toBe('component:default/ledger');
  });

  it("logs what Slack says of a failed post through our logger, as JSON lines, and never the bot's token", async () => {
    // Slack refuses the notice's blocks, saying why in the answer's metadata, as it does for invalid_blocks.
    slack.digest.failNext('chat.postMessage', 'invalid_blocks', 1, {
      warnings: ['superfluous_charset'],
      messages: ['[ERROR] failed to match all allowed schemas [json-pointer:/blocks/0/text]'],
    });
    const notices = slack.callsTo('chat.postMessage').length;
    github.setFile({ repo: 'acme/payments-api', path: 'catalog-info.yaml', text: catalogFile('{still broken') });
    expect((await deliverPush({ delivery: 'delivery-sdk-log' })).status).toBe(202);
    await slack.waitFor(() => slack.callsTo('chat.postMessage')[notices], 5_000);
    const parsed = await eventually(async () => {
      const lines = logLines.map((line) => JSON.parse(line) as { level: string; msg: string });
      return lines.some((line) => line.msg.startsWith('Could not post')) ? lines : undefined;
    });
    // The Web API client's own lines, from the metadata of Slack's answer: ours, not its console's.
    expect(parsed).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'superfluous_charset' }));
    expect(parsed).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'failed to match all allowed schemas [json-pointer:/blocks/0/text]',
      }),
    );
    expect(logLines.join('\n')).not.toContain('xoxb-main-github-test');
  });

  it('refuses an unsigned or forged delivery with 401 and reads nothing', async () => {
    github.resetLog();
    expect((await deliverPush({ delivery: 'delivery-2', signature: '' })).status).toBe(401);
    expect((await deliverPush({ delivery: 'delivery-3', signature: `sha256=${'0'.repeat(64)}` })).status).toBe(401);
    expect(github.requests).toBe(0);
  });
});
