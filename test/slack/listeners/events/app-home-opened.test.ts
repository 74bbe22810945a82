import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { publishHome } from '../../../../src/slack/listeners/events/app-home-opened.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../../fakes/slack-api.ts';
import { entity, fakeSlackClient, identityStore, listenerDeps } from '../../../helpers/slack-deps.ts';

let slack: FakeSlackApi;
beforeAll(async () => {
  slack = await startFakeSlackApi();
  slack.users.add(
    { id: 'U0ADA', email: 'Ada@Example.com', name: 'ada' },
    { id: 'U0NEW', email: 'new@example.com', name: 'new' },
  );
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  slack.calls.length = 0;
});

const payments = entity('group:default/payments', { metadata: { name: 'payments', title: 'Payments' } });
const paymentsApi = entity('component:default/payments-api', {
  metadata: { name: 'payments-api' },
  spec: { type: 'service' },
});

function opened(user: string, tab: 'home' | 'messages' = 'home') {
  return { type: 'app_home_opened' as const, user, channel: 'D0HOME', tab, event_ts: '1' };
}

describe('publishHome', () => {
  it("links the person by their Slack email and publishes their teams' services", async () => {
    const store = identityStore({
      usersByEmail: { 'ada@example.com': 'user:default/ada' },
      holdings: {
        'user:default/ada': { owned: [{ entity: paymentsApi, ownerRef: payments.ref }], total: 1, groups: [payments] },
      },
    });
    const deps = listenerDeps({ store });
    await publishHome(deps, { event: opened('U0ADA'), client: fakeSlackClient(slack.url) });

    expect(store.saved).toEqual([
      { platform: 'slack', platformUserId: 'U0ADA', email: 'Ada@Example.com', userRef: 'user:default/ada' },
    ]);
    const [publish] = slack.callsTo('views.publish');
    expect(publish?.body.user_id).toBe('U0ADA');
    const view = publish?.body.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(view.blocks)).toContain('payments-api');
    expect(JSON.stringify(view.blocks)).toContain('Payments');
  });

  it('publishes how to be linked for someone the catalog has no User for', async () => {
    const store = identityStore();
    await publishHome(listenerDeps({ store }), { event: opened('U0NEW'), client: fakeSlackClient(slack.url) });
    const view = slack.callsTo('views.publish')[0]?.body.view as { blocks: unknown[] };
    expect(JSON.stringify(view.blocks)).toContain('spec.profile.email: new@example.com');
  });

  it('does nothing when the Messages tab is opened', async () => {
    await publishHome(listenerDeps({ store: identityStore() }), {
      event: opened('U0ADA', 'messages'),
      client: fakeSlackClient(slack.url),
    });
    expect(slack.calls).toEqual([]);
  });
});
