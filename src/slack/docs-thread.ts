/**
 * Answering a docs question in a Slack thread, for every way one arrives (an @mention, a direct message, a follow-up
 * in a thread Wayfinder answered, the assistant pane): the shared chat-layer flow (`src/chat/docs-thread.ts`: claimed
 * once by the message's channel and ts, read with the thread's earlier Q&A), the answer streamed into the thread with
 * `chat.startStream` / `appendStream` / `stopStream` through the Web API client's `chatStream` helper as the model
 * writes it, and the sources and the Helpful / Not helpful buttons added when it stops. Without a model (nothing
 * streamed) the answer is one `chat.postMessage` in the thread.
 */
import type { KnownBlock, WebClient } from '@slack/web-api';
import { answerDocsThread } from '../chat/docs-thread.ts';
import type { Message } from '../core/view-model.ts';
import { DOCS_FEEDBACK_BLOCK_ID, DOCS_HELPFUL_ACTION, DOCS_NOT_HELPFUL_ACTION } from './ids.ts';
import type { ListenerContext } from './listener-context.ts';
import { slackContext } from './listeners/answer.ts';
import { renderSlackMessage } from './render/message.ts';

/** Characters the streamer gathers before each `appendStream`: fewer calls than one per token, and still live. */
const STREAM_BUFFER_CHARS = 64;

export interface SlackThreadQuestion {
  client: WebClient;
  channel: string;
  /** The thread's root ts (the question's own ts when it starts the thread). */
  threadTs: string;
  /** The ts of the message that asks. */
  messageTs: string;
  userId: string;
  teamId?: string;
  /** The message's text; mentions of the bot are removed. */
  text: string;
  /** The assistant pane's status line ("is searching the docs…"), where the surface has one. */
  setStatus?: (status: string) => Promise<unknown>;
}

/** `<@U123>` mentions, which are how Slack writes an @mention in a message's text. */
const MENTION = /<@[UW][A-Z0-9]+(?:\|[^>]*)?>/g;

export async function answerInSlackThread(listener: ListenerContext, question: SlackThreadQuestion): Promise<void> {
  const questions = listener.services.docsQuestions;
  if (!questions) return;
  const text = question.text.replace(MENTION, ' ').replace(/\s+/g, ' ').trim();
  const { client, channel, threadTs } = question;
  if (!text) {
    await client.chat.postMessage({
      channel,
      thread_ts: threadTs,
      text: 'Ask me anything the docs cover, such as "how do I roll back a deploy?"',
    });
    return;
  }
  await question.setStatus?.('is searching the docs…');
  const streamer = client.chatStream({
    channel,
    thread_ts: threadTs,
    recipient_user_id: question.userId,
    ...(question.teamId ? { recipient_team_id: question.teamId } : {}),
    buffer_size: STREAM_BUFFER_CHARS,
  });
  let streamed = false;
  let appending: Promise<unknown> = Promise.resolve();
  const answered = await answerDocsThread({
    questions,
    context: slackContext(listener, question.userId, client),
    key: `slack:${channel}:${question.messageTs}`,
    threadKey: `slack:${channel}:${threadTs}`,
    asker: `slack:${question.userId}`,
    question: text,
    onDelta: (delta) => {
      streamed = true;
      appending = appending.then(() => streamer.append({ markdown_text: delta }));
    },
  });
  if (!answered) {
    listener.logger.info(`Ignoring a question already answered (${channel} ${question.messageTs})`);
    return;
  }
  await appending;
  const feedback = feedbackBlock(answered.questionId);
  if (streamed) {
    // The answer's text is already in the message: the rest (sources, notes) and the buttons close it.
    const rest = renderSlackMessage(withoutAnswerText(answered.message, answered.answer), { shareable: false });
    await streamer.stop({ blocks: [...(rest.blocks as KnownBlock[]), feedback] });
    return;
  }
  const { text: summary, blocks } = renderSlackMessage(answered.message, { shareable: false });
  await client.chat.postMessage({ channel, thread_ts: threadTs, text: summary, blocks: [...blocks, feedback] });
}

function withoutAnswerText(message: Message, answer: string | undefined): Message {
  return {
    ...message,
    blocks: message.blocks.filter(
      (block) =>
        !(
          block.type === 'text' &&
          block.text.length === 1 &&
          block.text[0]?.kind === 'text' &&
          block.text[0].text === answer
        ),
    ),
  };
}

function feedbackBlock(questionId: number): KnownBlock {
  return {
    type: 'actions',
    block_id: DOCS_FEEDBACK_BLOCK_ID,
    elements: [
      {
        type: 'button',
        action_id: DOCS_HELPFUL_ACTION,
        text: { type: 'plain_text', text: 'Helpful' },
        value: String(questionId),
      },
      {
        type: 'button',
        action_id: DOCS_NOT_HELPFUL_ACTION,
        text: { type: 'plain_text', text: 'Not helpful' },
        value: String(questionId),
      },
    ],
  };
}
