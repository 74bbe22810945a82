import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { DrizzleDocsIndexStore } from '../../src/db/DrizzleDocsIndexStore.ts';
import { DrizzleDocsQuestionLog } from '../../src/db/DrizzleDocsQuestionLog.ts';
import { openTestDatabase } from '../helpers/database.ts';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

describe('DrizzleDocsQuestionLog votes', () => {
  it('keeps the vote clicked last, whichever is written last', async () => {
    const log = new DrizzleDocsQuestionLog({ db: database.db });
    const questionId = await log.claim({ key: 'Ev-votes', question: 'how do refunds work?' });
    if (questionId === undefined) throw new Error('the question was not claimed');
    const at = (seconds: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, seconds));

    expect(await log.vote({ questionId, voter: 'slack:U1', helpful: true, at: at(2) })).toBe(true);
    // The earlier click, delivered late, changes nothing.
    expect(await log.vote({ questionId, voter: 'slack:U1', helpful: false, at: at(1) })).toBe(true);
    const status = () => new DrizzleDocsIndexStore({ db: database.db }).status();
    expect((await status()).feedback).toEqual({ helpful: 1, notHelpful: 0 });

    await log.vote({ questionId, voter: 'slack:U1', helpful: false, at: at(3) });
    expect((await status()).feedback).toEqual({ helpful: 0, notHelpful: 1 });
    expect(await log.vote({ questionId: questionId + 1000, voter: 'slack:U1', helpful: true })).toBe(false);
  });
});
