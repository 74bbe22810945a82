/**
 * A button that runs its `value` as a command ("Everything Payments owns", a suggestion, "Show help"). The answer
 * goes to the clicker only: a new ephemeral message via response_url, leaving the original in place. Buttons on
 * the App Home have no response_url; their answer goes to the app's Messages tab instead.
 */
import type { BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { ListenerDeps } from '../../deps.ts';
import { renderSlackMessage } from '../../render/message.ts';
import { answerCommandLine, learnIdentities, slackViewer } from '../answer.ts';

export type ButtonArgs = Pick<SlackActionMiddlewareArgs<BlockAction>, 'ack' | 'action' | 'body'> & {
  respond?: SlackActionMiddlewareArgs<BlockAction>['respond'];
  client: WebClient;
};

export async function runCommandButton(deps: ListenerDeps, { ack, action, body, respond, client }: ButtonArgs) {
  await ack();
  const line = buttonValue(action);
  if (!line) {
    deps.logger.warn(`Button ${action.action_id} has no command to run`);
    return;
  }
  const message = await answerCommandLine(deps, slackViewer(deps, body.user.id), line);
  if (body.response_url && respond) {
    const { text, blocks } = renderSlackMessage(message, { shareable: true });
    await respond({ response_type: 'ephemeral', replace_original: false, text, blocks });
  } else {
    const { text, blocks } = renderSlackMessage(message, { shareable: false });
    await client.chat.postMessage({ channel: body.user.id, text, blocks });
  }
  learnIdentities(deps, { client, slackUserId: body.user.id, message });
}

/** The command a Wayfinder button carries, e.g. `/owner payments-api`. */
export function buttonValue(action: BlockAction['actions'][number]): string | undefined {
  const value = action.type === 'button' ? action.value : undefined;
  return value?.trim() ? value.trim() : undefined;
}
