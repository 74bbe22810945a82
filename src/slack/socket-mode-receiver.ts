/**
 * Slack over Socket Mode as a Bolt Receiver. `@slack/socket-mode`'s client keeps doing what it does well (asking
 * `apps.connections.open` for a URL, the WebSocket, pings both ways); this receiver adds what its newest release here
 * (3.1.0) does not:
 *
 * 1. **Every envelope is checked before it is dispatched.** An `events_api` envelope without an inner `event` (Slack's
 *    `app_rate_limited` notice) made the client throw `TypeError … reading 'type'` in an unawaited handler, which ends
 *    the process. Here such an envelope is logged and acknowledged; so is anything else unexpected (no payload, an
 *    unknown type, not JSON), and an envelope whose listener fails is still acknowledged, after the error is logged.
 * 2. **Reconnecting is quick.** The client waits 5 s (its ping timeout) before every reconnect, and on Slack's
 *    `disconnect` message it first waits for the close handshake (up to 30 s against a server that keeps the TCP
 *    connection open). Here the client's own reconnecting is off: on `disconnect` the socket is cut at once, a close
 *    handshake the peer leaves unanswered is cut after `closeGraceMs`, and after any close the receiver reconnects at
 *    once, then backs off (1 s, 2 s, 4 s … `maxReconnectDelayMs`) while Slack cannot be reached. A peer that keeps
 *    the TCP connection open but stops answering is found by the client's pings (one every `pingTimeoutMs` / 3; no
 *    pong for `pingTimeoutMs` closes the connection), and its unanswered close is cut like any other.
 * 3. **It says whether it is connected** (`isConnected()`), for `/readyz`, and reports each acknowledgement
 *    (`onAck`), for the ack-latency metric.
 *
 * Envelopes are dispatched to `app.processEvent` like the HTTP receiver's requests (see ./receiver.ts). Nothing from
 * a payload is logged beyond its type and command name: payloads carry people's ids, text and emails.
 */
import { performance } from 'node:perf_hooks';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { SocketModeClient, type SocketModeOptions } from '@slack/socket-mode';
import { describeError, type Logger } from '../http/server.ts';
import { type SlackAck, slackRequestKind } from './receiver.ts';
import { toSlackSdkLogger } from './sdk-logger.ts';
import { namingFetch } from './web-client.ts';

/** `WebSocket.CLOSING`: a close frame was sent and the peer's is awaited. */
const WS_CLOSING = 2;
/** How often a stalled close handshake is looked for. */
const WATCHDOG_INTERVAL_MS = 250;
const ENVELOPE_TYPES = new Set(['events_api', 'slash_commands', 'interactive']);

export interface SlackSocketModeReceiverOptions {
  /** `xapp-…` app-level token with `connections:write`. */
  appToken: string;
  logger: Logger;
  /** Web API base URL ending in `/` (tests, GovSlack), for `apps.connections.open`. */
  apiUrl?: string;
  /** Longest wait between two reconnect attempts while Slack cannot be reached. Default 30 s. */
  maxReconnectDelayMs?: number;
  /** How long a closing socket may wait for the peer's close frame before it is cut. Default 1 s. */
  closeGraceMs?: number;
  /** How long Slack may leave the client's pings unanswered before the connection is closed. Default 5 s. */
  pingTimeoutMs?: number;
  /** Called once per envelope when it is acknowledged. */
  onAck?: (ack: SlackAck) => void;
}

type Body = Record<string, unknown>;

/** The client, with its message handler replaced by the receiver's (only `hello` still goes to the client). */
class GuardedSocketModeClient extends SocketModeClient {
  private readonly handleText: (text: string) => 'hello' | 'handled';
  private readonly log: Logger;

  constructor(options: SocketModeOptions, handleText: (text: string) => 'hello' | 'handled', log: Logger) {
    super(options);
    this.handleText = handleText;
    this.log = log;
  }

  /** The client calls this unawaited for every WebSocket message: nothing may escape it. */
  protected override async onWebSocketMessage(data: string | ArrayBuffer, isBinary: boolean): Promise<void> {
    try {
      if (isBinary) return; // Slack sends text frames only.
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
      if (this.handleText(text) === 'hello') await super.onWebSocketMessage(text, false);
    } catch (error) {
      // Only a bug of ours lands here; the receiver's handler catches what Slack can cause.
      this.log.error('Socket Mode message handling failed', describeError(error));
    }
  }
}

export class SlackSocketModeReceiver implements Receiver {
  private readonly client: GuardedSocketModeClient;
  private readonly logger: Logger;
  private readonly maxReconnectDelayMs: number;
  private readonly closeGraceMs: number;
  private readonly onAck: ((ack: SlackAck) => void) | undefined;
  private app: App | undefined;
  /** Between a successful `start()` and `stop()`: a lost connection is reconnected. */
  private running = false;
  private connected = false;
  private reconnecting: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private closingSince: number | undefined;

