import { afterEach, describe, expect, it } from 'vitest';
import {
  createHttpServer,
  type HttpServer,
  ListenError,
  type Logger,
  type Readiness,
  type Route,
  type ServedRequest,
} from '../../src/http/server.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(opts: { routes?: Route[]; isReady?: () => Promise<Readiness>; readyTimeoutMs?: number } = {}) {
  server = createHttpServer({ routes: opts.routes ?? [], logger: silent, ...opts });
  const port = await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

describe('createHttpServer', () => {
  it('binds a free port when asked for port 0', async () => {
    const base = await start();
    expect(Number(new URL(base).port)).toBeGreaterThan(0);
  });

  it('answers /healthz with 200 ok while the process runs', async () => {
    const base = await start({ isReady: async () => false });
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
  });

  it('answers /readyz with 200 when the readiness check answers true', async () => {
    const base = await start({ isReady: async () => true });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('answers /readyz with 503 when the readiness check answers false, throws or hangs', async () => {
    for (const isReady of [
      async () => false,
      async () => {
        throw new Error('connection refused');
      },
      () => new Promise<boolean>(() => {}),
    ]) {
      const base = await start({ isReady, readyTimeoutMs: 50 });
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      await server?.close();
    }
  });

  it('dispatches a route by method and path, ignoring the query string', async () => {
    const base = await start({
      routes: [{ method: 'POST', path: '/echo', handler: (_req, res) => void res.end('echoed') }],
    });
    const response = await fetch(`${base}/echo?x=1`, { method: 'POST', body: 'x' });
    expect(await response.text()).toBe('echoed');
    expect((await fetch(`${base}/echo`)).status).toBe(404);
  });

  it('answers 404 for any other path', async () => {
    const base = await start();
    expect((await fetch(`${base}/slack/events`, { method: 'POST' })).status).toBe(404);
  });

  it('answers 500 when a handler throws or rejects, and keeps serving', async () => {
    const base = await start({
      routes: [
        {
          method: 'GET',
          path: '/throws',
          handler: () => {
            throw new Error('boom');
          },
        },
        { method: 'GET', path: '/rejects', handler: async () => Promise.reject(new Error('boom')) },
      ],
    });
    expect((await fetch(`${base}/throws`)).status).toBe(500);
    expect((await fetch(`${base}/rejects`)).status).toBe(500);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('says on /readyz what the process still waits for', async () => {
    const base = await start({ isReady: async () => ({ waitingFor: ['the database', 'Slack'] }) });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('not ready: the database, Slack');
  });

  it('turns /readyz to 503 when draining, while it still serves every other route', async () => {
    const base = await start({
      routes: [{ method: 'GET', path: '/hello', handler: (_req, res) => void res.end('hi') }],
    });
    server?.drain();
    const probe = await fetch(`${base}/readyz`);
    expect([probe.status, await probe.text()]).toEqual([503, 'not ready: shutting down']);
    expect(await (await fetch(`${base}/hello`)).text()).toBe('hi');
  });

  it('serves routes mounted after it started listening, and reports every response served', async () => {
    const served: ServedRequest[] = [];
    server = createHttpServer({ routes: [], logger: silent, onServed: (request) => served.push(request) });
    const base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    server.mount([{ method: 'POST', path: '/late', handler: (_req, res) => void res.end('mounted') }]);
    expect(await (await fetch(`${base}/late?x=1`, { method: 'POST' })).text()).toBe('mounted');
    await fetch(`${base}/nowhere`);
    expect(served).toEqual([
      { method: 'POST', route: '/late', status: 200, seconds: expect.any(Number) },
      { method: 'GET', route: 'unmatched', status: 404, seconds: expect.any(Number) },
    ]);
  });

  it('refuses a port in use with a one-line ListenError saying what to do', async () => {
    const base = await start();
    const port = Number(new URL(base).port);
    const second = createHttpServer({ routes: [], logger: silent });
    const error = await second.listen(port, '127.0.0.1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ListenError);
    expect((error as Error).message).toBe(
      `Cannot listen on 127.0.0.1 port ${port}: another process (another Wayfinder?) already uses it. Stop it, or set PORT to a free port.`,
    );
  });

  it('refuses two routes for the same method and path', () => {
    const route: Route = { method: 'GET', path: '/healthz', handler: () => {} };
    expect(() => createHttpServer({ routes: [route], logger: silent })).toThrow(/Two routes for GET \/healthz/);
  });

  it('lets an in-flight request finish when closed', async () => {
    let release: () => void = () => {};
    const base = await start({
      routes: [
        {
          method: 'GET',
          path: '/slow',
          handler: async (_req, res) => {
            await new Promise<void>((resolve) => {
              release = resolve;
            });
            res.end('done');
          },
        },
      ],
    });
    const pending = fetch(`${base}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = server?.close();
    release();
    expect(await (await pending).text()).toBe('done');
    await closed;
    server = undefined;
  });
});
