import { lt } from 'drizzle-orm';
import type { ProcessedEventLog } from '../core/ports/processed-event-log.ts';
import type { Db } from './drizzle-db.ts';
import { processedEvents } from './schema.ts';

export class DrizzleProcessedEventLog implements ProcessedEventLog {
  readonly #db: Db;

  constructor(opts: { db: Db }) {
    this.#db = opts.db;
  }

  async claim(opts: { source: string; eventId: string }): Promise<boolean> {
    const inserted = await this.#db
      .insert(processedEvents)
      .values({ source: opts.source, eventId: opts.eventId })
      .onConflictDoNothing()
      .returning({ eventId: processedEvents.eventId });
    return inserted.length === 1;
  }

  async prune(opts: { before: Date }): Promise<number> {
    const deleted = await this.#db
      .delete(processedEvents)
      .where(lt(processedEvents.receivedAt, opts.before))
      .returning({ eventId: processedEvents.eventId });
    return deleted.length;
  }
}
