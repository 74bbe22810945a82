/**
 * What every Slack listener does between parsing and rendering: build the command context for the Slack user
 * (`src/chat/`), answer in time, and afterwards learn who the people in the answer are on Slack. Deferred answers are
 * delivered here too, so that every listener delivers them the same way.
 */
import type { WebClient } from '@slack/web-api';
import { failedMessage } from '../../chat/answer.ts';
import { createChatContext } from '../../chat/context.ts';
import type { CommandContext } from '../../core/commands/types.ts';
import { errorMessage } from '../../core/errors.ts';
import type { Deferred, Message } from '../../core/view-model.ts';
import { describeError } from '../../http/server.ts';
import { APOLOGY } from '../error-handler.ts';
import type { ListenerContext } from '../listener-context.ts';

/**
 * The context of a request from Slack user `slackUserId`: answers read people's Slack ids; no query is made until a
 * command asks who the viewer is. With `client`, a person Wayfinder has never seen is then looked up at once
 * (users.info → email → catalog User, `IdentityWarmer.warmUser`), before the command decides anything on who they
 * are: their first approve, or the requester recorded on their first request. When Slack cannot say, they are
 * unknown for this answer and the failure is logged.
 */
export function slackContext(listener: ListenerContext, slackUserId: string, client?: WebClient): CommandContext {
  return createChatContext({
    services: listener.services,
    platform: 'slack',
    userId: slackUserId,
    ...(client
      ? {
          learnViewer: async () => {
            try {
              return await listener.identities.warmUser({ client, slackUserId });
            } catch (error) {
              listener.logger.warn(`Could not learn who a Slack user is: ${errorMessage(error)}`, {
                error: describeError(error),
                user: slackUserId,
              });
              return undefined;
            }
          },
        }
      : {}),
  });
}

/**
 * After an answer has been sent: learn who the asker is on Slack when Wayfinder does not know yet, and the people
 * the answer named by email only, so that later answers mention them.
 */
export function learnIdentities(
  listener: ListenerContext,
  opts: { client: WebClient; slackUserId: string; message: Message },
) {
  listener.background.run('learn Slack identities', async () => {
    await listener.identities.warmViewer({ client: opts.client, slackUserId: opts.slackUserId });
    await listener.identities.warmFromMessage({ client: opts.client, message: opts.message });
  });
}

/**
 * Runs deferred work in the background and hands its Message to `deliver`; an unexpected failure is logged (name,
 * code, message; never the request) and delivered as the apology with a button to try `line` again.
 */
export function deliverLater(
  listener: ListenerContext,
  opts: {
    deferred: Deferred;
    line: string;
    client: WebClient;
    slackUserId: string;
    deliver(message: Message): Promise<void>;
  },
): void {
  listener.background.run('deliver a deferred answer', async () => {
    let message: Message;
    try {
      message = await opts.deferred.work();
    } catch (error) {
      listener.logger.error('A deferred Slack answer failed', { error: describeError(error), user: opts.slackUserId });
      message = failedMessage(APOLOGY, opts.line);
    }
    await opts.deliver(message);
    learnIdentities(listener, { client: opts.client, slackUserId: opts.slackUserId, message });
  });
}
