/**
 * Slack's HTTP front door as a Bolt Receiver mounted on our own server (`POST /slack/events`).
 *
 * Why not Bolt's HTTPReceiver (5.1.0): it parses form bodies before verifying them (to find `ssl_check`), lets an
 * unsigned `ssl_check=1` through with a 200, accepts timestamps from the future, and matches custom routes with
 * path-to-regexp on every request. This receiver does less, in a fixed order, and fails closed:
 *
 * 1. headers present and single, timestamp within ±5 minutes, signature shaped `v0=<64 hex>` — else 401, body unread;
 * 2. raw body read (413 above the limit);
 * 3. HMAC-SHA256 of `v0:<timestamp>:<raw body>` compared in constant time — else 401;
 * 4. only then parsed (400 when malformed). A verified body that mentions `ssl_check` is answered 200 and never
 *    dispatched (the bypass class of slackapi/bolt-js#2897); `url_verification` gets its challenge back;
 * 5. everything else goes to `app.processEvent` with an `ack` that writes the HTTP response.
 *
 * Requests made before `start()` (or after `stop()`) get 503: the App has not run `auth.test` yet.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type App, type Receiver, type ReceiverEvent, ReceiverMultipleAckError } from '@slack/bolt';
import { readRawBody } from '../http/read-body.ts';
import { describeError, type Logger, type Route, sendJson, sendText } from '../http/server.ts';

export const SLACK_EVENTS_PATH = '/slack/events';

/** Slack's replay window: a request signed more than five minutes from now (either way) is refused. */
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
const SIGNATURE = /^v0=([0-9a-f]{64})$/;
const TIMESTAMP = /^\d{1,12}$/;

export interface SlackHttpReceiverOptions {
  signingSecret: string;
  logger: Logger;
  /** Largest body read; Slack's largest payloads (view submissions) are far below. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** After this long without `ack()`, answer 404 so Slack shows an error instead of hanging. Default 3001 ms (Bolt's). */
  unhandledRequestTimeoutMs?: number;
  /** Clock, for tests. */
  now?: () => number;
  /** Called once per request when it is acknowledged (not when it times out): the ack-latency metric. */
  onAck?: (ack: SlackAck) => void;
}

/** One acknowledgement of a request from Slack, for the ack-latency metric. */
export interface SlackAck {
  kind: SlackRequestKind;
  /** The slash command (`/owner`) for a command. */
  command?: string;
  /** From the request's arrival (HTTP: headers read; Socket Mode: envelope received) to the ack. */
  seconds: number;
}

export type SlackRequestKind = 'command' | 'interactive' | 'event' | 'other';

const INTERACTIVE_TYPES = new Set([
  'block_actions',
  'block_suggestion',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'dialog_submission',
]);

