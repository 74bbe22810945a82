/**
 * Every slash command (`/owner payments-api`, …): answered in the ack itself, as an ephemeral message with a
 * "Share in channel" button. Before the ack only the command's own queries run (who is asking is looked up only by
 * commands that decide permissions); no Slack API call. Learning Slack identities happens afterwards.
 */
import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { ListenerDeps } from '../../deps.ts';
import { renderSlackMessage } from '../../render/message.ts';
import { answerCommandLine, learnIdentities, slackViewer } from '../answer.ts';

export type SlashCommandArgs = Pick<SlackCommandMiddlewareArgs, 'command' | 'ack'> & { client: WebClient };

export async function answerSlashCommand(
  deps: ListenerDeps,
  { command, ack, client }: SlashCommandArgs,
): Promise<void> {
  let acked = false;
  try {
    const viewer = slackViewer(deps, command.user_id);
    const message = await answerCommandLine(deps, viewer, `${command.command} ${command.text}`);
    const { text, blocks } = renderSlackMessage(message, { shareable: true });
    acked = true;
    await ack({ response_type: 'ephemeral', text, blocks });
    learnIdentities(deps, { client, slackUserId: command.user_id, message });
  } catch (error) {
    // Close the request quietly so Slack shows no timeout; the error handler sends the apology via response_url.
    if (!acked) await ack();
    throw error;
  }
}
