/**
 * What every Slack listener does between parsing and rendering: find who is asking (database only) and run one
 * command line. Expected failures (the core's domain errors) become a Message that says what to do; anything
 * else is thrown to the App's one error handler.
 */
import type { Viewer } from '../../core/commands/types.ts';
import { isWayfinderError } from '../../core/errors.ts';
import type { Message } from '../../core/view-model.ts';
import { text as plain } from '../../core/view-model.ts';
import type { ListenerDeps } from '../deps.ts';

/** The catalog User behind a Slack user, when Wayfinder has linked them; unknown viewers get an empty Viewer. */
export async function findViewer(deps: ListenerDeps, slackUserId: string): Promise<{ viewer: Viewer; known: boolean }> {
  const identity = await deps.services.store.findChatIdentity({ platform: 'slack', platformUserId: slackUserId });
  return { viewer: identity?.userRef ? { userRef: identity.userRef } : {}, known: identity !== undefined };
}

export async function answerCommandLine(deps: ListenerDeps, viewer: Viewer, line: string): Promise<Message> {
  try {
    return await deps.services.runCommand({ store: deps.services.store, viewer }, line);
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