  constructor(opts: SlackSocketModeReceiverOptions) {
    this.logger = opts.logger;
    this.maxReconnectDelayMs = opts.maxReconnectDelayMs ?? 30_000;
    this.closeGraceMs = opts.closeGraceMs ?? 1_000;
    this.onAck = opts.onAck;
    this.client = new GuardedSocketModeClient(
      {
        appToken: opts.appToken,
        logger: toSlackSdkLogger(opts.logger),
        autoReconnectEnabled: false,
        clientPingTimeout: opts.pingTimeoutMs ?? 5_000,
        clientOptions: {
          ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
          // The receiver's loop retries; the client's default is 100 retries over many minutes.
          retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
          timeout: 10_000,
          fetch: namingFetch(),
        },
      },
      (text) => this.handleText(text),
      opts.logger,
    );
    this.client.on('connected', () => {
      this.connected = true;
    });
    this.client.on('disconnected', () => {
      this.connected = false;
      this.reconnect();
    });
  }

  init(app: App): void {
    this.app = app;
  }

  /** Connects; rejects when Slack refuses the app token or the first connection fails (nothing is retried then). */
  async start(): Promise<void> {
    try {
      await this.client.start();
    } catch (error) {
      await this.client.disconnect().catch(() => {});
      const reason =
        error === undefined ? 'the connection closed before Slack said hello' : describeError(error).message;
      throw new Error(`Could not connect to Slack over Socket Mode: ${reason}`, { cause: error });
    }
    this.running = true;
    this.watchdog = setInterval(() => this.cutStalledClose(), WATCHDOG_INTERVAL_MS);
    this.watchdog.unref();
    this.logger.info('Connected to Slack over Socket Mode.');
  }

  /** Closes the connection and stops reconnecting; resolves when the socket is closed. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.reconnecting;
    await this.client.disconnect();
    clearInterval(this.watchdog);
    this.connected = false;
  }

  /** Whether a Socket Mode connection is open and Slack has said hello on it. */
  isConnected(): boolean {
    return this.connected;
  }

