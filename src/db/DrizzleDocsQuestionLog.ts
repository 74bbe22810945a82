import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { DocsTurn } from '../core/ports/docs-asker.ts';
import type { DocsQuestionLog } from '../core/ports/docs-question-log.ts';
import type { Db } from './drizzle-db.ts';
import { docFeedback, docQuestions } from './schema.ts';

/** Questions and votes in Postgres; the unique `key` makes a question's claim hold across replicas. */
export class DrizzleDocsQuestionLog implements DocsQuestionLog {
  readonly #db: Db;

  constructor(opts: { db: Db }) {
    this.#db = opts.db;
  }

  async claim(opts: {
    key: string;
    threadKey?: string;
    asker?: string;
    question: string;
  }): Promise<number | undefined> {
    const [row] = await this.#db
      .insert(docQuestions)
      .values({
        key: opts.key,
        threadKey: opts.threadKey ?? null,
        asker: opts.asker ?? null,
        question: opts.question,
      })
      .onConflictDoNothing()
      .returning({ id: docQuestions.id });
    return row?.id;
  }

  async saveAnswer(opts: { id: number; answer: string }): Promise<void> {
    await this.#db.update(docQuestions).set({ answer: opts.answer }).where(eq(docQuestions.id, opts.id));
  }

  async hasThread(opts: { threadKey: string }): Promise<boolean> {
    const rows = await this.#db
      .select({ id: docQuestions.id })
      .from(docQuestions)
      .where(eq(docQuestions.threadKey, opts.threadKey))
      .limit(1);
    return rows.length > 0;
  }

  async history(opts: { threadKey: string; limit: number }): Promise<DocsTurn[]> {
    const rows = await this.#db
      .select({ question: docQuestions.question, answer: docQuestions.answer })
      .from(docQuestions)
      .where(and(eq(docQuestions.threadKey, opts.threadKey), isNotNull(docQuestions.answer)))
      .orderBy(desc(docQuestions.createdAt), desc(docQuestions.id))
      .limit(opts.limit);
    return rows.reverse().map((row) => ({ question: row.question, answer: row.answer ?? '' }));
  }

  async vote(opts: { questionId: number; voter: string; helpful: boolean; at?: Date }): Promise<boolean> {
    const exists = await this.#db
      .select({ id: docQuestions.id })
      .from(docQuestions)
      .where(eq(docQuestions.id, opts.questionId));
    if (exists.length === 0) return false;
    await this.#db
      .insert(docFeedback)
      .values({ questionId: opts.questionId, voter: opts.voter, helpful: opts.helpful, votedAt: opts.at ?? new Date() })
      .onConflictDoUpdate({
        target: [docFeedback.questionId, docFeedback.voter],
        set: { helpful: sql`excluded.helpful`, votedAt: sql`excluded.updated_at` },
        setWhere: sql`${docFeedback.votedAt} <= excluded.updated_at`,
      });
    return true;
  }
}
