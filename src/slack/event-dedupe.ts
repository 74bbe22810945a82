/**
 * Slack delivers events at least once: up to three retries (`x-slack-retry-num`, or `retry_attempt` in Socket
 * Mode), some while the first delivery is still being handled. A global middleware claims each `event_id` before
 * any listener runs and drops the deliveries whose id is already claimed. Bolt acknowledges events before
 * middleware runs, so a dropped retry still gets its 200.
 *
 * The claim is taken when handling starts, not when it ends: a retry that overlaps the first delivery is dropped
 * too, and a first delivery that failed is not retried (Bolt acked it already, so Slack would not retry a failure).
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { ProcessedEventLog } from '../core/ports/processed-event-log.ts';
import type { Logger } from '../http/server.ts';

export function createEventDeduplication(opts: {
  log: ProcessedEventLog;
  logger: Logger;
}): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const { type, event_id: eventId } = body as { type?: unknown; event_id?: unknown };
    if (
      type === 'event_callback' &&
      typeof eventId === 'string' &&
      !(await opts.log.claim({ source: 'slack', eventId }))
    ) {
      opts.logger.info(`Ignoring a redelivery of Slack event ${eventId}`);
      return;
    }
    await next();
  };
}
