/**
 * Docs questions in Slack threads, end to end: signed events through the real Bolt app over HTTP, answers streamed
 * through the Web API client's `chatStream` into the fake Slack, answers made by the fake OpenAI server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DOCS_FEEDBACK_BLOCK_ID, DOCS_HELPFUL_ACTION, DOCS_NOT_HELPFUL_ACTION } from '../../src/slack/ids.ts';
import { SUGGESTED_PROMPTS } from '../../src/slack/listeners/assistant.ts';
import { type FakeOpenAiApi, startFakeOpenAiApi } from '../fakes/openai-api.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { type DemoDocs, openDemoDocs } from '../helpers/demo-docs.ts';
import { type SlackHttpTestbed, startSlackHttpTestbed } from '../helpers/slack-http-testbed.ts';
import {
  blockActionsRequest,
  eventRequest,
  postToSlackEndpoint,
  slashCommandRequest,
} from '../helpers/slack-requests.ts';

let openai: FakeOpenAiApi;
let slack: FakeSlackApi;
let demo: DemoDocs;
let testbed: SlackHttpTestbed;

beforeAll(async () => {
  openai = await startFakeOpenAiApi();
  slack = await startFakeSlackApi();
  demo = await openDemoDocs({ ai: { url: openai.url, embeddingDimensions: 64, chat: true } });
  testbed = await startSlackHttpTestbed({
    database: demo.database,
    slack,
    botToken: 'xoxb-test-docs',
    services: () => ({ docs: demo.asker, docsQuestions: demo.questions }),
  });
});
afterAll(async () => {
  await testbed?.close();
  await demo?.close();
  await slack?.close();
  await openai?.close();
});
beforeEach(() => {
  slack.calls.length = 0;
});

let events = 0;
const send = (event: Record<string, unknown>, opts: { eventId?: string; retryNum?: number } = {}) =>
  postToSlackEndpoint(
    testbed.base,
    eventRequest({
      eventId: opts.eventId ?? `EvDOCS${++events}`,
      event,
      ...(opts.retryNum ? { retryNum: opts.retryNum } : {}),
    }),
  );

/** The streamed text of the stream started in reply to thread `threadTs`, once it has stopped. */
async function streamedAnswer(threadTs: string): Promise<{ text: string; stop: Record<string, unknown> }> {
  const start = await slack.waitFor(() =>
    slack.callsTo('chat.startStream').find((call) => call.body.thread_ts === threadTs),
  );
  const ts = await slack.waitFor(
    () => slack.calls.find((call) => call.method === 'chat.stopStream')?.body.ts as string | undefined,
  );
  const stop = slack.callsTo('chat.stopStream').find((call) => call.body.ts === ts)?.body ?? {};
  const chunks = [start, ...slack.callsTo('chat.appendStream'), { body: stop }].flatMap(
    (call) => (call.body.chunks as { text?: string }[] | undefined) ?? [],
  );
  return { text: chunks.map((chunk) => chunk.text ?? '').join(''), stop };
}

/** The blocks that closed the answer to the first @mention, whose feedback buttons the vote test clicks. */
let mentionAnswerBlocks: unknown;

function feedbackValue(blocks: unknown): string {
  const actions = (blocks as { block_id?: string; elements?: { value?: string }[] }[]).find(
    (block) => block.block_id === DOCS_FEEDBACK_BLOCK_ID,
  );
  return actions?.elements?.[0]?.value ?? '';
}

