/**
 * The Slack adapter: a Bolt App with Wayfinder's listeners, served either over HTTP (a route on our one HTTP
 * server, see ./receiver.ts) or over Socket Mode when an app-level token is given (./socket-mode-receiver.ts, which
 * checks every envelope and reconnects at once).
 *
 * Token verification: Bolt's default calls `auth.test` from the constructor (a network call before anything has
 * started, and an unhandled rejection if it fails), and with verification off it calls `auth.test` on every request
 * instead. Both are avoided with `deferInitialization`: `start()` runs `app.init()`, which calls `auth.test` once,
 * fails the start on a bad token, and caches the bot's ids for every later request. Before it, one quick `auth.test`
 * with few retries turns a wrong URL or an unreachable Slack into an error in seconds, not minutes.
 */
import { App } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { createBackground } from '../background.ts';
import { DEFAULT_DEFER_AFTER_MS } from '../chat/answer.ts';
import type { Logger, Route } from '../http/server.ts';
import { createSlackErrorHandler } from './error-handler.ts';
import { createEventDeduplication } from './event-dedupe.ts';
import { createIdentityWarmer } from './identities.ts';
import type { ListenerContext, SlackServices } from './listener-context.ts';
import { registerActions } from './listeners/actions/index.ts';
import { createDocsAssistant } from './listeners/assistant.ts';
import { registerCommands } from './listeners/commands/index.ts';
import { registerEvents } from './listeners/events/index.ts';
import { registerViews } from './listeners/views/index.ts';
import { type SlackAck, SlackHttpReceiver } from './receiver.ts';
import { toSlackSdkLogger } from './sdk-logger.ts';
import { SlackSocketModeReceiver } from './socket-mode-receiver.ts';
import { slackClientOptions } from './web-client.ts';

export type { SlackServices } from './listener-context.ts';

export interface SlackAppOptions {
  /** `xoxb-…` bot token. */
  botToken: string;
  /** Verifies every HTTP request; required in HTTP mode (creating the app throws without it), unused in Socket Mode. */
  signingSecret?: string;
  /** `xapp-…` app-level token: when set, Slack is reached over Socket Mode and no HTTP route is served. */
  appToken?: string;
  /** Web API base URL (tests, GovSlack), e.g. `http://127.0.0.1:4000/api/`; a missing trailing `/` is added. */
  apiUrl?: string;
  services: SlackServices;
  logger: Logger;
  /**
   * How long (ms) an answer may take before the request is acked with "Working on it…" and the answer delivered
   * through the response_url when done. Default 2,000: Slack drops acks after 3 s. Tests use a few milliseconds.
   */
  deferAfterMs?: number;
  /** Called once per request from Slack when it is acknowledged (HTTP or Socket Mode): the ack-latency metric. */
  onAck?: (ack: SlackAck) => void;
  /** Socket Mode only: longest wait between reconnect attempts (default 30 s). */
  maxReconnectDelayMs?: number;
  /** Socket Mode only: how long Slack may leave pings unanswered before the connection is made again (default 5 s). */
  pingTimeoutMs?: number;
}

export interface SlackApp {
  readonly app: App;
  /** `POST /slack/events` in HTTP mode; empty in Socket Mode. Mount on the HTTP server. */
  readonly routes: Route[];
  /** Verifies the bot token (`auth.test`), then accepts requests (HTTP) or connects (Socket Mode). */
  start(): Promise<void>;
  /** Stops accepting requests, then waits up to `graceMs` (default 5 s) for background work to finish. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when background work started so far (identity learning, deferred answers) has finished. */
  idle(): Promise<void>;
  /** Started (`auth.test` done) and, in Socket Mode, connected: what `/readyz` asks. */
  isReady(): boolean;
}

/** The start's own `auth.test`: three tries within about two seconds. */
const QUICK_CHECK: WebClientOptions = {
  retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 1_000 },
  timeout: 5_000,
};

export function createSlackApp(opts: SlackAppOptions): SlackApp {
  const { logger } = opts;
  const apiUrl = opts.apiUrl && (opts.apiUrl.endsWith('/') ? opts.apiUrl : `${opts.apiUrl}/`);
  const socketReceiver = opts.appToken
    ? new SlackSocketModeReceiver({
        appToken: opts.appToken,
        logger,
        ...(apiUrl ? { apiUrl } : {}),
        ...(opts.onAck ? { onAck: opts.onAck } : {}),
        ...(opts.maxReconnectDelayMs !== undefined ? { maxReconnectDelayMs: opts.maxReconnectDelayMs } : {}),
        ...(opts.pingTimeoutMs !== undefined ? { pingTimeoutMs: opts.pingTimeoutMs } : {}),
      })
    : undefined;
  const receiver = socketReceiver
    ? undefined
    : new SlackHttpReceiver({
        signingSecret: opts.signingSecret ?? '',
        logger,
        ...(opts.onAck ? { onAck: opts.onAck } : {}),
      });

  const sdkLogger = toSlackSdkLogger(logger);
  // Only background work and the Home call Slack: a few retries over minutes, failures naming the method. The logger
  // is in these options, not left to Bolt (which sets it on the object it is given): the start's quick check copies
  // them.
  const clientOptions: WebClientOptions = {
    ...slackClientOptions({ ...(apiUrl ? { apiUrl } : {}), logger }),
    logger: sdkLogger,
  };

  const app = new App({
    token: opts.botToken,
    receiver: socketReceiver ?? receiver,
    logger: sdkLogger,
    clientOptions,
    deferInitialization: true,
    extendedErrorHandler: true,
    // Wayfinder keeps no conversation state in Bolt's in-memory store.
    convoStore: false,
  });

  const background = createBackground(logger);
  const listener: ListenerContext = {
    services: opts.services,
    logger,
    background,
    identities: createIdentityWarmer({ store: opts.services.store, logger }),
    deferAfterMs: opts.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS,
  };

  app.use(createEventDeduplication({ log: opts.services.processedEvents, logger }));
  app.error(createSlackErrorHandler({ logger }));
  registerCommands(app, listener);
  registerActions(app, listener);
  // Before the event listeners: the assistant pane's messages are its own (Bolt stops them there).
  if (opts.services.docsQuestions) app.assistant(createDocsAssistant(listener));
  registerEvents(app, listener);
  registerViews(app, listener);

  let started = false;
  return {
    app,
    routes: receiver ? [receiver.route] : [],
    async start() {
      // Bolt's init calls auth.test through the app's client, whose retries last minutes: a wrong SLACK_API_URL or an
      // unreachable Slack would leave the start hanging that long. One quick check first fails in seconds instead.
      await new WebClient(opts.botToken, { ...clientOptions, ...QUICK_CHECK }).auth.test();
      await app.init();
      await app.start();
      started = true;
    },
    async stop(graceMs = 5_000) {
      started = false;
      await app.stop();
      await background.idle(graceMs);
    },
    idle: () => background.idle(),
    isReady: () => started && (socketReceiver?.isConnected() ?? true),
  };
}
