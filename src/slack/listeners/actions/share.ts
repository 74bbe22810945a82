/**
 * "Share in channel": answers the button's command again and posts it for everyone, without the share button and
 * with who shared it.
 *
 * Posted through the response_url with `response_type: in_channel` rather than chat.postMessage: the response_url
 * works wherever the command was typed (private channels, DMs, group DMs) without the bot being a member, while
 * chat.postMessage fails there with `not_in_channel` / `channel_not_found`. The answer is computed anew, as the
 * clicker, so it is current and shows nothing the clicker could not ask for themselves.
 */

import type { Message } from '../../../core/view-model.ts';
import { text as plain } from '../../../core/view-model.ts';
import type { ListenerDeps } from '../../deps.ts';
import { renderSlackMessage } from '../../render/message.ts';
import { answerCommandLine, slackViewer } from '../answer.ts';
import type { ButtonArgs } from './run-command.ts';
import { buttonValue } from './run-command.ts';

export async function shareButton(deps: ListenerDeps, { ack, action, body, respond }: ButtonArgs): Promise<void> {
  await ack();
  const line = buttonValue(action);
  if (!line || !body.response_url || !respond) {
    deps.logger.warn(`Share button ${action.action_id} has no command or no response_url`);
    return;
  }
  const message = withSharedBy(await answerCommandLine(deps, slackViewer(deps, body.user.id), line), body.user.id);
  const { text, blocks } = renderSlackMessage(message, { shareable: false });
  await respond({ response_type: 'in_channel', replace_original: false, text, blocks });
}

/** The answer with a closing "Shared by @someone" line. */
export function withSharedBy(message: Message, slackUserId: string): Message {
  return {
    ...message,
    blocks: [
      ...message.blocks,
      { type: 'context', text: [plain('Shared by '), { kind: 'user', name: slackUserId, slackUserId }] },
    ],
  };
}