/** What kind of request a parsed body is: a slash command, an interaction, an Events API event. */
export function slackRequestKind(body: Record<string, unknown>): SlackRequestKind {
  if (typeof body.command === 'string') return 'command';
  if (typeof body.type === 'string' && INTERACTIVE_TYPES.has(body.type)) return 'interactive';
  if (body.type === 'event_callback' || (typeof body.event === 'object' && body.event !== null)) return 'event';
  return 'other';
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Checks headers before the body is read: presence, shape and the ±5 minute window. */
export function checkSignatureHeaders(opts: {
  timestamp: string | string[] | undefined;
  signature: string | string[] | undefined;
  nowMs: number;
}): SignatureCheck {
  const { timestamp, signature } = opts;
  if (typeof timestamp !== 'string' || typeof signature !== 'string') {
    return { ok: false, reason: 'missing x-slack-request-timestamp or x-slack-signature' };
  }
  if (!TIMESTAMP.test(timestamp)) return { ok: false, reason: 'x-slack-request-timestamp is not a number of seconds' };
  const skew = Math.abs(Math.floor(opts.nowMs / 1000) - Number(timestamp));
  if (skew > MAX_CLOCK_SKEW_SECONDS)
    return { ok: false, reason: 'x-slack-request-timestamp is more than 5 minutes away' };
  if (!SIGNATURE.test(signature)) return { ok: false, reason: 'x-slack-signature is not a v0 signature' };
  return { ok: true };
}

/** Slack's v0 request signature over the raw body, compared in constant time. Call after `checkSignatureHeaders`. */
export function isValidSignature(opts: {
  signingSecret: string;
  timestamp: string;
  signature: string;
  rawBody: Buffer;
}): boolean {
  const hex = SIGNATURE.exec(opts.signature)?.[1];
  if (!hex || !opts.signingSecret) return false;
  const expected = createHmac('sha256', opts.signingSecret)
    .update(`v0:${opts.timestamp}:`)
    .update(opts.rawBody)
    .digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

export class SlackHttpReceiver implements Receiver {
  /** Mount this on the app's HTTP server. */
  readonly route: Route;
  private app: App | undefined;
  private accepting = false;
  private readonly signingSecret: string;
  private readonly logger: Logger;
  private readonly bodyLimitBytes: number;
  private readonly unhandledRequestTimeoutMs: number;
  private readonly now: () => number;
  private readonly onAck: ((ack: SlackAck) => void) | undefined;

  constructor(opts: SlackHttpReceiverOptions) {
    // Fail closed: an empty secret would make every HMAC forgeable (slackapi/bolt-js#2946).
    if (!opts.signingSecret) throw new Error('A Slack signing secret is required to receive requests over HTTP');
    this.signingSecret = opts.signingSecret;
    this.logger = opts.logger;
    this.bodyLimitBytes = opts.bodyLimitBytes ?? 1024 * 1024;
    this.unhandledRequestTimeoutMs = opts.unhandledRequestTimeoutMs ?? 3001;
    this.now = opts.now ?? Date.now;
    this.onAck = opts.onAck;
    this.route = { method: 'POST', path: SLACK_EVENTS_PATH, handler: (req, res) => this.handle(req, res) };
  }

  init(app: App): void {
    this.app = app;
  }

  /** Our HTTP server owns the socket; starting only opens the door. */
  async start(): Promise<void> {
    this.accepting = true;
  }

  async stop(): Promise<void> {
    this.accepting = false;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const received = performance.now();
    const app = this.app;
    if (!app || !this.accepting) {
      sendText(res, 503, 'not started');
      return;
    }
    const timestamp = req.headers['x-slack-request-timestamp'];
    const signature = req.headers['x-slack-signature'];
    const headers = checkSignatureHeaders({ timestamp, signature, nowMs: this.now() });
    if (!headers.ok) return this.refuse(res, headers.reason);

    const rawBody = await readRawBody(req, this.bodyLimitBytes);
    if (rawBody === undefined) {
      this.logger.warn(`Slack request body exceeds ${this.bodyLimitBytes} bytes`);
      sendText(res, 413, 'payload too large');
      return;
    }
    if (
      !isValidSignature({
        signingSecret: this.signingSecret,
        timestamp: String(timestamp),
        signature: String(signature),
        rawBody,
      })
    ) {
      return this.refuse(res, 'signature mismatch');
    }

    const body = parseBody(rawBody, req.headers['content-type']);
    if (!body) {
      this.logger.warn('Malformed Slack request body');
      sendText(res, 400, 'malformed body');
      return;
    }
    if ('ssl_check' in body) {
      res.writeHead(200);
      res.end();
      return;
    }
    if (body.type === 'url_verification') {
      sendJson(res, 200, { challenge: body.challenge });
      return;
    }

    const onAck = this.onAck;
    const ack = createHttpAck(
      res,
      this.logger,
      this.unhandledRequestTimeoutMs,
      onAck &&
        (() =>
          onAck({
            kind: slackRequestKind(body),
            ...(typeof body.command === 'string' ? { command: body.command } : {}),
            seconds: (performance.now() - received) / 1000,
          })),
    );
    const event: ReceiverEvent = {
      body,
      ack: ack.ack,
      retryNum: headerNumber(req.headers['x-slack-retry-num']),
      retryReason: headerString(req.headers['x-slack-retry-reason']),
    };
    try {
      await app.processEvent(event);
      if (!ack.settled()) {
        this.logger.warn(`No listener acknowledged a Slack ${describeBody(body)} request`);
        ack.settle(404);
      }
    } catch (error) {
      // The App's error handler has already seen listener errors; what reaches here escaped it.
      this.logger.error(`Slack ${describeBody(body)} request failed`, describeError(error));
      ack.settle(500);
    }
  }

  private refuse(res: ServerResponse, reason: string): void {
    this.logger.warn(`Refused a Slack request: ${reason}`);
    // Close rather than drain an unverified body of unknown size.
    res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end('invalid signature');
  }
}

interface HttpAck {
  ack: ReceiverEvent['ack'];
  /** Whether the HTTP response has been decided (acked, timed out or settled). */
  settled(): boolean;
  /** Ends an unacknowledged request with an empty `status` response. */
  settle(status: number): void;
}

/** Bolt's `ack()` for one HTTP request: the first call writes the response (JSON for objects); a second call throws. */
function createHttpAck(res: ServerResponse, logger: Logger, timeoutMs: number, onAcked?: () => void): HttpAck {
  let acked = false;
  let done = false;
  const end = (status: number) => {
    done = true;
    clearTimeout(timer);
    if (!res.headersSent) {
      res.writeHead(status);
      res.end();
    }
  };
  const timer = setTimeout(() => {
    logger.error(`A Slack request was not acknowledged within ${timeoutMs} ms`);
    end(404);
  }, timeoutMs);
  return {
    async ack(response?: unknown) {
      if (acked) throw new ReceiverMultipleAckError();
      acked = true;
      if (done) {
        logger.warn('ack() came after the response was sent; Slack will not see it');
        return;
      }
      done = true;
      clearTimeout(timer);
      onAcked?.();
      if (response === undefined || response === '') {
        res.writeHead(200, { 'content-length': 0 });
        res.end();
      } else if (typeof response === 'string') {
        sendText(res, 200, response);
      } else {
        sendJson(res, 200, response);
      }
    },
    settled: () => done,
    settle: (status) => {
      if (!done) end(status);
    },
  };
}

type Body = Record<string, unknown>;

/** Form bodies (commands; interactions carry JSON in `payload`) or JSON (events). Undefined when malformed. */
function parseBody(rawBody: Buffer, contentType: string | undefined): Body | undefined {
  try {
    const type = contentType?.split(';')[0]?.trim().toLowerCase();
    if (type === 'application/x-www-form-urlencoded') {
      const params = new URLSearchParams(rawBody.toString('utf8'));
      if (params.has('ssl_check')) return { ssl_check: params.get('ssl_check') };
      const payload = params.get('payload');
      return payload === null ? Object.fromEntries(params) : asObject(JSON.parse(payload));
    }
    return asObject(JSON.parse(rawBody.toString('utf8')));
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Body | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Body) : undefined;
}

/** `command /owner`, `block_actions`, `event_callback app_home_opened`: enough to trace, nothing sensitive. */
function describeBody(body: Body): string {
  if (typeof body.command === 'string') return `command ${body.command}`;
  const event = asObject(body.event);
  if (event && typeof event.type === 'string') return `${String(body.type)} ${event.type}`;
  return String(body.type ?? 'unknown');
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function headerNumber(value: string | string[] | undefined): number | undefined {
  const text = headerString(value);
  if (text === undefined) return undefined;
  const number = Number.parseInt(text, 10);
  return Number.isNaN(number) ? undefined : number;
}
