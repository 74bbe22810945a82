/**
 * A button that runs its `value` as a command ("Everything Payments owns", a suggestion, "Show help"). Acked at once;
 * the answer goes to the clicker only: a new ephemeral message via response_url, leaving the original in place.
 * Buttons on the App Home have no response_url; their answer goes to the app's Messages tab instead. A Form opens as
 * a modal with the click's trigger_id; deferred work posts its placeholder, then its answer.
 */
import type { BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { answerChatCommand } from '../../../chat/answer.ts';
import type { Message } from '../../../core/view-model.ts';
import { isMessage } from '../../../core/view-model.ts';
import type { ListenerContext } from '../../listener-context.ts';
import { renderSlackModal } from '../../render/form.ts';
import { renderSlackMessage } from '../../render/message.ts';
import { deliverLater, learnIdentities, slackContext } from '../answer.ts';

export type ButtonArgs = Pick<SlackActionMiddlewareArgs<BlockAction>, 'ack' | 'action' | 'body'> & {
  respond?: SlackActionMiddlewareArgs<BlockAction>['respond'];
  client: WebClient;
};

export async function runCommandButton(listener: ListenerContext, { ack, action, body, respond, client }: ButtonArgs) {
  await ack();
  const line = buttonValue(action);
  if (!line) {
    listener.logger.warn(`Button ${action.action_id} has no command to run`);
    return;
  }
  const userId = body.user.id;
  const send = async (message: Message) => {
    if (body.response_url && respond) {
      const { text, blocks } = renderSlackMessage(message, { shareable: true });
      await respond({ response_type: 'ephemeral', replace_original: false, text, blocks });
    } else {
      const { text, blocks } = renderSlackMessage(message, { shareable: false });
      await client.chat.postMessage({ channel: userId, text, blocks });
    }
  };
  // The click is acked already; a slow answer still posts "Working on it…" first, so the click visibly did something.
  const answer = await answerChatCommand({
    services: listener.services,
    context: slackContext(listener, userId, client),
    line,
    deferAfterMs: listener.deferAfterMs,
  });
  if (isMessage(answer)) {
    await send(answer);
    learnIdentities(listener, { client, slackUserId: userId, message: answer });
  } else if (answer.kind === 'form') {
    const channelId = body.channel?.id;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: renderSlackModal(answer.form, { command: answer.command, ...(channelId ? { channelId } : {}) }),
    });
  } else {
    await send(answer.placeholder);
    deliverLater(listener, { deferred: answer, line, client, slackUserId: userId, deliver: send });
  }
}

/** The command a Wayfinder button carries, e.g. `/owner payments-api`. */
export function buttonValue(action: BlockAction['actions'][number]): string | undefined {
  const value = action.type === 'button' ? action.value : undefined;
  return value?.trim() ? value.trim() : undefined;
}
