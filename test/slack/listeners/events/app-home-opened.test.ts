import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogStore } from '../../../../src/core/ports/catalog-store.ts';
import type { ProcessedEventLog } from '../../../../src/core/ports/processed-event-log.ts';
import { publishHome } from '../../../../src/slack/listeners/events/app-home-opened.ts';
import type { FakeSlackApi } from '../../../fakes/slack-api.ts';
import {
  listenerContext as createListenerContext,
  fakeSlackClient,
  type ListenerTestbed,
  openListenerTestbed,
} from '../../../helpers/listener-context.ts';

let bed: ListenerTestbed;
let store: CatalogStore;
let processedEvents: ProcessedEventLog;
let slack: FakeSlackApi;
beforeAll(async () => {
  bed = await openListenerTestbed();
  ({ store, processedEvents, slack } = bed);
  slack.users.add(
    { id: 'U0ADA', email: 'Ada@Example.com', name: 'ada' },
    { id: 'U0NEW', email: 'new@example.com', name: 'new' },
  );
});
afterAll(() => bed?.close());
beforeEach(() => {
  slack.calls.length = 0;
});
// publishHome awaits its Slack calls itself; nothing is left running in the background.
const listenerContext = () => createListenerContext({ store, processedEvents });

function opened(user: string, tab: 'home' | 'messages' = 'home') {
  return { type: 'app_home_opened' as const, user, channel: 'D0HOME', tab, event_ts: '1' };
}

describe('publishHome', () => {
  it("links the person by their Slack email and publishes their teams' services", async () => {
    expect(await store.findChatIdentity({ platform: 'slack', platformUserId: 'U0ADA' })).toBeUndefined();
    await publishHome(listenerContext(), { event: opened('U0ADA'), client: fakeSlackClient(slack.url) });

    // Slack's email differs in case from the catalog's ada@example.com; the link is case-insensitive.
    expect(await store.findChatIdentity({ platform: 'slack', platformUserId: 'U0ADA' })).toEqual({
      platform: 'slack',
      platformUserId: 'U0ADA',
      email: 'Ada@Example.com',
      userRef: 'user:default/ada',
    });
    const [publish] = slack.callsTo('views.publish');
    expect(publish?.body.user_id).toBe('U0ADA');
    const view = publish?.body.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(view.blocks)).toContain('payments-api');
    expect(JSON.stringify(view.blocks)).toContain('Payments');
  });

  it('publishes how to be linked for someone the catalog has no User for', async () => {
    await publishHome(listenerContext(), { event: opened('U0NEW'), client: fakeSlackClient(slack.url) });
    const view = slack.callsTo('views.publish')[0]?.body.view as { blocks: unknown[] };
    expect(JSON.stringify(view.blocks)).toContain('spec.profile.email: new@example.com');
  });

  it('does nothing when the Messages tab is opened', async () => {
    await publishHome(listenerContext(), {
      event: opened('U0ADA', 'messages'),
      client: fakeSlackClient(slack.url),
    });
    expect(slack.calls).toEqual([]);
  });
});
