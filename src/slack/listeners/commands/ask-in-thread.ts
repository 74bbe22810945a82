/**
 * `/ask <question>` in a channel: acknowledged at once ("the answer follows in a thread"), the question posted in the
 * channel as Wayfinder (`<@asker> asked: …`), and answered in that message's thread, streamed, where follow-ups need
 * no mention (`answerInSlackThread`). Where Wayfinder cannot post (a private channel it is not in, someone else's
 * direct messages) the answer comes privately through the command's response_url instead. A question narrowed with
 * `--entity` or `--team`, and `/ask` alone, take the ordinary private path (`slash-command.ts`).
 */
import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { answerDocsQuestion } from '../../../core/commands/ask.ts';
import { describeError } from '../../../http/server.ts';
import { answerInSlackThread } from '../../docs-thread.ts';
import type { ListenerContext } from '../../listener-context.ts';
import { escapeMrkdwn, renderSlackMessage } from '../../render/message.ts';
import { slackContext } from '../answer.ts';

type AskArgs = Pick<SlackCommandMiddlewareArgs, 'command' | 'ack' | 'respond'> & { client: WebClient };

/** A flag of `/ask`, written as people type it (`--team`, `—team`). */
const ASK_FLAG = /(^|\s)[-‐‑‒–—―−]+(entity|team)\b/i;

/** Whether `/ask` with this text is answered in a thread (else the caller answers it as any command). */
export function answersInThread(listener: ListenerContext, commandName: string, text: string): boolean {
  return (
    commandName === '/ask' &&
    listener.services.docsQuestions !== undefined &&
    text.trim() !== '' &&
    !ASK_FLAG.test(text)
  );
}

export async function askInThread(
  listener: ListenerContext,
  { command, ack, respond, client }: AskArgs,
): Promise<void> {
  const question = command.text.trim();
  await ack({ response_type: 'ephemeral', text: 'Searching the docs… the answer follows in a thread.' });
  listener.background.run('answer /ask in a thread', async () => {
    let threadTs: string | undefined;
    try {
      const posted = await client.chat.postMessage({
        channel: command.channel_id,
        text: `<@${command.user_id}> asked: ${escapeMrkdwn(question)}`,
      });
      threadTs = posted.ts;
    } catch (error) {
      listener.logger.info('Cannot post /ask in its channel; answering privately', { error: describeError(error) });
    }
    if (!threadTs) {
      const { message } = await answerDocsQuestion(slackContext(listener, command.user_id, client), { question });
      const { text, blocks } = renderSlackMessage(message, { shareable: true });
      await respond({ response_type: 'ephemeral', replace_original: true, text, blocks });
      return;
    }
    await answerInSlackThread(listener, {
      client,
      channel: command.channel_id,
      threadTs,
      messageTs: threadTs,
      userId: command.user_id,
      teamId: command.team_id,
      text: question,
    });
  });
}
