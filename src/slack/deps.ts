import type { Background } from '../background.ts';
import type { CommandContext } from '../core/commands/types.ts';
import type { CatalogRefresher, CatalogStore, ProcessedEventLog } from '../core/ports.ts';
import type { Message } from '../core/view-model.ts';
import type { Logger } from '../http/server.ts';
import type { IdentityWarmer } from './identities.ts';

/** What the Slack adapter needs from the rest of Wayfinder; the wiring passes `runCommandLine` as `runCommand`. */
export interface SlackServices {
  store: CatalogStore;
  refresher: CatalogRefresher;
  runCommand(context: CommandContext, line: string): Promise<Message>;
  /** Remembers handled event ids so that Slack's retries act once, across replicas. */
  processedEvents: ProcessedEventLog;
}

/** Everything a listener is given besides Bolt's arguments. */
export interface ListenerDeps {
  services: SlackServices;
  logger: Logger;
  background: Background;
  identities: IdentityWarmer;
}
