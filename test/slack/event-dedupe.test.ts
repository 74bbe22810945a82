import type { AnyMiddlewareArgs } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { DrizzleProcessedEventLog } from '../../src/db/DrizzleProcessedEventLog.ts';
import { createEventDeduplication } from '../../src/slack/event-dedupe.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { recordingLogger } from '../helpers/listener-context.ts';

let database: Database;
let middleware: ReturnType<typeof createEventDeduplication>;
beforeAll(async () => {
  database = await openTestDatabase();
  middleware = createEventDeduplication({
    log: new DrizzleProcessedEventLog({ db: database.db }),
    logger: recordingLogger(),
  });
});
afterAll(() => database.close());

async function passes(body: Record<string, unknown>): Promise<boolean> {
  let called = false;
  await middleware({
    body,
    next: async () => {
      called = true;
    },
  } as unknown as AnyMiddlewareArgs & { next: () => Promise<void> } as never);
  return called;
}

describe('createEventDeduplication', () => {
  it('lets an event through once per event id', async () => {
    expect(await passes({ type: 'event_callback', event_id: 'EvA', event: {} })).toBe(true);
    expect(await passes({ type: 'event_callback', event_id: 'EvA', event: {} })).toBe(false);
    expect(await passes({ type: 'event_callback', event_id: 'EvB', event: {} })).toBe(true);
  });

  it('never holds back commands and interactions', async () => {
    expect(await passes({ command: '/owner' })).toBe(true);
    expect(await passes({ command: '/owner' })).toBe(true);
    expect(await passes({ type: 'block_actions' })).toBe(true);
  });
});
