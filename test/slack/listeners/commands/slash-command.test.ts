import type { SlashCommand } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/core/errors.ts';
import type { CatalogStore } from '../../../../src/core/ports/catalog-store.ts';
import type { ProcessedEventLog } from '../../../../src/core/ports/processed-event-log.ts';
import type { Message } from '../../../../src/core/view-model.ts';
import { answerSlashCommand } from '../../../../src/slack/listeners/commands/slash-command.ts';
import type { FakeSlackApi } from '../../../fakes/slack-api.ts';
import {
  listenerContext as createListenerContext,
  fakeSlackClient,
  type ListenerTestbed,
  openListenerTestbed,
  respondVia,
  type TestListenerContext,
} from '../../../helpers/listener-context.ts';

let bed: ListenerTestbed;
let store: CatalogStore;
let processedEvents: ProcessedEventLog;
let slack: FakeSlackApi;
/** SQL sent on this file's database, to see what a handler costs before its answer. */
const queries: string[] = [];
beforeAll(async () => {
  bed = await openListenerTestbed({ onQuery: (query) => queries.push(query) });
  ({ store, processedEvents, slack } = bed);
});
afterAll(() => bed?.close());
beforeEach(() => {
  slack.calls.length = 0;
});
const created: TestListenerContext[] = [];
afterEach(async () => {
  await Promise.all(created.splice(0).map((listener) => listener.background.idle()));
});
/** A listener context on this file's database; chat identities saved by one test stay for the next, so each uses its own people. */
const listenerContext = (opts: { answer?: Parameters<typeof createListenerContext>[0]['answer'] } = {}) => {
  const listener = createListenerContext({ store, processedEvents, ...opts });
  created.push(listener);
  return listener;
};

function command(text: string, userId = 'U0ASKER'): SlashCommand {
  return {
    token: 't',
    command: '/owner',
    text,
    response_url: slack.responseUrl('cmd'),
    trigger_id: '1.2.3',
    user_id: userId,
    user_name: 'asker',
    team_id: 'T0WAYFIND',
    team_domain: 'wayfinder',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    api_app_id: 'A0',
  };
}

const ownerAnswer: Message = {
  summary: 'payments-api is owned by Payments',
  command: '/owner payments-api',
  blocks: [
    { type: 'header', text: 'payments-api is owned by Payments' },
    {
      type: 'list',
      title: 'Members',
      items: [
        { text: [{ kind: 'user', name: 'Ada', email: 'ada@example.com' }] },
        { text: [{ kind: 'user', name: 'Bo', email: 'bo@example.com', ids: { slack: 'U0BO' } }] },
        { text: [{ kind: 'user', name: 'Cy', email: 'cy@outside.example' }] },
      ],
    },
  ],
};

