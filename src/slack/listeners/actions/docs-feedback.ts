/**
 * Helpful / Not helpful under a docs answer: the vote is stored (one per person and answer; the last one clicked
 * counts, by the action's `action_ts`, since Slack may deliver two quick clicks at once) and counted in
 * `wayfinder docs status`; the person is thanked privately.
 */
import type { BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { DOCS_HELPFUL_ACTION } from '../../ids.ts';
import type { ListenerContext } from '../../listener-context.ts';

export type FeedbackArgs = Pick<SlackActionMiddlewareArgs<BlockAction>, 'ack' | 'body' | 'respond'> & {
  action: ButtonAction;
};

export async function voteOnDocsAnswer(
  listener: ListenerContext,
  { ack, action, body, respond }: FeedbackArgs,
): Promise<void> {
  await ack();
  const questionId = Number(action.value);
  const questions = listener.services.docsQuestions;
  if (!questions || !Number.isInteger(questionId)) return;
  const helpful = action.action_id === DOCS_HELPFUL_ACTION;
  const clicked = Number(action.action_ts) * 1000;
  const recorded = await questions.vote({
    questionId,
    voter: `slack:${body.user.id}`,
    helpful,
    ...(Number.isFinite(clicked) && clicked > 0 ? { at: new Date(clicked) } : {}),
  });
  if (!recorded) return;
  await respond({
    response_type: 'ephemeral',
    replace_original: false,
    text: helpful ? 'Thanks: glad it helped.' : 'Thanks: the docs owners will see that this answer did not help.',
  });
}
