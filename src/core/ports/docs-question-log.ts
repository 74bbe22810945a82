import type { DocsTurn } from './docs-asker.ts';

/**
 * Questions asked of the docs, once each (`key`: the Slack event id, a command's id), with their thread, answer and
 * the helpful / not helpful votes. Shared by replicas through Postgres.
 */
export interface DocsQuestionLog {
  /** Records the question; undefined when `key` was recorded before (a retry): it must not be answered again. */
  claim(opts: { key: string; threadKey?: string; asker?: string; question: string }): Promise<number | undefined>;
  saveAnswer(opts: { id: number; answer: string }): Promise<void>;
  /** Whether Wayfinder answered a question in this thread (a follow-up there needs no mention). */
  hasThread(opts: { threadKey: string }): Promise<boolean>;
  /** The thread's answered turns, oldest first, at most `limit` (the latest ones). */
  history(opts: { threadKey: string; limit: number }): Promise<DocsTurn[]>;
  /**
   * The last vote of a voter counts, by `at` (when they clicked; default now): a vote older than the one stored
   * changes nothing, so two clicks delivered out of order, or written at once by two replicas, end as clicked. False
   * when the question id is unknown.
   */
  vote(opts: { questionId: number; voter: string; helpful: boolean; at?: Date }): Promise<boolean>;
}
