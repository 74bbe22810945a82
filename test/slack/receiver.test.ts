import type { App, ReceiverEvent } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer, type Logger } from '../../src/http/server.ts';
import { checkSignatureHeaders, SlackHttpReceiver } from '../../src/slack/receiver.ts';
import {
  blockActionsRequest,
  eventRequest,
  forged,
  postToSlackEndpoint,
  signSlackRequest,
  slashCommandRequest,
  stale,
  TEST_SIGNING_SECRET,
  withBody,
  withoutHeaders,
} from '../helpers/slack-requests.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Stands in for Bolt's App: records what the receiver dispatches and answers with `answer`. */
function fakeApp(answer: (event: ReceiverEvent) => Promise<void>) {
  const events: ReceiverEvent[] = [];
  const app = {
    async processEvent(event: ReceiverEvent) {
      events.push(event);
      await answer(event);
    },
  };
  return { app: app as unknown as App, events };
}

let server: HttpServer;
let base: string;
let dispatched: ReceiverEvent[];
let receiver: SlackHttpReceiver;

async function serve(
  answer: (event: ReceiverEvent) => Promise<void>,
  opts: { start?: boolean; bodyLimitBytes?: number } = {},
) {
  const { app, events } = fakeApp(answer);
  dispatched = events;
  receiver = new SlackHttpReceiver({
    signingSecret: TEST_SIGNING_SECRET,
    logger: silent,
    unhandledRequestTimeoutMs: 200,
    ...(opts.bodyLimitBytes ? { bodyLimitBytes: opts.bodyLimitBytes } : {}),
  });
  receiver.init(app);
  if (opts.start !== false) await receiver.start();
  server = createHttpServer({ routes: [receiver.route], logger: silent });
  base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
}

const ackWithText = async (event: ReceiverEvent) => event.ack({ response_type: 'ephemeral', text: 'answered' });

afterEach(async () => {
  await server.close();
});