  private handleText(text: string): 'hello' | 'handled' {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.logger.warn(`Ignored a Socket Mode message that is not JSON (${text.length} characters)`);
      return 'handled';
    }
    if (!isRecord(message)) {
      this.logger.warn('Ignored a Socket Mode message that is not a JSON object');
      return 'handled';
    }
    const type = typeof message.type === 'string' ? message.type.slice(0, 64) : 'untyped';
    if (type === 'hello') return 'hello';
    if (type === 'disconnect') {
      this.onDisconnectRequested(typeof message.reason === 'string' ? message.reason.slice(0, 64) : 'no reason');
      return 'handled';
    }
    const envelopeId = message.envelope_id;
    if (typeof envelopeId !== 'string' || envelopeId === '') {
      this.logger.warn(`Ignored a Socket Mode message of type ${type} without an envelope id`);
      return 'handled';
    }
    void this.dispatch(envelopeId, type, message);
    return 'handled';
  }

  /** Slack recycles connections (`refresh_requested`, `warning`) or asks for fewer (`too_many_websockets`). */
  private onDisconnectRequested(reason: string): void {
    if (reason === 'link_disabled') {
      this.logger.error(
        'Slack disabled Socket Mode for this app (link_disabled): turn Socket Mode on in the app settings, or unset SLACK_APP_TOKEN to serve Slack over HTTP. Retrying meanwhile.',
      );
    } else {
      this.logger.info(`Slack asked for a new Socket Mode connection (${reason}); reconnecting now.`);
    }
    // Cut rather than wait for the close handshake: the first call sends the close frame, the second (now CLOSING)
    // tears the socket down, which emits `disconnected` and so reconnects.
    const socket = this.client.websocket;
    socket?.disconnect();
    socket?.disconnect();
  }

  private async dispatch(envelopeId: string, type: string, message: Body): Promise<void> {
    const received = performance.now();
    const body = isRecord(message.payload) ? message.payload : undefined;
    let acked = false;
    const ack = async (response?: unknown): Promise<void> => {
      if (acked) {
        this.logger.warn(
          `ack() was called twice for a Socket Mode ${describeEnvelope(type, body)}; the second is ignored`,
        );
        return;
      }
      acked = true;
      this.onAck?.({
        kind: slackRequestKind(body ?? {}),
        ...(typeof body?.command === 'string' ? { command: body.command } : {}),
        seconds: (performance.now() - received) / 1000,
      });
      try {
        await this.send(envelopeId, response);
      } catch (error) {
        // Slack redelivers an unacknowledged event; a command shows its own timeout to the person.
        this.logger.warn(`Could not acknowledge a Socket Mode ${describeEnvelope(type, body)}`, describeError(error));
      }
    };

    try {
      const problem = checkEnvelope(type, body);
      if (problem || !body) {
        this.logger.warn(`${problem ?? 'Slack sent an envelope without a payload'}; acknowledged and dropped.`);
        await ack();
        return;
      }
      const app = this.app;
      if (!app) throw new Error('the receiver was not initialised by a Bolt App');
      const event: ReceiverEvent = {
        body,
        ack,
        ...(typeof message.retry_attempt === 'number' ? { retryNum: message.retry_attempt } : {}),
        ...(typeof message.retry_reason === 'string' ? { retryReason: message.retry_reason } : {}),
      };
      await app.processEvent(event);
      if (!acked) {
        this.logger.warn(`No listener acknowledged a Socket Mode ${describeEnvelope(type, body)}; acknowledged empty.`);
        await ack();
      }
    } catch (error) {
      // The App's error handler has already seen listener errors; what reaches here escaped it.
      this.logger.error(`A Socket Mode ${describeEnvelope(type, body)} failed`, describeError(error));
      if (!acked) await ack();
    }
  }

  /** One acknowledgement: `{ envelope_id, payload? }`; a string response is sent as `{ text }`, as the client does. */
  private send(envelopeId: string, response: unknown): Promise<void> {
    const payload =
      response === undefined || response === ''
        ? undefined
        : typeof response === 'string'
          ? { text: response }
          : response;
    return new Promise((resolve, reject) => {
      const socket = this.client.websocket;
      if (!socket?.isActive()) {
        reject(new Error('the Socket Mode connection is closed'));
        return;
      }
      socket.send(
        JSON.stringify({ envelope_id: envelopeId, ...(payload === undefined ? {} : { payload }) }),
        (error) => (error ? reject(error) : resolve()),
      );
    });
  }

  private reconnect(): void {
    if (!this.running || this.reconnecting) return;
    this.logger.warn('The Socket Mode connection closed; reconnecting.');
    this.reconnecting = this.reconnectUntilConnected().finally(() => {
      this.reconnecting = undefined;
    });
  }

  private async reconnectUntilConnected(): Promise<void> {
    const started = performance.now();
    for (let attempt = 0; this.running; attempt += 1) {
      if (attempt > 0) await this.pause(this.backoffMs(attempt));
      if (!this.running) return;
      try {
        await this.client.start();
        if (!this.running) {
          await this.client.disconnect();
          return;
        }
        this.logger.info(`Reconnected to Slack over Socket Mode in ${Math.round(performance.now() - started)} ms.`);
        return;
      } catch (error) {
        this.logger.warn(
          `Socket Mode reconnect attempt ${attempt + 1} failed`,
          error === undefined ? 'the connection closed before Slack said hello' : describeError(error),
        );
      }
    }
  }

  /** 1 s, 2 s, 4 s … up to the maximum, with ±20 % jitter so that replicas do not retry in step. */
  private backoffMs(attempt: number): number {
    const base = Math.min(this.maxReconnectDelayMs, 1_000 * 2 ** (attempt - 1));
    return base * (0.8 + Math.random() * 0.4);
  }

  /** Waits `ms`, or less when `stop()` is called. */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    }).finally(() => {
      this.wakeUp = undefined;
    });
  }

  /** A close frame left unanswered for `closeGraceMs` (a ping timeout, a stop) is cut, so that reconnecting can start. */
  private cutStalledClose(): void {
    const socket = this.client.websocket;
    if (socket?.readyState !== WS_CLOSING) {
      this.closingSince = undefined;
      return;
    }
    const now = performance.now();
    if (this.closingSince === undefined) this.closingSince = now;
    else if (now - this.closingSince >= this.closeGraceMs) {
      this.closingSince = undefined;
      this.logger.warn('Slack did not finish closing the Socket Mode connection; cut it.');
      socket.disconnect();
    }
  }
}

/** Why an envelope cannot be dispatched, or undefined when it can. */
function checkEnvelope(type: string, body: Body | undefined): string | undefined {
  if (!ENVELOPE_TYPES.has(type)) return `Slack sent a Socket Mode envelope of unknown type ${type}`;
  if (!body) return `Slack sent a ${type} envelope without a payload`;
  if (type !== 'events_api') return undefined;
  const event = body.event;
  if (isRecord(event) && typeof event.type === 'string') return undefined;
  if (body.type === 'app_rate_limited') {
    const minute = typeof body.minute_rate_limited === 'number' ? ` (minute ${body.minute_rate_limited})` : '';
    return `Slack is rate-limiting event deliveries to this app${minute}: app_rate_limited; events of that minute are not delivered`;
  }
  return `Slack sent an events_api envelope without an event (payload type ${String(body.type ?? 'none').slice(0, 64)})`;
}

/** `slash_commands /owner`, `events_api app_home_opened`: enough to trace, nothing personal. */
function describeEnvelope(type: string, body: Body | undefined): string {
  if (typeof body?.command === 'string') return `${type} ${body.command.slice(0, 64)}`;
  const event = body?.event;
  if (isRecord(event) && typeof event.type === 'string') return `${type} ${event.type.slice(0, 64)}`;
  return `${type} envelope`;
}

function isRecord(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