describe('answerSlashCommand', () => {
  it('answers in the ack, ephemerally, with the rendered answer and a share button, before any Slack call', async () => {
    const listener = listenerContext({ answer: async () => ownerAnswer });
    const acks: unknown[] = [];
    let slackCallsAtAck = -1;
    await answerSlashCommand(listener, {
      command: command('payments-api'),
      ack: async (response) => {
        slackCallsAtAck = slack.calls.length;
        acks.push(response);
      },
      respond: respondVia(slack.responseUrl('cmd')),
      client: fakeSlackClient(slack.url),
    });
    expect(slackCallsAtAck).toBe(0);
    expect(listener.ran.map((run) => run.line)).toEqual(['/owner payments-api']);
    expect(acks).toHaveLength(1);
    const ack = acks[0] as {
      response_type: string;
      text: string;
      blocks: { type: string; elements?: { action_id: string }[] }[];
    };
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toContain('payments-api is owned by Payments');
    expect(ack.blocks[0]).toMatchObject({ type: 'header' });
    const actionIds = ack.blocks.flatMap((block) => block.elements ?? []).map((element) => element.action_id);
    expect(actionIds.some((id) => id?.startsWith('wayfinder_share'))).toBe(true);
    await listener.background.idle();
  });

  it('once it knows who is asking, sends no identity query after their later answers', async () => {
    await store.saveChatIdentity({
      identity: { platform: 'slack', platformUserId: 'U0OFTEN', email: 'bo@example.com' },
    });
    const listener = listenerContext();
    const ask = async () => {
      await answerSlashCommand(listener, {
        command: command('x', 'U0OFTEN'),
        ack: async () => {},
        respond: respondVia(slack.responseUrl('cmd')),
        client: fakeSlackClient(slack.url),
      });
      await listener.background.idle();
    };
    await ask();
    queries.length = 0;
    await ask();
    expect(queries.filter((query) => query.includes('chat_identities'))).toEqual([]);
    expect(slack.callsTo('users.info')).toEqual([]);
  });

  it('sends no query of its own before the answer: who is asking is looked up only when a command asks', async () => {
    const listener = listenerContext();
    let queriesAtAck = -1;
    queries.length = 0;
    await answerSlashCommand(listener, {
      command: command('payments-api', 'U0QUIET'),
      ack: async () => {
        queriesAtAck = queries.length;
      },
      respond: respondVia(slack.responseUrl('cmd')),
      client: fakeSlackClient(slack.url),
    });
    expect(queriesAtAck).toBe(0);
  });

  it('gives the command the linked catalog User when Wayfinder knows the Slack user', async () => {
    // The store links the catalog User with that email.
    await store.saveChatIdentity({ identity: { platform: 'slack', platformUserId: 'U0BO', email: 'bo@example.com' } });
    const listener = listenerContext();
    await answerSlashCommand(listener, {
      command: command('x', 'U0BO'),
      ack: async () => {},
      respond: respondVia(slack.responseUrl('cmd')),
      client: fakeSlackClient(slack.url),
    });
    expect(await listener.ran[0]?.context.viewer()).toEqual({ userRef: 'user:default/bo' });
  });

  it('runs the command for an unknown viewer without asking Slack first', async () => {
    const listener = listenerContext();
    await answerSlashCommand(listener, {
      command: command('x', 'U0NEW'),
      ack: async () => {},
      respond: respondVia(slack.responseUrl('cmd')),
      client: fakeSlackClient(slack.url),
    });
    expect(await listener.ran[0]?.context.viewer()).toEqual({});
  });

  it('afterwards learns the viewer and the people shown by email only, up to the limit', async () => {
    slack.users.add(
      { id: 'U0ASKER', email: 'asker@example.com', name: 'asker' },
      { id: 'U0ADA', email: 'ada@example.com', name: 'ada' },
    );
    const identityOf = (platformUserId: string) => store.findChatIdentity({ platform: 'slack', platformUserId });
    expect(await identityOf('U0ASKER')).toBeUndefined();
    expect(await identityOf('U0ADA')).toBeUndefined();
    const listener = listenerContext({ answer: async () => ownerAnswer });
    await answerSlashCommand(listener, {
      command: command('payments-api'),
      ack: async () => {},
      respond: respondVia(slack.responseUrl('cmd')),
      client: fakeSlackClient(slack.url),
    });
    await listener.background.idle();

    expect(slack.callsTo('users.info').map((call) => call.body.user)).toEqual(['U0ASKER']);
    expect(slack.callsTo('users.lookupByEmail').map((call) => call.body.email)).toEqual([
      'ada@example.com',
      'cy@outside.example',
    ]);
    expect(await identityOf('U0ASKER')).toEqual({
      platform: 'slack',
      platformUserId: 'U0ASKER',
      email: 'asker@example.com',
      userRef: 'user:default/asker',
    });
    expect(await identityOf('U0ADA')).toEqual({
      platform: 'slack',
      platformUserId: 'U0ADA',
      email: 'ada@example.com',
      userRef: 'user:default/ada',
    });

    // Someone Slack does not know is not asked about again on the next answer.
    slack.calls.length = 0;
    await answerSlashCommand(listener, {
      command: command('payments-api'),
      ack: async () => {},
      respond: respondVia(slack.responseUrl('cmd')),
      client: fakeSlackClient(slack.url),
    });
    await listener.background.idle();
    expect(slack.callsTo('users.info')).toEqual([]);
    expect(slack.callsTo('users.lookupByEmail').map((call) => call.body.email)).toEqual(['ada@example.com']);
  });

  it('looks each person up once when answers showing them are sent at the same moment', async () => {
    slack.users.add(
      { id: 'U0DEE', email: 'dee@example.com', name: 'dee' },
      { id: 'U0EVE', email: 'eve@example.com', name: 'eve' },
    );
    const teamAnswer: Message = {
      summary: 'ledger is owned by Ledger',
      command: '/owner ledger',
      blocks: [
        {
          type: 'list',
          title: 'Members',
          items: [
            { text: [{ kind: 'user', name: 'Dee', email: 'dee@example.com' }] },
            { text: [{ kind: 'user', name: 'Eve', email: 'eve@example.com' }] },
          ],
        },
      ],
    };
    // What each answer's background work does with its message, for four answers at the same moment.
    const listener = listenerContext({ answer: async () => teamAnswer });
    const client = fakeSlackClient(slack.url);
    await Promise.all(
      Array.from({ length: 4 }, () => listener.identities.warmFromMessage({ client, message: teamAnswer })),
    );

    expect(
      slack
        .callsTo('users.lookupByEmail')
        .map((call) => call.body.email)
        .sort(),
    ).toEqual(['dee@example.com', 'eve@example.com']);
    expect(await store.findChatIdentity({ platform: 'slack', platformUserId: 'U0EVE' })).toMatchObject({
      email: 'eve@example.com',
    });
  });

  it('turns an expected failure into a helpful ephemeral answer', async () => {
    const listener = listenerContext({
      answer: async () => {
        throw new InputError('--depth expects a number from 1 to 5, got "lots"');
      },
    });
    const acks: unknown[] = [];
    await answerSlashCommand(listener, {
      command: command('x --depth lots'),
      ack: async (response) => {
        acks.push(response);
      },
      respond: respondVia(slack.responseUrl('cmd')),
      client: fakeSlackClient(slack.url),
    });
    expect(acks[0]).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('--depth expects a number'),
    });
  });

  it('closes the request quietly and rethrows an unexpected failure for the error handler', async () => {
    const listener = listenerContext({
      answer: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    const acks: unknown[] = [];
    const answered = answerSlashCommand(listener, {
      command: command('x'),
      ack: async (response) => {
        acks.push(response);
      },
      respond: respondVia(slack.responseUrl('cmd')),
      client: fakeSlackClient(slack.url),
    });
    await expect(answered).rejects.toThrow(TypeError);
    expect(acks).toEqual([undefined]);
  });
});
