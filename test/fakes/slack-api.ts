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

  const server = createServer(async (req, res) => {
    const url = req.url ?? '/';
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
      const handler = methods[method];
      if (!handler) return json(res, { ok: false, error: 'unknown_method' });
      return json(res, { ok: true, ...handler(body) });
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${base}/api/`,
    calls,
    responses,
    users: {
      add: (...added) => {
        for (const user of added) users.set(user.id, user);
      },
    },
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
