/**
 * Slack's 3-second limit, end to end: signed slash commands over HTTP into the real Bolt App, with a catalog synced
 * from a fake GitHub that answers slowly, and the answers that come later read from the fake Slack's response_urls.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerCommandLine, answerToMessage } from '../../src/core/commands/index.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { DrizzleConditionalCache } from '../../src/db/DrizzleConditionalCache.ts';
import { DrizzleSyncStateStore } from '../../src/db/DrizzleSyncStateStore.ts';
import { OctokitGitHubGateway } from '../../src/github/OctokitGitHubGateway.ts';
import { createOctokit } from '../../src/github/octokit.ts';
import { createCatalogRefresher } from '../../src/ingestion/catalog-refresher.ts';
import { GitHubCatalogSync } from '../../src/ingestion/github-sync.ts';
import type { SlackApp } from '../../src/slack/app.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';
import { type FakeSlackApi, type RecordedResponse, startFakeSlackApi } from '../fakes/slack-api.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { type SlackHttpTestbed, startSlackHttpTestbed } from '../helpers/slack-http-testbed.ts';
import { postToSlackEndpoint, slashCommandRequest } from '../helpers/slack-requests.ts';

/** Each GitHub request takes this long: a repository refresh makes several, so it takes well over `DEFER_AFTER_MS`. */
const GITHUB_LATENCY_MS = 300;
/** The Slack app's safety net, shorter than in production (2,000 ms) yet long enough for a loaded CI machine to look up a refresh's repository in time. */
const DEFER_AFTER_MS = 500;
const REPOSITORIES = 6;

const descriptor = (n: number) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: service-${n}
spec:
  type: service
  lifecycle: production
  owner: payments
