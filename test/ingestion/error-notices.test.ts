/**
 * Error notices end to end: errors stored by an import into a real database, owners found through the catalog,
 * notices posted through the real Slack notifier and WebClient to the fake Slack.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processDocument } from '../../src/core/catalog/descriptor.ts';
import type { IngestError, ProcessedEntity } from '../../src/core/catalog/types.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { DrizzleSyncStateStore } from '../../src/db/DrizzleSyncStateStore.ts';
import { fingerprintError, notifyErrorOwners } from '../../src/ingestion/error-notices.ts';
import type { Logger } from '../../src/logger.ts';
import { createSlackChannelNotifier } from '../../src/slack/channel-notifier.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { fakeSlackClient } from '../helpers/listener-context.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const repoFile = (repo: string) => `url:https://github.com/acme/${repo}/blob/main/catalog-info.yaml`;

let database: Database;
let store: DrizzleCatalogStore;
let state: DrizzleSyncStateStore;
let slack: FakeSlackApi;

beforeAll(async () => {
  database = await openTestDatabase();
  store = new DrizzleCatalogStore({ db: database.db });
  state = new DrizzleSyncStateStore({ db: database.db });
});

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  await database.db.execute(sql`truncate entities, relations, locations, ingest_errors, error_notices`);
  slack = await startFakeSlackApi();
  await store.importEntities({
    entities: [
      entity({ kind: 'Group', name: 'payments', annotations: { 'slack.com/bot-notify': '#payments' }, spec: {} }),
      entity({
        kind: 'Group',
        name: 'ledger',
        annotations: { 'slack.com/bot-notify': '#ledger', 'wayfinder.dev/slack-channel-id': 'C0LEDGER' },
        spec: {},
      }),
      entity({ kind: 'Group', name: 'quiet-team', spec: {} }),
      entity({ name: 'payments-api', spec: { owner: 'payments' }, location: repoFile('payments-api') }),
      entity({ name: 'refunds', spec: { owner: 'payments' }, location: repoFile('refunds') }),
      entity({ name: 'ledger-service', spec: { owner: 'ledger' }, location: repoFile('ledger-service') }),
      entity({ name: 'silent-service', spec: { owner: 'quiet-team' }, location: repoFile('silent-service') }),
      entity({ name: 'stray', spec: { owner: 'nobody' }, location: repoFile('stray') }),
    ],
    errors: [],
    locations: [],
  });
});

afterEach(async () => {
  await slack?.close();
});

function entity(opts: {
  kind?: string;
  name: string;
  annotations?: Record<string, string>;
  spec: Record<string, unknown>;
  location?: string;
}): ProcessedEntity {
  const kind = opts.kind ?? 'Component';
  const result = processDocument({
    document: {
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: { name: opts.name, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
      spec:
        kind === 'Component'
          ? { type: 'service', lifecycle: 'production', ...opts.spec }
          : { type: 'team', children: [], ...opts.spec },
    },
    position: { location: opts.location ?? 'file:/catalog/org.yaml', line: 1 },
  });
  if (!result.ok) throw new Error(`fixture ${opts.name}: ${JSON.stringify(result.errors)}`);
  return result.entity;
}

function error(repo: string, extra: Partial<IngestError> = {}): IngestError {
  return {
    location: repoFile(repo),
    line: 7,
    field: 'spec.lifecycle',
    message: 'spec.lifecycle "prod" is not valid; expected experimental, production or deprecated',
    entityRef: `component:default/${repo}`,
    ...extra,
  };
}

/** A sync: the errors of the files read are stored (replacing those files' old errors), then owners are told. */
async function syncWith(errors: IngestError[], read: string[] = errors.map((e) => e.location)) {
  await store.importEntities({ entities: [], errors, locations: read });
  return notifyErrorOwners({
    errors,
    store,
    state,
    notifier: createSlackChannelNotifier({ client: fakeSlackClient(slack.url) }),
    logger: quiet,
  });
}

const posts = () => slack.callsTo('chat.postMessage').map((call) => call.body);

async function claimedFingerprints(): Promise<string[]> {
  const { rows } = await database.db.execute<{ fingerprint: string }>(sql`select fingerprint from error_notices`);
  return rows.map((row) => row.fingerprint).sort();
}

describe('notifyErrorOwners', () => {
  it("posts one message per team to its channel, listing each new error with a link to the file's line", async () => {
    const result = await syncWith([
      error('payments-api'),
      error('refunds', { line: 3, field: 'spec.owner', message: 'spec.owner is required' }),
      error('ledger-service'),
    ]);

    expect(result).toEqual({ posted: 3, teams: 2, unowned: 0 });
    const byChannel = Object.fromEntries(posts().map((body) => [body.channel, body]));
    expect(Object.keys(byChannel).sort()).toEqual(['C0LEDGER', 'payments']);
    const payments = JSON.stringify(byChannel.payments?.blocks);
    expect(byChannel.payments?.text).toContain('2 catalog errors in files payments owns');
    expect(payments).toContain('https://github.com/acme/payments-api/blob/main/catalog-info.yaml#L7');
    expect(payments).toContain('https://github.com/acme/refunds/blob/main/catalog-info.yaml#L3');
    expect(payments).toContain('spec.owner is required');
    expect(payments).toContain('Fix the file on the default branch; Wayfinder re-reads it on push.');
  });

  it('posts an error once across syncs that keep reporting it', async () => {
    await syncWith([error('payments-api')]);
    const second = await syncWith([error('payments-api')]);

    expect(second.posted).toBe(0);
    expect(posts()).toHaveLength(1);
  });

  it('posts an error again when it is fixed and then comes back', async () => {
    await syncWith([error('payments-api')]);
    await syncWith([], [repoFile('payments-api')]);
    expect(await claimedFingerprints()).toEqual([]);
    await syncWith([error('payments-api')]);

    expect(posts()).toHaveLength(2);
  });

  it('neither posts nor claims an error whose owner or channel is unknown', async () => {
    const unowned = [
      error('stray'),
      error('silent-service'),
      error('gone', { entityRef: 'component:default/never-stored' }),
      error('broken', { entityRef: undefined, field: undefined, message: 'not valid YAML' }),
    ];

    const result = await syncWith([...unowned, error('payments-api')]);

    expect(result).toEqual({ posted: 1, teams: 1, unowned: 4 });
    expect(posts().map((body) => body.channel)).toEqual(['payments']);
    expect(await claimedFingerprints()).toEqual([fingerprintError(error('payments-api'))]);
  });

  it('tells a Group about an error in its own file', async () => {
    await syncWith([error('org', { entityRef: 'group:default/ledger', field: 'spec.parent' })]);

    expect(posts().map((body) => body.channel)).toEqual(['C0LEDGER']);
  });
});
