/**
 * "Share in channel": answers the button's command again and posts it for everyone, without the share button and
 * with who shared it (`src/chat/share.ts`).
 *
 * Posted through the response_url with `response_type: in_channel` rather than chat.postMessage: the response_url
 * works wherever the command was typed (private channels, DMs, group DMs) without the bot being a member, while
 * chat.postMessage fails there with `not_in_channel` / `channel_not_found`.
 */

import { answerChatCommand } from '../../../chat/answer.ts';
import { withSharedBy } from '../../../chat/share.ts';
import { answerToMessage } from '../../../core/commands/index.ts';
import type { ListenerContext } from '../../listener-context.ts';
import { renderSlackMessage } from '../../render/message.ts';
import { slackContext } from '../answer.ts';
import type { ButtonArgs } from './run-command.ts';
import { buttonValue } from './run-command.ts';

export async function shareButton(
  listener: ListenerContext,
  { ack, action, body, respond, client }: ButtonArgs,
): Promise<void> {
  await ack();
  const line = buttonValue(action);
  if (!line || !body.response_url || !respond) {
    listener.logger.warn(`Share button ${action.action_id} has no command or no response_url`);
    return;
  }
  const userId = body.user.id;
  // The click is acked, and the response_url stays valid for 30 minutes: a slow answer is simply awaited.
  const answer = await answerChatCommand({
    services: listener.services,
    context: slackContext(listener, userId, client),
    line,
    deferAfterMs: Number.POSITIVE_INFINITY,
  });
  const message = withSharedBy(await answerToMessage(answer), { platform: 'slack', id: userId });
  const { text, blocks } = renderSlackMessage(message, { shareable: false });
  await respond({ response_type: 'in_channel', replace_original: false, text, blocks });
}
