/**
 * A question to the docs asked in a chat thread (a Slack @mention, a direct message, a follow-up, the assistant
 * pane), for every surface: claimed once by its message's key, read with the thread's earlier questions and answers,
 * answered (streamed through `onDelta` where the surface can), and recorded so that the next follow-up sees it.
 *
 * Exactly once: the claim is a row with a unique key in Postgres (`DocsQuestionLog.claim`), keyed on the message the
 * question is, not on the delivery: a retried event and the same message delivered as two events (an @mention in a
 * thread arrives as `app_mention` and as `message`) are answered once, on whichever replica claims it first.
 */
import { answerDocsQuestion } from '../core/commands/ask.ts';
import type { CommandContext } from '../core/commands/types.ts';
import type { DocsQuestionLog } from '../core/ports/docs-question-log.ts';
import type { Message } from '../core/view-model.ts';
import { expectedErrorMessage, isExpectedError } from './expected-errors.ts';

/** Earlier turns of a thread a follow-up is read with. */
export const THREAD_HISTORY = 4;

export interface DocsThreadAnswer {
  /** The id votes on this answer name. */
  questionId: number;
  message: Message;
  /** The model's answer text (what `onDelta` received), absent when the answer is passages or "not covered". */
  answer?: string;
}

/**
 * Answers `question` unless `key` was answered before (then undefined). `threadKey` names the conversation.
 * Expected failures (a model that is down) become their message; the question stays claimed either way.
 */
export async function answerDocsThread(opts: {
  questions: DocsQuestionLog;
  context: CommandContext;
  key: string;
  threadKey: string;
  asker: string;
  question: string;
  onDelta?: (text: string) => void;
}): Promise<DocsThreadAnswer | undefined> {
  const { questions } = opts;
  const history = await questions.history({ threadKey: opts.threadKey, limit: THREAD_HISTORY });
  const questionId = await questions.claim({
    key: opts.key,
    threadKey: opts.threadKey,
    asker: opts.asker,
    question: opts.question,
  });
  if (questionId === undefined) return undefined;
  let message: Message;
  let answer: string | undefined;
  try {
    const result = await answerDocsQuestion(opts.context, {
      question: opts.question,
      history,
      ...(opts.onDelta ? { onDelta: opts.onDelta } : {}),
    });
    message = result.message;
    answer = result.reply?.answer;
  } catch (error) {
    if (!isExpectedError(error)) throw error;
    message = expectedErrorMessage(error.message);
  }
  await questions.saveAnswer({ id: questionId, answer: answer ?? message.summary });
  return {
    questionId,
    message,
    ...(answer ? { answer } : {}),
  };
}
