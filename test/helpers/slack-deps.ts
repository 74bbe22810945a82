/**
 * Listener dependencies for calling Slack handlers as plain functions, without an App: a stand-in store that keeps
 * chat identities in memory (the Drizzle store is tested on real databases in test/db and in test/slack/app.test.ts),
 * a scripted `runCommand`, and a real WebClient pointed at the fake Slack.
 */
import { LogLevel, WebClient } from '@slack/web-api';
import type { CommandContext } from '../../src/core/commands/types.ts';
import type { CatalogStore, ChatIdentity, EntityRecord, HoldingsFacts } from '../../src/core/ports.ts';
import type { Message } from '../../src/core/view-model.ts';
import type { Logger } from '../../src/http/server.ts';
import { createBackground } from '../../src/slack/background.ts';
import type { ListenerDeps } from '../../src/slack/deps.ts';
import { createIdentityWarmer } from '../../src/slack/identities.ts';

export interface RecordingLogger extends Logger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const log =
    (level: string) =>
    (message: string, ...details: unknown[]) => {
      lines.push(`${level} ${message} ${details.map((detail) => JSON.stringify(detail)).join(' ')}`.trim());
    };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export interface IdentityStoreOptions {
  identities?: ChatIdentity[];
  /** Email → catalog User ref, for linking on save. */
  usersByEmail?: Record<string, string>;
  entities?: EntityRecord[];
  holdings?: Record<string, HoldingsFacts>;
}

export type IdentityStore = CatalogStore & { identities: ChatIdentity[]; saved: ChatIdentity[] };

export function identityStore(opts: IdentityStoreOptions = {}): IdentityStore {
  const identities = [...(opts.identities ?? [])];
  const saved: ChatIdentity[] = [];
  const store = {
    identities,
    saved,
    async findChatIdentity({ platform, platformUserId }: { platform: string; platformUserId: string }) {
      return identities.find(
        (identity) => identity.platform === platform && identity.platformUserId === platformUserId,
      );
    },
    async saveChatIdentity({ identity }: { identity: ChatIdentity }) {
      const userRef = identity.email ? opts.usersByEmail?.[identity.email.toLowerCase()] : undefined;
      const linked = { ...identity, ...(userRef ? { userRef } : {}) };
      saved.push(linked);
      const index = identities.findIndex((known) => known.platformUserId === identity.platformUserId);
      if (index >= 0) identities[index] = linked;
      else identities.push(linked);
      return linked;
    },
    async getEntity({ ref }: { ref: string }) {
      return opts.entities?.find((entity) => entity.ref === ref);
    },
    async getHoldings({ ref }: { ref: string }) {
      return opts.holdings?.[ref] ?? { owned: [], total: 0, groups: [] };
    },
  };
  return store as unknown as IdentityStore;
}

export interface TestDeps extends ListenerDeps {
  logger: RecordingLogger;
  /** Every command line run, with who ran it. */
  ran: { line: string; context: CommandContext }[];
}

export function listenerDeps(opts: {
  store: CatalogStore;
  answer?: (line: string, context: CommandContext) => Promise<Message>;
}): TestDeps {
  const logger = recordingLogger();
  const ran: TestDeps['ran'] = [];
  const answer = opts.answer ?? (async (line: string) => ({ summary: `answer to ${line}`, command: line, blocks: [] }));
  return {
    ran,
    logger,
    background: createBackground(logger),
    identities: createIdentityWarmer({ store: opts.store, logger }),
    services: {
      store: opts.store,
      async runCommand(context, line) {
        ran.push({ line, context });
        return answer(line, context);
      },
    },
  };
}

export function fakeSlackClient(apiUrl: string): WebClient {
  return new WebClient('xoxb-test-token', {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });
}

export function entity(ref: string, envelope: Partial<EntityRecord['envelope']> = {}): EntityRecord {
  const [kind = '', rest = ''] = ref.split(':');
  const [namespace = 'default', name = ''] = rest.split('/');
  return {
    ref,
    kind,
    namespace,
    name,
    orphan: false,
    envelope: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: kind.charAt(0).toUpperCase() + kind.slice(1),
      metadata: { name },
      ...envelope,
    },
  };
}
