import type { Background } from '../background.ts';
import type { ChatServices } from '../chat/context.ts';
import type { ProcessedEventLog } from '../core/ports/processed-event-log.ts';
import type { Logger } from '../http/server.ts';
import type { IdentityWarmer } from './identities.ts';

/**
 * What the Slack adapter needs from the rest of Wayfinder: the services every chat surface shares (the wiring passes
 * the core's `answerCommandLine` as `runCommand`), and Slack's own.
 */
export interface SlackServices extends ChatServices {
  /** Remembers handled event ids so that Slack's retries act once, across replicas. */
  processedEvents: ProcessedEventLog;
}

/** Everything a listener is given besides Bolt's arguments. */
export interface ListenerContext {
  services: SlackServices;
  logger: Logger;
  background: Background;
  identities: IdentityWarmer;
  /** How long (ms) an answer may take before it is acked with "Working on it…" and delivered later. */
  deferAfterMs: number;
}
