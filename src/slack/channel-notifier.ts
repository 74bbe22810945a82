/**
 * `ChannelNotifier` on Slack: `chat.postMessage` with the message rendered as Block Kit and its summary as the
 * notification text. The bot must be in the channel (or have `chat:write.public` for a public one); Slack's refusal
 * (`not_in_channel`, `channel_not_found`) reaches the caller as a `SlackCallError` naming the method, the Web API's
 * error its cause.
 */
import type { WebClient } from '@slack/web-api';
import { NotFoundError } from '../core/errors.ts';
import type { ChannelNotifier } from '../core/ports/channel-notifier.ts';
import { slackConversationOf } from './channels.ts';
import { renderSlackMessage } from './render/message.ts';
import { callSlack } from './web-client.ts';

export function createSlackChannelNotifier(opts: { client: WebClient }): ChannelNotifier {
  return {
    reaches: ({ channel }) => slackConversationOf(channel) !== undefined,
    async post({ channel, message }) {
      const conversation = slackConversationOf(channel);
      if (conversation === undefined) throw new NotFoundError(`${channel.name} is not a Slack channel.`);
      const rendered = renderSlackMessage(message);
      await callSlack('chat.postMessage', () =>
        opts.client.chat.postMessage({
          channel: conversation,
          text: rendered.text,
          blocks: rendered.blocks,
          // Notices link to descriptor files; a preview of each would bury the message.
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
    },
  };
}
