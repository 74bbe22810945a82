/**
 * A fake Slack on 127.0.0.1 that speaks the Web API wire protocol: `POST /api/<method>` with a form-encoded or JSON
 * body and a bearer token, answered `200 { ok: true, … }` or `200 { ok: false, error }` like Slack. It also serves
 * response_urls (`POST /response/<id>`, as Bolt's `respond()` and the deferred answers post them) and modals
 * (`views.open`, `views.update`, `views.push`). Everything posted is recorded for assertions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlackUser {
  id: string;
  email?: string;
  name?: string;
}

export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  /** When the fake received it (`performance.now()`, ms): what benchmarks measure to. */
  at: number;
}

export interface RecordedResponse {
  id: string;
  body: Record<string, unknown>;
}

export interface FakeSlackApi {
  /** The Web API base URL, with its trailing slash: `http://127.0.0.1:PORT/api/`. */
  url: string;
  /** Web API calls, in order. Fields Slack sends as JSON strings (`blocks`, `view`) are decoded. */
  calls: RecordedCall[];
  /** What was posted to response_urls, in order. */
  responses: RecordedResponse[];
  users: { add(...users: FakeSlackUser[]): void };
  /** A response_url on this fake: `http://127.0.0.1:PORT/response/<id>`. */
  responseUrl(id: string): string;
  callsTo(method: string): RecordedCall[];
  /** Digest support (scorecards): messages posted per channel, uploaded files, rate limits. See `FakeSlackDigestSupport`. */
  digest: FakeSlackDigestSupport;
  /** Resolves with the first recorded item `find` returns, polling until `timeoutMs`. */
  waitFor<T>(find: () => T | undefined, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export const FAKE_TEAM_ID = 'T0WAYFIND';
export const FAKE_BOT_USER_ID = 'U0BOT';
export const FAKE_BOT_ID = 'B0BOT';

export interface FakeSlackApiOptions {
  /**
   * Socket Mode: `apps.connections.open` (called with an `xapp-` app-level token) answers with this URL, e.g. a
   * fake Socket Mode server's `connectionUrl()`. Without it the method answers `ok: false`.
   */
  socketModeUrl?: () => string;
  /** `chat.postMessage` rate limits, answered `429` with `Retry-After` as Slack does (see `FakeSlackDigestSupport`). */
  rateLimits?: FakeSlackRateLimits;
}

export async function startFakeSlackApi(options: FakeSlackApiOptions = {}): Promise<FakeSlackApi> {
  const calls: RecordedCall[] = [];
  const responses: RecordedResponse[] = [];
  const users = new Map<string, FakeSlackUser>();
  let messages = 0;
  let views = 0;
  const streams = new Map<string, 'open' | 'stopped'>();

  const methods: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    'auth.test': () => ({
      url: 'https://wayfinder-test.slack.com/',
      team: 'Wayfinder Test',
      user: 'wayfinder',
      team_id: FAKE_TEAM_ID,
      user_id: FAKE_BOT_USER_ID,
      bot_id: FAKE_BOT_ID,
    }),
    'users.info': (body) => {
      const user = users.get(String(body.user));
      return user ? { user: slackUser(user) } : { ok: false, error: 'user_not_found' };
    },
    'users.lookupByEmail': (body) => {
      const email = String(body.email).toLowerCase();
      const user = [...users.values()].find((candidate) => candidate.email?.toLowerCase() === email);
      return user ? { user: slackUser(user) } : { ok: false, error: 'users_not_found' };
    },
    'chat.postMessage': (body) => {
      messages += 1;
      const ts = `1700000000.${String(messages).padStart(6, '0')}`;
      // As Slack does, a message to a user id goes to the app's DM with them, whose id is answered.
      return { channel: directMessageChannel(String(body.channel)), ts, message: { text: body.text, ts } };
    },
    'chat.update': (body) =>
      typeof body.ts === 'string' && body.ts !== ''
        ? { channel: body.channel, ts: body.ts, text: body.text }
        : { ok: false, error: 'message_not_found' },
    'chat.postEphemeral': () => {
      messages += 1;
      return { message_ts: `1700000000.${String(messages).padStart(6, '0')}` };
    },
    'views.publish': (body) => ({ view: { id: 'V0HOME', ...(body.view as object) } }),
    // A modal opens only with the trigger_id of an interaction (Slack also wants it within 3 s of the click).
    'views.open': (body) =>
      typeof body.trigger_id === 'string' && body.trigger_id !== ''
        ? { view: { id: `V0MODAL${++views}`, ...(body.view as object) } }
        : { ok: false, error: 'invalid_trigger_id' },
    'views.update': (body) => ({ view: { id: body.view_id ?? `V0MODAL${views}`, ...(body.view as object) } }),
    'views.push': (body) => ({ view: { id: `V0MODAL${++views}`, ...(body.view as object) } }),
    'conversations.open': (body) => ({ channel: { id: directMessageChannel(String(body.users)) } }),
    // Docs answers (issue 10): streamed messages and the assistant pane. A stream is a message whose ts startStream
    // returns; appendStream and stopStream must name a started, unstopped one.
    'chat.startStream': (body) => {
      messages += 1;
      const ts = `1700000000.${String(messages).padStart(6, '0')}`;
      streams.set(ts, 'open');
      return { channel: body.channel, ts };
    },
    'chat.appendStream': (body) =>
      streams.get(String(body.ts)) === 'open'
        ? { channel: body.channel, ts: body.ts }
        : { ok: false, error: 'message_not_in_streaming_state' },
    'chat.stopStream': (body) => {
      if (streams.get(String(body.ts)) !== 'open') return { ok: false, error: 'message_not_in_streaming_state' };
      streams.set(String(body.ts), 'stopped');
      return { channel: body.channel, ts: body.ts, message: { ts: body.ts } };
    },
    'assistant.threads.setStatus': () => ({}),
    'assistant.threads.setSuggestedPrompts': () => ({}),
    'assistant.threads.setTitle': () => ({}),
  };

  const digest = createDigestSupport(options.rateLimits ?? {}, methods['chat.postMessage']);
  Object.assign(methods, digest.methods);

  const server = createServer(async (req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'POST' && url.startsWith('/upload/')) return digest.receiveUpload(req, res, url);
    const body = await readBody(req);
    if (req.method === 'POST' && url.startsWith('/response/')) {
      responses.push({ id: decodeURIComponent(url.slice('/response/'.length)), body });
      return json(res, { ok: true });
    }
    if (req.method === 'POST' && url.startsWith('/api/')) {
      const method = url.slice('/api/'.length).split('?')[0] ?? '';
      calls.push({ method, body, at: performance.now() });
      if (method === 'apps.connections.open') {
        if (!/^Bearer xapp-/.test(req.headers.authorization ?? ''))
          return json(res, { ok: false, error: 'not_allowed_token_type' });
        const socketUrl = options.socketModeUrl?.();
        return json(res, socketUrl ? { ok: true, url: socketUrl } : { ok: false, error: 'socket_mode_not_enabled' });
      }
      if (!/^Bearer xox[bp]-/.test(req.headers.authorization ?? ''))
        return json(res, { ok: false, error: 'not_authed' });
      const limited = digest.rateLimit(method, body);
      if (limited) return tooManyRequests(res, limited);
      const handler = methods[method];
      if (!handler) return json(res, { ok: false, error: 'unknown_method' });
      return json(res, { ok: true, ...handler(body) });
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  digest.setBase(base);

  return {
    url: `${base}/api/`,
    calls,
    responses,
    users: {
      add: (...added) => {
        for (const user of added) users.set(user.id, user);
      },
    },
    digest: digest.support,
    responseUrl: (id) => `${base}/response/${encodeURIComponent(id)}`,
    callsTo: (method) => calls.filter((call) => call.method === method),
    async waitFor(find, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = find();
        if (found !== undefined) return found;
        if (Date.now() > deadline)
          throw new Error(`The fake Slack did not see what was awaited within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The DM channel the fake gives a user id (`U123` → `D123`); any other channel is itself. */
export function directMessageChannel(channel: string): string {
  return channel.replace(/^U/, 'D');
}

function slackUser(user: FakeSlackUser) {
  const name = user.name ?? user.id;
  return {
    id: user.id,
    team_id: FAKE_TEAM_ID,
    name,
    real_name: name,
    profile: { real_name: name, display_name: name, ...(user.email ? { email: user.email } : {}) },
  };
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  if ((req.headers['content-type'] ?? '').startsWith('application/json')) return JSON.parse(text);
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) fields[key] = decodeJsonField(value);
  return fields;
}

/** The Web API client sends arrays and objects (`blocks`, `view`) as JSON strings inside form bodies. */
function decodeJsonField(value: string): unknown {
  if (!/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function json(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// ---------------------------------------------------------------------------------------------------------
// Digest support (scorecards): files.uploadV2's wire calls, messages kept per channel with their metadata (read back by
// conversations.history), and chat.postMessage rate limits answered 429 with Retry-After.

export interface FakeSlackRateLimits {
  /** chat.postMessage per channel per second (Slack: about 1). */
  perChannelPerSecond?: number;
  /**
   * chat.postMessage per minute across the workspace, as a token bucket refilled at this rate and holding
   * `workspaceBurst` tokens (Slack allows short bursts above its rates).
   */
  workspacePerMinute?: number;
  /** Default 5. */
  workspaceBurst?: number;
}

export interface FakePostedMessage {
  /** As chat.postMessage was given it: an id or a name (`#payments`). */
  channel: string;
  /** The conversation's id (a name is resolved, as Slack does). */
  channelId: string;
  ts: string;
  text: unknown;
  blocks: unknown;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  /** When the fake received it (ms since the epoch). */
  at: number;
}

export interface FakeSlackDigestSupport {
  /** Every chat.postMessage that was accepted, in order. */
  posted: FakePostedMessage[];
  /** Uploaded files by id, with their bytes (set by the upload) and title (by completeUploadExternal). */
  files: Map<string, { filename: string; bytes?: Buffer; title?: string; completed: boolean }>;
  /** 429s answered. */
  rateLimited: number;
  /**
   * The next `count` calls of `method` answer `{ ok: false, error }` (after the rate limit check), with
   * `responseMetadata` when given: Slack's `warnings` and `messages` (`[ERROR] …`, `[WARN] …`), which the Web API
   * client logs.
   */
  failNext(
    method: string,
    error: string,
    count?: number,
    responseMetadata?: { warnings?: string[]; messages?: string[] },
  ): void;
  /** The next `count` chat.postMessage calls answer 429 with this Retry-After (seconds). */
  rateLimitNext(retryAfterSeconds: number, count?: number): void;
  /**
   * Channels by name (no `#`) and id, as conversations.list lists them (in pages of its `limit`, default 100). A name
   * posted to is added at its first post, as if it had existed; `addChannels` adds more.
   */
  channels: Map<string, string>;
  addChannels(names: readonly string[]): void;
  /** conversations.list calls answered. */
  listCalls: number;
}

function createDigestSupport(
  limits: FakeSlackRateLimits,
  postMessage: ((body: Record<string, unknown>) => Record<string, unknown>) | undefined,
) {
  const posted: FakePostedMessage[] = [];
  const files = new Map<string, { filename: string; bytes?: Buffer; title?: string; completed: boolean }>();
  const failures: {
    method: string;
    error: string;
    count: number;
    responseMetadata?: { warnings?: string[]; messages?: string[] };
  }[] = [];
  const forced = { retryAfter: 0, count: 0 };
  const lastByChannel = new Map<string, number>();
  const bucket = { tokens: limits.workspaceBurst ?? 5, at: Date.now() };
  let base = '';
  let nextFile = 0;
  const channels = new Map<string, string>();
  // Like Slack: a channel name resolves to its id (created here at first use); an id stands as it is.
  const idOf = (channel: string) => {
    if (/^[CGD][A-Z0-9]{6,}$/.test(channel)) return channel;
    const name = channel.replace(/^#/, '');
    const id = channels.get(name) ?? `C0FAKE${String(channels.size + 1).padStart(4, '0')}`;
    channels.set(name, id);
    return id;
  };
  const support: FakeSlackDigestSupport = {
    posted,
    files,
    channels,
    addChannels: (names) => {
      for (const name of names) idOf(name);
    },
    listCalls: 0,
    rateLimited: 0,
    failNext: (method, error, count = 1, responseMetadata) =>
      failures.push({ method, error, count, ...(responseMetadata ? { responseMetadata } : {}) }),
    rateLimitNext: (retryAfterSeconds, count = 1) => {
      forced.retryAfter = retryAfterSeconds;
      forced.count = count;
    },
  };
  const failure = (method: string) => {
    const entry = failures.find((candidate) => candidate.method === method && candidate.count > 0);
    if (!entry) return undefined;
    entry.count -= 1;
    return {
      ok: false,
      error: entry.error,
      ...(entry.responseMetadata ? { response_metadata: entry.responseMetadata } : {}),
    };
  };
  const methods: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    'chat.postMessage': (body) =>
      failure('chat.postMessage') ??
      (() => {
        const answer = postMessage?.(body) ?? {};
        const ts = String(answer.ts);
        const channel = String(body.channel);
        const channelId = channel.startsWith('U') ? String(answer.channel) : idOf(channel);
        posted.push({
          channel,
          channelId,
          ts,
          text: body.text,
          blocks: body.blocks,
          metadata: body.metadata as FakePostedMessage['metadata'],
          at: Date.now(),
        });
        return { ...answer, channel: channelId };
      })(),
    'conversations.list': (body) => {
      support.listCalls += 1;
      const limit = Number(body.limit ?? 100);
      const from = Number(body.cursor || 0);
      const all = [...channels].map(([name, id]) => ({ id, name, is_channel: true }));
      const next = from + limit < all.length ? String(from + limit) : '';
      return (
        failure('conversations.list') ?? {
          channels: all.slice(from, from + limit),
          response_metadata: { next_cursor: next },
        }
      );
    },
    'conversations.history': (body) => {
      const oldest = Number(body.oldest ?? 0);
      const channel = String(body.channel);
      // Slack takes a conversation id here, never a name.
      if (!/^[CGD][A-Z0-9]{6,}$/.test(channel)) return { ok: false, error: 'channel_not_found' };
      const found = posted
        .filter((message) => message.channelId === channel && Number(message.ts) >= 0 && message.at / 1000 >= oldest)
        .reverse()
        .map((message) => ({
          type: 'message',
          ts: message.ts,
          text: message.text,
          ...(body.include_all_metadata && message.metadata ? { metadata: message.metadata } : {}),
        }));
      return failure('conversations.history') ?? { messages: found, has_more: false };
    },
    'files.getUploadURLExternal': (body) => {
      const id = `F0CHART${++nextFile}`;
      files.set(id, { filename: String(body.filename), completed: false });
      return failure('files.getUploadURLExternal') ?? { upload_url: `${base}/upload/${id}`, file_id: id };
    },
    'files.completeUploadExternal': (body) => {
      const list = (typeof body.files === 'string' ? JSON.parse(body.files) : body.files) as {
        id: string;
        title?: string;
      }[];
      for (const entry of list) {
        const file = files.get(entry.id);
        if (!file?.bytes) return { ok: false, error: 'file_not_found' };
        file.completed = true;
        if (entry.title) file.title = entry.title;
      }
      return (
        failure('files.completeUploadExternal') ?? {
          files: list.map((entry) => ({ id: entry.id, title: entry.title })),
        }
      );
    },
  };
  return {
    support,
    methods,
    setBase: (url: string) => {
      base = url;
    },
    /** Seconds to wait when `method` must be refused for a rate limit now; undefined when it may go. */
    rateLimit(method: string, body: Record<string, unknown>): number | undefined {
      if (method !== 'chat.postMessage') return undefined;
      if (forced.count > 0) {
        forced.count -= 1;
        support.rateLimited += 1;
        return forced.retryAfter;
      }
      const now = Date.now();
      const channel = String(body.channel);
      const waits = [0];
      if (limits.perChannelPerSecond) {
        const last = lastByChannel.get(channel) ?? Number.NEGATIVE_INFINITY;
        waits.push(last + 1000 / limits.perChannelPerSecond - now);
      }
      if (limits.workspacePerMinute) {
        const perMs = limits.workspacePerMinute / 60_000;
        bucket.tokens = Math.min(limits.workspaceBurst ?? 5, bucket.tokens + (now - bucket.at) * perMs);
        bucket.at = now;
        if (bucket.tokens < 1) waits.push((1 - bucket.tokens) / perMs);
      }
      const wait = Math.max(...waits);
      if (wait > 0) {
        support.rateLimited += 1;
        return Math.max(1, Math.ceil(wait / 1000));
      }
      lastByChannel.set(channel, now);
      if (limits.workspacePerMinute) bucket.tokens -= 1;
      return undefined;
    },
    async receiveUpload(req: IncomingMessage, res: ServerResponse, url: string) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const file = files.get(decodeURIComponent(url.slice('/upload/'.length)));
      if (!file) {
        res.writeHead(404);
        res.end();
        return;
      }
      file.bytes = extractUpload(Buffer.concat(chunks), req.headers['content-type'] ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${file.bytes.length}`);
    },
  };
}

/** The file's bytes from the upload body: raw, or the first part of a multipart form (as web-api sends it). */
function extractUpload(body: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return body;
  const marker = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = body.indexOf(marker);
  const headerEnd = body.indexOf('\r\n\r\n', start);
  const end = body.indexOf(marker, headerEnd);
  return body.subarray(headerEnd + 4, end - 2);
}

function tooManyRequests(res: ServerResponse, retryAfterSeconds: number): void {
  const text = JSON.stringify({ ok: false, error: 'ratelimited' });
  res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(retryAfterSeconds) });
  res.end(text);
}