`;

let database: Database;
let github: FakeGitHubApi;
let slack: FakeSlackApi;
let slackApp: SlackApp;
let testbed: SlackHttpTestbed;
let base: string;

beforeAll(async () => {
  database = await openTestDatabase();
  const store = new DrizzleCatalogStore({ db: database.db });
  github = await startFakeGitHubApi({ token: 'ghp_test' });
  for (let n = 1; n <= REPOSITORIES; n++) {
    github.addRepos({ fullName: `acme/service-${n}`, files: { 'catalog-info.yaml': descriptor(n) } });
  }
  github.addRepos({
    fullName: 'acme/teams',
    files: {
      'catalog-info.yaml':
        'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: payments\nspec:\n  type: team\n  children: []\n',
    },
  });
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const sync = new GitHubCatalogSync({
    gateway: new OctokitGitHubGateway({
      octokit: createOctokit({ auth: { token: 'ghp_test' }, logger: quiet, apiUrl: github.url, retries: 0 }),
      cache: new DrizzleConditionalCache({ db: database.db }),
    }),
    store,
    state: new DrizzleSyncStateStore({ db: database.db }),
    settings: { org: 'acme', catalogPaths: ['catalog-info.yaml'], includeForks: false },
    logger: quiet,
  });
  await sync.syncOrganisation();
  // From now on GitHub is slow.
  await github.close();
  github = await startFakeGitHubApi({ token: 'ghp_test', latencyMs: GITHUB_LATENCY_MS });
  for (let n = 1; n <= REPOSITORIES; n++) {
    github.addRepos({ fullName: `acme/service-${n}`, files: { 'catalog-info.yaml': descriptor(n) } });
  }
  const slowSync = new GitHubCatalogSync({
    gateway: new OctokitGitHubGateway({
      octokit: createOctokit({ auth: { token: 'ghp_test' }, logger: quiet, apiUrl: github.url, retries: 0 }),
      cache: new DrizzleConditionalCache({ db: database.db }),
    }),
    store,
    state: new DrizzleSyncStateStore({ db: database.db }),
    settings: { org: 'acme', catalogPaths: ['catalog-info.yaml'], includeForks: false },
    logger: quiet,
  });

  slack = await startFakeSlackApi();
  testbed = await startSlackHttpTestbed({
    database,
    slack,
    botToken: 'xoxb-answers-in-time',
    app: { deferAfterMs: DEFER_AFTER_MS },
    services: ({ store }) => ({
      refresher: createCatalogRefresher({ store, refreshScope: (opts) => slowSync.refreshScope(opts) }),
      // `--inline` makes a refresh read GitHub before answering, as a command that calls a slow service would.
      runCommand: async (context, line) =>
        line.endsWith(' --inline')
          ? answerToMessage(await answerCommandLine(context, line.replace(/ --inline$/, '')))
          : answerCommandLine(context, line),
    }),
  });
  slackApp = testbed.slackApp;
  base = testbed.base;
});

afterAll(async () => {
  await testbed?.close();
  await slack?.close();
  await github?.close();
  await database?.close();
});

beforeEach(async () => {
  await slackApp.idle();
  slack.responses.length = 0;
});

interface Ack {
  response_type?: string;
  text?: string;
}

async function slash(text: string, opts: { command?: string; userId: string; responseId: string }): Promise<Ack> {
  const response = await postToSlackEndpoint(
    base,
    slashCommandRequest({
      command: opts.command ?? '/wayfinder',
      text,
      userId: opts.userId,
      responseUrl: slack.responseUrl(opts.responseId),
    }),
  );
  expect(response.status).toBe(200);
  const body = await response.text();
  return body === '' ? {} : (JSON.parse(body) as Ack);
}

const responseTo = (id: string) => slack.waitFor(() => slack.responses.find((response) => response.id === id));
const textOf = (response: RecordedResponse) => String(response.body.text);

describe('answers that take longer than Slack waits', () => {
  it('acks an answer not ready in time with "Working on it…" and delivers it through the response_url', async () => {
    const ack = await slash('refresh service-1 --inline', { userId: 'U0SLOW', responseId: 'slow' });

    expect(ack).toMatchObject({ response_type: 'ephemeral', text: 'Working on it…' });
    const delivered = await responseTo('slow');
    expect(textOf(delivered)).toBe('Refreshed service-1 from acme/service-1: 0 created, 0 updated, 1 unchanged.');
    expect(delivered.body).toMatchObject({ response_type: 'ephemeral', replace_original: true });
  });

  it('answers /wayfinder refresh at once with what it is reading, and the result when GitHub has answered', async () => {
    const ack = await slash('refresh service-2', { userId: 'U0REFRESH', responseId: 'refresh' });

    expect(ack.text).toBe('Refreshing service-2 from acme/service-2… the result follows here.');
    expect(slack.responses).toEqual([]);
    expect(textOf(await responseTo('refresh'))).toBe(
      'Refreshed service-2 from acme/service-2: 0 created, 0 updated, 1 unchanged.',
    );
  });

  it('asks a second refresh of the same repository to wait, naming what is running and who started it', async () => {
    const [first, second] = await Promise.all([
      slash('refresh service-3', { userId: 'U0FIRST', responseId: 'first' }),
      // The same repository by another of its names, a moment later.
      new Promise((resolve) => setTimeout(resolve, 10)).then(() =>
        slash('refresh component:default/service-3', { userId: 'U0SECOND', responseId: 'second' }),
      ),
    ]);

    expect(first.text).toBe('Refreshing service-3 from acme/service-3… the result follows here.');
    expect(second.text).toMatch(
      /^Not refreshing service-3 yet: acme\/service-3 is being refreshed already, started by U0FIRST (just now|\d+ seconds ago)\. Ask again once it is done\.$/,
    );
    await responseTo('first');
    await slackApp.idle();
    expect(slack.responses.map((response) => response.id)).toEqual(['first']);
  });

  it('keeps answering /owner in its ack while six refreshes read a slow GitHub', async () => {
    const refreshes = await Promise.all(
      Array.from({ length: REPOSITORIES }, (_, i) =>
        slash(`refresh service-${i + 1}`, { userId: `U0R${i + 1}`, responseId: `r${i + 1}` }),
      ),
    );
    const owner = await slash('service-4', { command: '/owner', userId: 'U0OTHER', responseId: 'owner' });

    for (const [i, ack] of refreshes.entries()) {
      expect(ack.text).toBe(`Refreshing service-${i + 1} from acme/service-${i + 1}… the result follows here.`);
    }
    expect(owner.text).toBe('service-4 is owned by payments.');
    await slackApp.idle();
    expect(slack.responses.map((response) => response.id).sort()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(slack.responses.map(textOf)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Refreshed service-\d from acme\/service-\d: /)]),
    );
  });
});
