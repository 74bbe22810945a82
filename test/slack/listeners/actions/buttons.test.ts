import type { BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogStore } from '../../../../src/core/ports/catalog-store.ts';
import type { ProcessedEventLog } from '../../../../src/core/ports/processed-event-log.ts';
import type { Message } from '../../../../src/core/view-model.ts';
import { runCommandButton } from '../../../../src/slack/listeners/actions/run-command.ts';
import { shareButton } from '../../../../src/slack/listeners/actions/share.ts';
import type { FakeSlackApi } from '../../../fakes/slack-api.ts';
import {
  listenerContext as createListenerContext,
  fakeSlackClient,
  type ListenerTestbed,
  openListenerTestbed,
  type TestListenerContext,
} from '../../../helpers/listener-context.ts';

let bed: ListenerTestbed;
let store: CatalogStore;
let processedEvents: ProcessedEventLog;
let slack: FakeSlackApi;
beforeAll(async () => {
  bed = await openListenerTestbed();
  ({ store, processedEvents, slack } = bed);
  // The clicker is known: the store links them to the catalog User with their email, user:default/asker.
  await store.saveChatIdentity({
    identity: { platform: 'slack', platformUserId: 'U0ASKER', email: 'asker@example.com' },
  });
});
afterAll(() => bed?.close());
beforeEach(() => {
  slack.calls.length = 0;
});
const created: TestListenerContext[] = [];
afterEach(async () => {
  await Promise.all(created.splice(0).map((listener) => listener.background.idle()));
});
function listenerContext() {
  const listener = createListenerContext({
    store,
    processedEvents,
    answer: async (line): Promise<Message> => ({
      summary: `answer to ${line}`,
      command: line,
      blocks: [{ type: 'text', text: [{ kind: 'text', text: `answer to ${line}` }] }],
    }),
  });
  created.push(listener);
  return listener;
}

function button(actionId: string, value: string): ButtonAction {
  return {
    type: 'button',
    action_id: actionId,
    block_id: 'b',
    action_ts: '1',
    value,
    text: { type: 'plain_text', text: 'x' },
  };
}

function body(action: ButtonAction, responseUrl?: string): BlockAction {
  return {
    type: 'block_actions',
    actions: [action],
    team: { id: 'T0WAYFIND', domain: 'w' },
    user: { id: 'U0ASKER', name: 'asker' },
    api_app_id: 'A0',
    token: 't',
    trigger_id: '1',
    ...(responseUrl ? { response_url: responseUrl, channel: { id: 'C0GENERAL', name: 'general' } } : {}),
  } as BlockAction;
}

type Responded = {
  response_type: string;
  replace_original: boolean;
  text: string;
  blocks: { type: string; elements?: { action_id?: string }[] }[];
};

function recorder() {
  const acks: unknown[] = [];
  const responses: Responded[] = [];
  return {
    acks,
    responses,
    ack: async (response?: unknown) => {
      acks.push(response);
    },
    // Bolt's respond resolves with the fetch Response, which no listener reads.
    respond: (async (message: unknown) => {
      responses.push(message as Responded);
    }) as unknown as RespondFn,
  };
}

const actionIdsOf = (response: Responded) =>
  response.blocks.flatMap((block) => block.elements ?? []).map((element) => element.action_id ?? '');

describe('runCommandButton', () => {
  it('acks, runs the command the button carries as the clicker, and answers ephemerally beside the original', async () => {
    const listener = listenerContext();
    const rec = recorder();
    const action = button('wayfinder_run_command:2', '/owner group:default/payments');
    await runCommandButton(listener, {
      ...rec,
      action,
      body: body(action, slack.responseUrl('a')),
      client: fakeSlackClient(slack.url),
    });
    expect(rec.acks).toEqual([undefined]);
    expect(listener.ran.map((run) => run.line)).toEqual(['/owner group:default/payments']);
    expect(await listener.ran[0]?.context.viewer()).toEqual({ userRef: 'user:default/asker' });
    expect(rec.responses).toHaveLength(1);
    expect(rec.responses[0]).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(rec.responses[0]?.text).toContain('answer to /owner group:default/payments');
    expect(actionIdsOf(rec.responses[0] as Responded).some((id) => id.startsWith('wayfinder_share'))).toBe(true);
  });

  it("answers a button on the App Home in the app's messages, since there is no response_url", async () => {
    const listener = listenerContext();
    const rec = recorder();
    const action = button('wayfinder_run_command:0', '/wayfinder help');
    await runCommandButton(listener, { ...rec, action, body: body(action), client: fakeSlackClient(slack.url) });
    expect(rec.responses).toEqual([]);
    expect(slack.callsTo('chat.postMessage')).toEqual([
      expect.objectContaining({
        method: 'chat.postMessage',
        body: expect.objectContaining({ channel: 'U0ASKER', text: 'answer to /wayfinder help' }),
      }),
    ]);
  });

  it('acks and does nothing else for a button without a command', async () => {
    const listener = listenerContext();
    const rec = recorder();
    const action = button('wayfinder_run_command:0', '  ');
    await runCommandButton(listener, {
      ...rec,
      action,
      body: body(action, slack.responseUrl('a')),
      client: fakeSlackClient(slack.url),
    });
    expect(rec.acks).toHaveLength(1);
    expect(listener.ran).toEqual([]);
    expect(rec.responses).toEqual([]);
  });
});

describe('shareButton', () => {
  it('posts the answer in the channel for everyone, without the share button, saying who shared it', async () => {
    const listener = listenerContext();
    const rec = recorder();
    const action = button('wayfinder_share:4', '/owner payments-api');
    await shareButton(listener, {
      ...rec,
      action,
      body: body(action, slack.responseUrl('s')),
      client: fakeSlackClient(slack.url),
    });
    expect(rec.acks).toEqual([undefined]);
    expect(listener.ran.map((run) => run.line)).toEqual(['/owner payments-api']);
    expect(rec.responses).toHaveLength(1);
    const shared = rec.responses[0] as Responded;
    expect(shared).toMatchObject({ response_type: 'in_channel', replace_original: false });
    expect(actionIdsOf(shared).some((id) => id.startsWith('wayfinder_share'))).toBe(false);
    expect(JSON.stringify(shared.blocks)).toContain('Shared by <@U0ASKER>');
  });

  it('shares nothing when the button has no response_url to answer through', async () => {
    const listener = listenerContext();
    const rec = recorder();
    const action = button('wayfinder_share:0', '/owner payments-api');
    await shareButton(listener, { ...rec, action, body: body(action), client: fakeSlackClient(slack.url) });
    expect(rec.responses).toEqual([]);
    expect(slack.calls).toEqual([]);
  });
});
