/**
 * Answering a command on a chat surface, in time. Slack closes a request after 3 seconds, and an answer acknowledged
 * later is lost ("ack() came after the response was sent"), so every answer not ready within `deferAfterMs` (about
 * 2 s) becomes deferred work: the surface acknowledges with "Working on it…" and delivers the answer when it comes
 * (Slack: through the command's `response_url`). Commands can also defer on purpose (`/wayfinder refresh`).
 *
 * Expected failures become their message here, for every surface; anything else is thrown (or thrown from a deferred
 * answer's `work()`) for the surface's one error handler.
 */
import { answerToMessage } from '../core/commands/index.ts';
import type { CommandContext } from '../core/commands/types.ts';
import type { Answer, Deferred, Message } from '../core/view-model.ts';
import { isMessage, text as plain } from '../core/view-model.ts';
import type { ChatServices } from './context.ts';
import { orExpectedError } from './expected-errors.ts';

/** How long an answer may take before it is deferred: Slack allows 3 s, and the network takes its share. */
export const DEFAULT_DEFER_AFTER_MS = 2_000;

export const WORKING_ON_IT = 'Working on it…';

/** The placeholder of an answer deferred because it was slow. */
export const WORKING_ON_IT_MESSAGE: Message = {
  summary: WORKING_ON_IT,
  blocks: [{ type: 'context', text: [plain(WORKING_ON_IT)] }],
};

/**
 * Answers `line` for a chat surface: a Message, a Form or deferred work, never later than `deferAfterMs` (ms). Expected
 * failures are their message; a deferred answer's `work()` maps them too.
 */
export async function answerChatCommand(opts: {
  services: Pick<ChatServices, 'runCommand'>;
  context: CommandContext;
  line: string;
  deferAfterMs?: number;
}): Promise<Answer> {
  const answer = orExpectedError(opts.services.runCommand(opts.context, opts.line));
  const settled = await settleWithin(answer, opts.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS);
  if ('late' in settled) {
    return { kind: 'deferred', placeholder: WORKING_ON_IT_MESSAGE, work: async () => lateMessage(await settled.late) };
  }
  return mapDeferredErrors(settled.ready);
}

/**
 * Resolves with `{ ready }` when `promise` settles within `ms`, else with `{ late }` (the same promise, to await
 * later). A rejection within `ms` is thrown. Never leaves a rejection unobserved.
 */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<{ ready: T } | { late: Promise<T> }> {
  // A surface with no deadline (the response_url of an acked click lasts 30 minutes) passes Infinity.
  if (!Number.isFinite(ms)) return { ready: await promise };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ late: Promise<T> }>((resolve) => {
    timer = setTimeout(() => resolve({ late: promise }), ms);
  });
  try {
    return await Promise.race([promise.then((ready) => ({ ready })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A deferred answer whose work's expected failures become their message. */
function mapDeferredErrors(answer: Answer): Answer {
  if (isMessage(answer) || answer.kind !== 'deferred') return answer;
  const deferred: Deferred = answer;
  return { ...deferred, work: async () => lateMessage(await orExpectedError(deferred.work())) };
}

/**
 * An answer that came after the ack, as the Message to deliver. A Form cannot be opened any more (its trigger expires
 * within 3 s), so the person is asked to try again.
 */
async function lateMessage(answer: Answer): Promise<Message> {
  if (!isMessage(answer) && answer.kind === 'form') {
    const text = `${answer.form.title} took too long to open. Please run the command again.`;
    return { summary: text, blocks: [{ type: 'text', text: [plain(text)] }] };
  }
  return answerToMessage(mapDeferredErrors(answer));
}

/** The answer when deferred work failed unexpectedly: the surface's apology and a button to run `line` again. */
export function failedMessage(apology: string, line: string): Message {
  return {
    summary: apology,
    blocks: [
      { type: 'text', text: [plain(apology)] },
      { type: 'actions', buttons: [{ label: 'Try again', action: 'run', command: line.trim() }] },
    ],
  };
}
