/**
 * The command context every chat surface builds the same way: the catalog, the refresher, the shared refresh gate,
 * the platform answers are rendered for (people's ids on it are read with the answer), and who is asking.
 */

import type { ChatIdentity } from '../core/catalog/records.ts';
import type { RefreshGate } from '../core/commands/refresh-gate.ts';
import type { CommandContext, CommandDefinition, ProvisionServices } from '../core/commands/types.ts';
import type { CatalogRefresher } from '../core/ports/catalog-refresher.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { DocsAsker } from '../core/ports/docs-asker.ts';
import type { DocsQuestionLog } from '../core/ports/docs-question-log.ts';
import type { ScorecardSource } from '../core/ports/scorecard-source.ts';
import type { Answer, ChatPlatform } from '../core/view-model.ts';
import { chatViewer } from './viewer.ts';

/** What a chat surface needs from the rest of Wayfinder; `src/main.ts` wires it once and every surface shares it. */
export interface ChatServices {
  store: CatalogStore;
  refresher: CatalogRefresher;
  /** One per process: refreshes are admitted across every surface together. */
  refreshes: RefreshGate;
  /** Answers one command line; the wiring passes the core's `answerCommandLine`. */
  runCommand(context: CommandContext, line: string): Promise<Answer>;
  /** The command a form submission comes back to; the wiring passes the core's `commandNamed`. */
  commandNamed(name: string): CommandDefinition | undefined;
  /** Templates and requests (`/provision`), when wired. */
  provision?: ProvisionServices;
  /** Answers `/ask`; absent when the docs are not set up. */
  docs?: DocsAsker;
  /** Questions asked in threads, once each, and the votes on their answers; absent: threads are not answered. */
  docsQuestions?: DocsQuestionLog;
  /** Scorecards for `/scorecard`; absent when none are loaded. */
  scorecards?: ScorecardSource;
}

/**
 * The context for one request from `userId` on `platform`. Builds no query: the viewer is looked up lazily, and a
 * person not yet linked is resolved with `learnViewer` (see `chatViewer`) before any command decides on who they are.
 */
export function createChatContext(opts: {
  services: Pick<ChatServices, 'store' | 'refresher' | 'refreshes' | 'provision' | 'docs' | 'scorecards'>;
  platform: ChatPlatform;
  userId: string;
  learnViewer?: () => Promise<ChatIdentity | undefined>;
}): CommandContext {
  const { services, platform, userId } = opts;
  return {
    store: services.store,
    refresher: services.refresher,
    refreshes: services.refreshes,
    ...(services.docs ? { docs: services.docs } : {}),
    ...(services.scorecards ? { scorecards: services.scorecards } : {}),
    platform,
    asker: { platform, id: userId },
    viewer: chatViewer({
      store: services.store,
      platform,
      userId,
      ...(opts.learnViewer ? { learn: opts.learnViewer } : {}),
    }),
    ...(services.provision ? { provision: services.provision } : {}),
  };
}
