/**
 * The real Slack app over HTTP for end-to-end tests: `createSlackApp` with the production services on a test database,
 * its receiver mounted on the real HTTP server at 127.0.0.1, and its Web API client pointed at a fake Slack. Tests
 * pass what they change (the refresher, `runCommand`, the safety net's delay…) and sign requests to `base`.
 */
import { answerCommandLine, commandNamed } from '../../src/core/commands/index.ts';
import { createRefreshGate } from '../../src/core/commands/refresh-gate.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { DrizzleProcessedEventLog } from '../../src/db/DrizzleProcessedEventLog.ts';
import { createHttpServer } from '../../src/http/server.ts';
import { createCatalogRefresher } from '../../src/ingestion/catalog-refresher.ts';
import type { Logger } from '../../src/logger.ts';
import { createSlackApp, type SlackApp, type SlackAppOptions, type SlackServices } from '../../src/slack/app.ts';
import type { FakeSlackApi } from '../fakes/slack-api.ts';
import { recordingLogger } from './listener-context.ts';
import { TEST_SIGNING_SECRET } from './slack-requests.ts';

export interface SlackHttpTestbed {
  slackApp: SlackApp;
  store: DrizzleCatalogStore;
  /** `http://127.0.0.1:<port>`: POST signed requests to `${base}/slack/events`. */
  base: string;
  close(): Promise<void>;
}

/** Starts the app (its `auth.test` included); `close()` stops the app and the server, not the database or the fake. */
export async function startSlackHttpTestbed(opts: {
  database: Database;
  slack: FakeSlackApi;
  botToken: string;
  /** Replaces the production services the test changes. */
  services?: (defaults: SlackServices) => Partial<SlackServices>;
  logger?: Logger;
  isReady?: () => Promise<boolean>;
  app?: Pick<SlackAppOptions, 'deferAfterMs' | 'apiUrl'>;
}): Promise<SlackHttpTestbed> {
  const store = new DrizzleCatalogStore({ db: opts.database.db });
  const logger = opts.logger ?? recordingLogger();
  const defaults: SlackServices = {
    store,
    refresher: createCatalogRefresher({ store }),
    refreshes: createRefreshGate(),
    processedEvents: new DrizzleProcessedEventLog({ db: opts.database.db }),
    commandNamed,
    runCommand: answerCommandLine,
  };
  const slackApp = createSlackApp({
    botToken: opts.botToken,
    signingSecret: TEST_SIGNING_SECRET,
    apiUrl: opts.slack.url,
    ...opts.app,
    services: { ...defaults, ...opts.services?.(defaults) },
    logger,
  });
  const server = createHttpServer({ routes: slackApp.routes, logger, isReady: opts.isReady ?? (async () => true) });
  const base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  await slackApp.start();
  return {
    slackApp,
    store,
    base,
    async close() {
      await slackApp.stop();
      await server.close();
    },
  };
}