/** A `message` event as Slack sends it for a person's message. */
function message(opts: {
  channelType: 'channel' | 'im';
  user: string;
  text: string;
  ts: string;
  threadTs?: string;
  channel: string;
}): Record<string, unknown> {
  return {
    type: 'message',
    channel_type: opts.channelType,
    user: opts.user,
    text: opts.text,
    ts: opts.ts,
    ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}),
    channel: opts.channel,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('docs questions in Slack', () => {
  it('answers an @mention once in its thread, streaming the answer with its sources and feedback buttons', async () => {
    const mention = {
      type: 'app_mention',
      user: 'U0ASKER',
      text: '<@U0BOT> how do I roll back a deploy?',
      ts: '1710000000.000100',
      channel: 'C0PAYMENTS',
      event_ts: '1710000000.000100',
    };
    // Slack's retry of the delivery, and the same message delivered as a `message` event too.
    await Promise.all([
      send(mention, { eventId: 'EvMENTION' }),
      send(mention, { eventId: 'EvMENTION', retryNum: 1 }),
      send({ ...mention, type: 'message', channel_type: 'channel' }, { eventId: 'EvMENTIONMSG' }),
    ]);
    const { text, stop } = await streamedAnswer('1710000000.000100');
    expect(text).toMatch(/^To roll back, run the `rollback` workflow with the previous release tag\. \[\d\]/);
    mentionAnswerBlocks = stop.blocks;
    const stopBlocks = JSON.stringify(stop.blocks);
    expect(stopBlocks).toContain('deploy.md#roll-back-a-deploy');
    expect(stopBlocks).toContain(DOCS_HELPFUL_ACTION);
    await settle();
    expect(slack.callsTo('chat.startStream')).toHaveLength(1);
    expect(slack.callsTo('chat.startStream')[0]?.body).toMatchObject({
      channel: 'C0PAYMENTS',
      recipient_user_id: 'U0ASKER',
    });
  });

  it('acknowledges /ask at once, posts the question in the channel and answers in its thread', async () => {
    const response = await postToSlackEndpoint(
      testbed.base,
      slashCommandRequest({ command: '/ask', text: 'how do I deploy to production?', channelId: 'C0GENERAL' }),
    );
    expect(await response.json()).toMatchObject({ text: 'Searching the docs… the answer follows in a thread.' });
    const question = await slack.waitFor(() => slack.callsTo('chat.postMessage')[0]);
    expect(question.body).toMatchObject({
      channel: 'C0GENERAL',
      text: '<@U0ASKER> asked: how do I deploy to production?',
    });
    const posted = await slack.waitFor(() => slack.callsTo('chat.startStream')[0]);
    expect(posted.body.channel).toBe('C0GENERAL');
    const { stop } = await streamedAnswer(String(posted.body.thread_ts));
    expect(JSON.stringify(stop.blocks)).toContain('deploy.md#deploy-to-production');
  });

  it('answers a follow-up in that thread without a mention, reading the earlier question', async () => {
    await send(
      message({
        channelType: 'channel',
        user: 'U0ASKER',
        text: 'and how long does that take?',
        ts: '1710000000.000200',
        threadTs: '1710000000.000100',
        channel: 'C0PAYMENTS',
      }),
    );
    const { stop } = await streamedAnswer('1710000000.000100');
    expect(JSON.stringify(stop.blocks)).toContain('runbooks/deploy.md#');
  });

  it('leaves alone a thread reply where Wayfinder has not answered', async () => {
    await send(
      message({
        channelType: 'channel',
        user: 'U0OTHER',
        text: 'how do I roll back a deploy?',
        ts: '1710000000.000300',
        threadTs: '1710000000.000299',
        channel: 'C0PAYMENTS',
      }),
    );
    await settle();
    expect(slack.callsTo('chat.startStream')).toEqual([]);
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('answers a direct message in its thread, posting "the docs don\'t cover this" with who to ask', async () => {
    await send(
      message({
        channelType: 'im',
        user: 'U0ASKER',
        text: 'what GPU does the fraud detector train on?',
        ts: '1710000000.000400',
        channel: 'D0ASKER',
      }),
    );
    const post = await slack.waitFor(() => slack.callsTo('chat.postMessage')[0]);
    expect(post.body).toMatchObject({ channel: 'D0ASKER', thread_ts: '1710000000.000400' });
    const blocks = JSON.stringify(post.body.blocks);
    expect(blocks).toContain("The docs don't cover this.");
    expect(blocks).toContain('Payments Team');
  });

  it('offers suggested prompts when an assistant thread opens, and shows a status while it searches', async () => {
    await send({
      type: 'assistant_thread_started',
      assistant_thread: { user_id: 'U0ASKER', context: {}, channel_id: 'D0ASKER', thread_ts: '1710000000.000500' },
      event_ts: '1710000000.000501',
    });
    const prompts = await slack.waitFor(() => slack.callsTo('assistant.threads.setSuggestedPrompts')[0]);
    expect(prompts.body).toMatchObject({ channel_id: 'D0ASKER', thread_ts: '1710000000.000500' });
    expect(JSON.stringify(prompts.body.prompts)).toContain(SUGGESTED_PROMPTS[0].message);

    await send(
      message({
        channelType: 'im',
        user: 'U0ASKER',
        text: 'how long do refunds stay pending?',
        ts: '1710000000.000600',
        threadTs: '1710000000.000500',
        channel: 'D0ASKER',
      }),
    );
    const { text } = await streamedAnswer('1710000000.000500');
    expect(text).toMatch(/Refunds stay `pending` until the acquirer confirms them/);
    expect(slack.callsTo('assistant.threads.setStatus')[0]?.body).toMatchObject({
      channel_id: 'D0ASKER',
      thread_ts: '1710000000.000500',
      status: 'is searching the docs…',
    });
  });

  it('stores Helpful / Not helpful, the last vote of a person counting, and counts them in the status', async () => {
    const questionId = feedbackValue(mentionAnswerBlocks);
    expect(questionId).toMatch(/^\d+$/);
    const click = (actionId: string, userId: string, actionTs: string) =>
      postToSlackEndpoint(
        testbed.base,
        blockActionsRequest({
          actionId,
          value: questionId,
          userId,
          actionTs,
          responseUrl: slack.responseUrl(`vote-${userId}-${actionTs}`),
        }),
      );
    // Slack acks each click at once and the votes are written after: the second click may be written first.
    await Promise.all([
      click(DOCS_NOT_HELPFUL_ACTION, 'U0VOTER', '1710000100.000001'),
      click(DOCS_HELPFUL_ACTION, 'U0VOTER', '1710000101.000001'),
      click(DOCS_HELPFUL_ACTION, 'U0SECOND', '1710000100.000002'),
    ]);
    await slack.waitFor(() =>
      slack.responses.filter((response) => response.id.startsWith('vote-')).length >= 3 ? true : undefined,
    );
    expect((await demo.index.status()).feedback).toEqual({ helpful: 2, notHelpful: 0 });
  });
});
