import type { AnyMiddlewareArgs } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createEventDeduplication, InMemoryProcessedEventLog } from '../../src/slack/event-dedupe.ts';
import { recordingLogger } from '../helpers/slack-deps.ts';

describe('InMemoryProcessedEventLog', () => {
  it('grants the first claim of an event id and refuses the rest', async () => {
    const log = new InMemoryProcessedEventLog();
    expect(await log.claim('Ev1')).toBe(true);
    expect(await log.claim('Ev1')).toBe(false);
    expect(await log.claim('Ev2')).toBe(true);
  });

  it('forgets the oldest ids beyond its capacity', async () => {
    const log = new InMemoryProcessedEventLog(2);
    await log.claim('Ev1');
    await log.claim('Ev2');
    await log.claim('Ev3');
    expect(await log.claim('Ev1')).toBe(true);
    expect(await log.claim('Ev3')).toBe(false);
  });
});

describe('createEventDeduplication', () => {
  const middleware = createEventDeduplication({ log: new InMemoryProcessedEventLog(), logger: recordingLogger() });
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

  it('lets an event through once per event id', async () => {
    expect(await passes({ type: 'event_callback', event_id: 'EvA', event: {} })).toBe(true);
    expect(await passes({ type: 'event_callback', event_id: 'EvA', event: {} })).toBe(false);
  });

  it('never holds back commands and interactions', async () => {
    expect(await passes({ command: '/owner' })).toBe(true);
    expect(await passes({ command: '/owner' })).toBe(true);
    expect(await passes({ type: 'block_actions' })).toBe(true);
  });
});
