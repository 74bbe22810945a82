/**
 * What every Slack listener does between parsing and rendering: find who is asking (database only) and run one
 * command line. Expected failures (the core's domain errors) become a Message that says what to do; anything
 * else is thrown to the App's one error handler.
 */
import type { WebClient } from '@slack/web-api';
import type { Viewer } from '../../core/commands/types.ts';
import { isWayfinderError } from '../../core/errors.ts';
import type { Message } from '../../core/view-model.ts';
import { text as plain } from '../../core/view-model.ts';
import type { ListenerDeps } from '../deps.ts';

/**
 * The catalog User behind a Slack user, looked up when a command first asks and then remembered for this answer;
 * a person Wayfinder has not linked is an empty Viewer.
 */
export function slackViewer(deps: ListenerDeps, slackUserId: string): () => Promise<Viewer> {
  let lookup: Promise<Viewer> | undefined;
  return () => {
    lookup ??= deps.services.store
      .findChatIdentity({ platform: 'slack', platformUserId: slackUserId })
      .then((identity) => (identity?.userRef ? { userRef: identity.userRef } : {}));
    return lookup;
  };
}

/**
 * After an answer has been sent: learn who the asker is on Slack when Wayfinder does not know yet, and the people
 * the answer named by email only, so that later answers mention them.
 */
export function learnIdentities(
  deps: ListenerDeps,
  opts: { client: WebClient; slackUserId: string; message: Message },
) {
  deps.background.run('learn Slack identities', async () => {
    await deps.identities.warmViewer({ client: opts.client, slackUserId: opts.slackUserId });
    await deps.identities.warmFromMessage({ client: opts.client, message: opts.message });
  });
}

export async function answerCommandLine(
  deps: ListenerDeps,
  viewer: () => Promise<Viewer>,
  line: string,
): Promise<Message> {
  try {
    return await deps.services.runCommand(
      { store: deps.services.store, refresher: deps.services.refresher, viewer },
      line,
    );
  } catch (error) {
    if (isExpectedError(error)) return expectedErrorMessage(error.message);
    throw error;
  }
}

/** Domain errors a person can act on. `UpstreamError` is not one: a failing dependency gets the apology. */
export function isExpectedError(error: unknown): error is Error {
  return isWayfinderError(error) && error.code !== 'UPSTREAM';
}

export function expectedErrorMessage(reason: string): Message {
  return {
    summary: reason,
    blocks: [
      { type: 'text', text: [plain(reason)] },
      { type: 'actions', buttons: [{ label: 'Show help', action: 'run', command: '/wayfinder help' }] },
    ],
  };
}
