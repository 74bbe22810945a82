/**
 * Questions to the docs as Slack messages: an @mention anywhere (`app_mention`), a direct message to Wayfinder, and a
 * reply in a channel thread Wayfinder has answered in (no mention needed). Each is answered in its thread by
 * `answerInSlackThread`. Messages from bots (Wayfinder's own answers included) and edits, joins and other subtypes
 * are not questions. Direct-message replies inside a thread belong to the assistant pane (`../assistant.ts`).
 */
import type { SlackEventMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { answerInSlackThread } from '../../docs-thread.ts';
import type { ListenerContext } from '../../listener-context.ts';

export type AppMentionArgs = Pick<SlackEventMiddlewareArgs<'app_mention'>, 'event' | 'body'> & { client: WebClient };
export type MessageArgs = Pick<SlackEventMiddlewareArgs<'message'>, 'event' | 'body'> & { client: WebClient };

export async function answerMention(listener: ListenerContext, { event, body, client }: AppMentionArgs): Promise<void> {
  if (!event.user || event.bot_id) return;
  await answerInSlackThread(listener, {
    client,
    channel: event.channel,
    threadTs: event.thread_ts ?? event.ts,
    messageTs: event.ts,
    userId: event.user,
    ...(body.team_id ? { teamId: body.team_id } : {}),
    text: event.text,
  });
}

export async function answerMessage(listener: ListenerContext, { event, body, client }: MessageArgs): Promise<void> {
  // Plain messages only: no edits, joins, bot posts (`bot_message`) or Wayfinder's own answers.
  if (event.subtype !== undefined || ('bot_id' in event && event.bot_id)) return;
  const { user, text, ts, channel } = event as { user?: string; text?: string; ts: string; channel: string };
  const threadTs = 'thread_ts' in event ? event.thread_ts : undefined;
  if (!user || !text) return;
  const questions = listener.services.docsQuestions;
  if (!questions) return;
  const isDirect = event.channel_type === 'im';
  if (!isDirect) {
    // In a channel, only a follow-up in a thread Wayfinder answered in is a question without a mention.
    if (!threadTs || !(await questions.hasThread({ threadKey: `slack:${channel}:${threadTs}` }))) return;
  }
  await answerInSlackThread(listener, {
    client,
    channel,
    threadTs: threadTs ?? ts,
    messageTs: ts,
    userId: user,
    ...(body.team_id ? { teamId: body.team_id } : {}),
    text,
  });
}
