/**
 * How a request asked for at the console ended, told at the console: the console runs its requests in its own
 * process, so when one succeeds (with its output links and text), fails (with the reason, and Retry and Cancel as
 * the commands to type) or is rejected, the console prints it above its prompt, without blocking the prompt while it
 * runs. Requests from other surfaces, and the steps in between, are not printed.
 */
import type { RequestNotifier } from '../core/ports/request-notifier.ts';
import { requestStatusMessage } from '../core/requests/messages.ts';
import type { RequestState } from '../core/requests/types.ts';
import type { Message } from '../core/view-model.ts';

const ENDINGS: ReadonlySet<RequestState> = new Set(['succeeded', 'failed', 'rejected']);

export interface ConsoleRequestOutcomes extends RequestNotifier {
  /** Where outcomes go from now on (the running console); before, and without one, they are dropped. */
  listen(show: (message: Message) => void): void;
}

/** A `RequestNotifier` for the console process; see the module's comment. */
export function createConsoleRequestOutcomes(): ConsoleRequestOutcomes {
  let show: ((message: Message) => void) | undefined;
  return {
    listen(next) {
      show = next;
    },
    async changed(request) {
      if (request.requester.platform !== 'console' || !ENDINGS.has(request.state)) return;
      show?.(requestStatusMessage(request));
    },
  };
}
