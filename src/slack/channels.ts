/**
 * Slack's id shapes, and what a channel named by the catalog is on Slack. The core keeps `slack.com/bot-notify` and
 * `wayfinder.dev/slack-channel-id` as given (a channel span's `ids.slack`); only this module reads them as Slack ids.
 */
import type { ChannelSpan } from '../core/catalog/facts.ts';

/** A Slack user (`U…`) or enterprise user (`W…`) id. Upper-case alphanumerics: anything else is never written into markup. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
/** A public (`C…`) or private (`G…`) conversation id. */
export const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/**
 * Where a channel span points on Slack: a conversation id (clickable, postable wherever the bot is), a channel name,
 * or undefined when the catalog named a person there (`slack.com/bot-notify: U0123ADA`), which is no channel.
 */
export function slackChannelOf(channel: ChannelSpan): { id: string } | { name: string } | undefined {
  const raw = channel.ids?.slack;
  if (raw !== undefined && SLACK_CHANNEL_ID.test(raw)) return { id: raw };
  if (raw !== undefined && SLACK_USER_ID.test(raw)) return undefined;
  const name = channel.name.replace(/^#/, '');
  return name === '' ? undefined : { name };
}

/** What `chat.postMessage` takes as `channel` for a channel span: its id, else its name; undefined when it is none. */
export function slackConversationOf(channel: ChannelSpan): string | undefined {
  const target = slackChannelOf(channel);
  return target && ('id' in target ? target.id : target.name);
}