describe('SlackHttpReceiver', () => {
  beforeEach(async () => {
    await serve(ackWithText);
  });

  it('dispatches a correctly signed slash command and answers with what the listener acked', async () => {
    const response = await postToSlackEndpoint(base, slashCommandRequest({ command: '/owner', text: 'payments-api' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ response_type: 'ephemeral', text: 'answered' });
    expect(dispatched).toHaveLength(1);
    expect(dispatched[0]?.body).toMatchObject({ command: '/owner', text: 'payments-api', user_id: 'U0ASKER' });
  });

  it('parses an interaction payload from its form field', async () => {
    const request = blockActionsRequest({
      actionId: 'wayfinder_run_command:0',
      value: '/owner x',
      responseUrl: 'http://x/r',
    });
    expect((await postToSlackEndpoint(base, request)).status).toBe(200);
    expect(dispatched[0]?.body).toMatchObject({ type: 'block_actions', actions: [{ value: '/owner x' }] });
  });

  it('refuses a forged signature with 401 and dispatches nothing', async () => {
    const response = await postToSlackEndpoint(base, forged(slashCommandRequest({ command: '/owner', text: 'x' })));
    expect(response.status).toBe(401);
    expect(dispatched).toHaveLength(0);
  });

  it('refuses a body that is not the one signed', async () => {
    const signed = slashCommandRequest({ command: '/owner', text: 'x' });
    const response = await postToSlackEndpoint(base, withBody(signed, signed.body.replace('text=x', 'text=y')));
    expect(response.status).toBe(401);
    expect(dispatched).toHaveLength(0);
  });

  it('refuses a request signed six minutes ago, and one signed six minutes ahead', async () => {
    const request = slashCommandRequest({ command: '/owner', text: 'x' });
    expect((await postToSlackEndpoint(base, stale(request, 6 * 60))).status).toBe(401);
    expect((await postToSlackEndpoint(base, stale(request, -6 * 60))).status).toBe(401);
    expect(dispatched).toHaveLength(0);
  });

  it('accepts a request signed four minutes ago', async () => {
    const response = await postToSlackEndpoint(
      base,
      stale(slashCommandRequest({ command: '/owner', text: 'x' }), 4 * 60),
    );
    expect(response.status).toBe(200);
  });

  it('refuses a request without signing headers, or with either one missing', async () => {
    const request = slashCommandRequest({ command: '/owner', text: 'x' });
    for (const names of [undefined, ['x-slack-signature'], ['x-slack-request-timestamp']]) {
      expect((await postToSlackEndpoint(base, withoutHeaders(request, names))).status).toBe(401);
    }
    expect(dispatched).toHaveLength(0);
  });

  it('refuses a signature of another version or shape', async () => {
    const request = slashCommandRequest({ command: '/owner', text: 'x' });
    const v1 = {
      ...request,
      headers: {
        ...request.headers,
        'x-slack-signature': request.headers['x-slack-signature']?.replace('v0=', 'v1=') ?? '',
      },
    };
    expect((await postToSlackEndpoint(base, v1)).status).toBe(401);
  });

  it('refuses an unsigned ssl_check that smuggles a payload, and never dispatches it', async () => {
    const payload = JSON.stringify({
      type: 'event_callback',
      event: { type: 'message', text: 'injected', user: 'UATTACKER' },
    });
    const body = new URLSearchParams({ ssl_check: '1', payload }).toString();
    const response = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(response.status).toBe(401);
    expect(dispatched).toHaveLength(0);
  });

  it('answers a signed ssl_check with 200 without dispatching it, whatever else the body holds', async () => {
    const payload = JSON.stringify({
      type: 'block_actions',
      actions: [{ action_id: 'wayfinder_share:0', value: '/owner x' }],
    });
    for (const body of [
      'ssl_check=1&token=abc',
      `ssl_check=1&payload=${encodeURIComponent(payload)}`,
      'ssl_check=0&command=%2Fowner',
    ]) {
      const response = await postToSlackEndpoint(base, signSlackRequest(body, 'application/x-www-form-urlencoded'));
      expect(response.status).toBe(200);
    }
    const json = signSlackRequest(
      JSON.stringify({ ssl_check: '1', type: 'event_callback', event: { type: 'x' } }),
      'application/json',
    );
    expect((await postToSlackEndpoint(base, json)).status).toBe(200);
    expect(dispatched).toHaveLength(0);
  });

  it('answers url_verification with the challenge once signed', async () => {
    const request = signSlackRequest(
      JSON.stringify({ type: 'url_verification', challenge: 'c4a11e' }),
      'application/json',
    );
    const response = await postToSlackEndpoint(base, request);
    expect(await response.json()).toEqual({ challenge: 'c4a11e' });
    expect((await postToSlackEndpoint(base, forged(request))).status).toBe(401);
    expect(dispatched).toHaveLength(0);
  });

  it('answers 400 to a signed body that is not JSON', async () => {
    const response = await postToSlackEndpoint(base, signSlackRequest('{not json', 'application/json'));
    expect(response.status).toBe(400);
  });

  it('passes the retry number and reason to the App', async () => {
    await postToSlackEndpoint(base, eventRequest({ eventId: 'Ev1', event: { type: 'app_home_opened' }, retryNum: 2 }));
    expect(dispatched[0]).toMatchObject({ retryNum: 2, retryReason: 'http_timeout' });
  });
});

describe('SlackHttpReceiver outside the happy path', () => {
  it('answers 503 before start, so nothing is dispatched before auth.test', async () => {
    await serve(ackWithText, { start: false });
    expect((await postToSlackEndpoint(base, slashCommandRequest({ command: '/owner' }))).status).toBe(503);
    expect(dispatched).toHaveLength(0);
  });

  it('answers 413 above the body limit', async () => {
    await serve(ackWithText, { bodyLimitBytes: 64 });
    const response = await postToSlackEndpoint(base, slashCommandRequest({ command: '/owner', text: 'x'.repeat(200) }));
    expect(response.status).toBe(413);
    expect(dispatched).toHaveLength(0);
  });

  it('answers 404 at once when no listener acknowledged the request', async () => {
    await serve(async () => {});
    const response = await postToSlackEndpoint(base, slashCommandRequest({ command: '/unknown' }));
    expect(response.status).toBe(404);
  });

  it('answers 404 when a listener has not acknowledged within the timeout', async () => {
    await serve(() => new Promise((resolve) => setTimeout(resolve, 400)));
    const started = Date.now();
    const response = await postToSlackEndpoint(base, slashCommandRequest({ command: '/owner' }));
    expect(response.status).toBe(404);
    expect(Date.now() - started).toBeLessThan(390);
  });

  it('answers 500 when the App fails before acknowledging', async () => {
    await serve(async () => {
      throw new Error('boom');
    });
    expect((await postToSlackEndpoint(base, slashCommandRequest({ command: '/owner' }))).status).toBe(500);
  });

  it('refuses a second ack', async () => {
    let second: unknown;
    await serve(async (event) => {
      await event.ack();
      second = await event.ack().catch((error: unknown) => error);
    });
    expect((await postToSlackEndpoint(base, slashCommandRequest({ command: '/owner' }))).status).toBe(200);
    expect(second).toBeInstanceOf(Error);
  });

  it('cannot be created without a signing secret', () => {
    expect(() => new SlackHttpReceiver({ signingSecret: '', logger: silent })).toThrow(/signing secret/);
  });
});

describe('checkSignatureHeaders', () => {
  const now = 1_700_000_000_000;
  const signature = `v0=${'a'.repeat(64)}`;

  it('accepts the edges of the five-minute window and refuses beyond them', () => {
    expect(checkSignatureHeaders({ timestamp: String(now / 1000 - 300), signature, nowMs: now }).ok).toBe(true);
    expect(checkSignatureHeaders({ timestamp: String(now / 1000 + 300), signature, nowMs: now }).ok).toBe(true);
    expect(checkSignatureHeaders({ timestamp: String(now / 1000 - 301), signature, nowMs: now }).ok).toBe(false);
  });

  it('refuses timestamps that are not plain seconds and repeated headers', () => {
    for (const timestamp of ['', '1.7e9', '-1', ' 1700000000', '0x65']) {
      expect(checkSignatureHeaders({ timestamp, signature, nowMs: now }).ok).toBe(false);
    }
    expect(checkSignatureHeaders({ timestamp: ['1700000000', '1700000000'], signature, nowMs: now }).ok).toBe(false);
  });
});
