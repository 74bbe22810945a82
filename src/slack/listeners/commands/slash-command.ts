/**
 * Every slash command (`/owner payments-api`, …), acknowledged within Slack's 3 seconds whatever it answers:
 * - a Message is the ack itself, ephemeral, with a "Share in channel" button. Before it only the command's own
 *   queries run (who is asking is looked up only by commands that decide permissions); no Slack API call;
 * - a Form is acked empty and opened at once as a modal with the command's `trigger_id` (valid for 3 s);
 * - deferred work, and any answer not ready within `deferAfterMs`, is acked with its placeholder and delivered through
 *   the command's `response_url` when done, replacing the placeholder.
 * Learning Slack identities happens afterwards.
 */
import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { answerChatCommand } from '../../../chat/answer.ts';
import { isMessage } from '../../../core/view-model.ts';
import type { ListenerContext } from '../../listener-context.ts';
import { renderSlackModal } from '../../render/form.ts';
import { renderSlackMessage } from '../../render/message.ts';
import { deliverLater, learnIdentities, slackContext } from '../answer.ts';
import { answersInThread, askInThread } from './ask-in-thread.ts';

export type SlashCommandArgs = Pick<SlackCommandMiddlewareArgs, 'command' | 'ack' | 'respond'> & { client: WebClient };

export async function answerSlashCommand(
  listener: ListenerContext,
  { command, ack, respond, client }: SlashCommandArgs,
): Promise<void> {
  if (answersInThread(listener, command.command, command.text)) {
    await askInThread(listener, { command, ack, respond, client });
    return;
  }
  let acked = false;
  try {
    const line = `${command.command} ${command.text}`;
    const answer = await answerChatCommand({
      services: listener.services,
      context: slackContext(listener, command.user_id, client),
      line,
      deferAfterMs: listener.deferAfterMs,
    });
    if (isMessage(answer)) {
      const { text, blocks } = renderSlackMessage(answer, { shareable: true });
      acked = true;
      await ack({ response_type: 'ephemeral', text, blocks });
      learnIdentities(listener, { client, slackUserId: command.user_id, message: answer });
      return;
    }
    if (answer.kind === 'form') {
      acked = true;
      await ack();
      await client.views.open({
        trigger_id: command.trigger_id,
        view: renderSlackModal(answer.form, { command: answer.command, channelId: command.channel_id }),
      });
      return;
    }
    const placeholder = renderSlackMessage(answer.placeholder, { shareable: false });
    acked = true;
    await ack({ response_type: 'ephemeral', text: placeholder.text, blocks: placeholder.blocks });
    deliverLater(listener, {
      deferred: answer,
      line,
      client,
      slackUserId: command.user_id,
      async deliver(message) {
        const { text, blocks } = renderSlackMessage(message, { shareable: true });
        await respond({ response_type: 'ephemeral', replace_original: true, text, blocks });
      },
    });
  } catch (error) {
    // Close the request quietly so Slack shows no timeout; the error handler sends the apology via response_url.
    if (!acked) await ack();
    throw error;
  }
}
