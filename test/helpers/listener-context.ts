/**
 * Listener contexts for calling Slack handlers as plain functions, without an App: the caller's real store and
 * processed-event log (on a database from `openTestDatabase()`), a scripted `runCommand` that records what it ran,
 * and a real WebClient pointed at the fake Slack.
 */
import { fileURLToPath } from 'node:url';
import type { RespondFn } from '@slack/bolt';
import { LogLevel, WebClient } from '@slack/web-api';
import { createBackground } from '../../src/background.ts';
import type { EntityRecord } from '../../src/core/catalog/records.ts';
import { commandNamed } from '../../src/core/commands/index.ts';
import { createRefreshGate } from '../../src/core/commands/refresh-gate.ts';
import type { CommandContext, CommandDefinition } from '../../src/core/commands/types.ts';
import type { CatalogStore } from '../../src/core/ports/catalog-store.ts';
import type { ProcessedEventLog } from '../../src/core/ports/processed-event-log.ts';
import type { Answer } from '../../src/core/view-model.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { DrizzleProcessedEventLog } from '../../src/db/DrizzleProcessedEventLog.ts';
import type { Logger } from '../../src/http/server.ts';
import { createCatalogRefresher } from '../../src/ingestion/catalog-refresher.ts';
import { importCatalog } from '../../src/ingestion/import-catalog.ts';
import { createIdentityWarmer } from '../../src/slack/identities.ts';
import type { ListenerContext } from '../../src/slack/listener-context.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { openTestDatabase } from './database.ts';

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

export interface TestListenerContext extends ListenerContext {
  logger: RecordingLogger;
  /** Every command line run, with who ran it. */
  ran: { line: string; context: CommandContext }[];
}

export function listenerContext(opts: {
  store: CatalogStore;
  processedEvents: ProcessedEventLog;
  answer?: (line: string, context: CommandContext) => Promise<Answer>;
  /** Commands besides Wayfinder's that form submissions can come back to (a form-answering command of a test). */
  commands?: readonly CommandDefinition[];
  /** See `ListenerContext.deferAfterMs`; default 2,000 ms as in production. */
  deferAfterMs?: number;
}): TestListenerContext {
  const logger = recordingLogger();
  const ran: TestListenerContext['ran'] = [];
  const answer = opts.answer ?? (async (line: string) => ({ summary: `answer to ${line}`, command: line, blocks: [] }));
  return {
    ran,
    logger,
    background: createBackground(logger),
    identities: createIdentityWarmer({ store: opts.store, logger }),
    deferAfterMs: opts.deferAfterMs ?? 2_000,
    services: {
      store: opts.store,
      refresher: createCatalogRefresher({ store: opts.store }),
      refreshes: createRefreshGate(),
      commandNamed: (name) => opts.commands?.find((command) => command.name === name) ?? commandNamed(name),
      processedEvents: opts.processedEvents,
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

/** An EntityRecord built by hand, for the pure functions that take one (`buildHomeMessage`); no store involved. */
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

export interface ListenerTestbed {
  database: Database;
  store: CatalogStore;
  processedEvents: ProcessedEventLog;
  slack: FakeSlackApi;
  close(): Promise<void>;
}

const LISTENER_CATALOG = fileURLToPath(new URL('../fixtures/catalog/slack-listeners', import.meta.url));

/**
 * What a listener test stands on: a test database holding the `slack-listeners` fixture catalog, the real stores
 * over it, and a fake Slack Web API. One per test file: chat identities saved by one test stay for the next.
 */
export async function openListenerTestbed(opts: { onQuery?: (query: string) => void } = {}): Promise<ListenerTestbed> {
  const database = await openTestDatabase(opts);
  const store = new DrizzleCatalogStore({ db: database.db });
  const { errors } = await importCatalog({ paths: [LISTENER_CATALOG], store });
  if (errors.length > 0) throw new Error(`The slack-listeners fixture did not import: ${JSON.stringify(errors)}`);
  const slack = await startFakeSlackApi();
  return {
    database,
    store,
    processedEvents: new DrizzleProcessedEventLog({ db: database.db }),
    slack,
    async close() {
      await slack.close();
      await database.close();
    },
  };
}

/** A `respond()` as Bolt's: the message POSTed as JSON to `responseUrl` (on the fake Slack, recorded in `responses`). */
export function respondVia(responseUrl: string): RespondFn {
  return async (message) => {
    const body = typeof message === 'string' ? { text: message } : message;
    const response = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return response.json() as ReturnType<RespondFn>;
  };
}
