/**
 * The one HTTP server of the process. Adapters contribute routes (`POST /slack/events`, later Teams'
 * `POST /api/messages` and `GET /metrics`); the server adds the probes and answers 404 to everything else.
 *
 * Plain node:http on purpose: the Slack lookup path is benchmarked against a bare server, so routing is one Map
 * lookup and nothing parses a body here (each route reads its own, e.g. Slack must verify the raw bytes).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.ts';

export type { Logger };

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Exact path, without query string: `/slack/events`. */
  path: string;
  handler: RouteHandler;
}

export interface HttpServerOptions {
  routes: readonly Route[];
  logger: Logger;
  /**
   * Whether the process can serve (e.g. the database answers `select 1`). `GET /readyz` answers 200 when it
   * resolves true within `readyTimeoutMs`, else 503. Defaults to always ready.
   */
  isReady?: () => Promise<boolean>;
  /** How long `/readyz` waits for `isReady` before answering 503. Default 2 s. */
  readyTimeoutMs?: number;
  /** How long `close()` lets in-flight requests finish before cutting connections. Default 10 s. */
  shutdownGraceMs?: number;
}

export interface HttpServer {
  /** Starts listening; resolves with the bound port (pass 0 for any free port). */
  listen(port: number, host?: string): Promise<number>;
  /**
   * Graceful stop: `/readyz` turns 503, no new connections are accepted, idle keep-alive connections close, and
   * in-flight requests get `shutdownGraceMs` to finish before the remaining connections are cut.
   */
  close(): Promise<void>;
  /** The underlying server, for tests and for attaching upgrades later. */
  readonly server: Server;
}

export function createHttpServer(opts: HttpServerOptions): HttpServer {
  const { logger } = opts;
  const isReady = opts.isReady ?? (async () => true);
  const readyTimeoutMs = opts.readyTimeoutMs ?? 2_000;
  const shutdownGraceMs = opts.shutdownGraceMs ?? 10_000;
  let closing = false;

  const routes = new Map<string, RouteHandler>();
  const add = (method: string, path: string, handler: RouteHandler) => {
    const key = `${method} ${path}`;
    if (routes.has(key)) throw new Error(`Two routes for ${key}`);
    routes.set(key, handler);
  };
  add('GET', '/healthz', (_req, res) => sendText(res, 200, 'ok'));
  add('GET', '/readyz', async (_req, res) => {
    const ready = !closing && (await withTimeout(Promise.resolve().then(isReady), readyTimeoutMs, logger));
    sendText(res, ready ? 200 : 503, ready ? 'ready' : 'not ready');
  });
  for (const route of opts.routes) add(route.method, route.path, route.handler);

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const handler = routes.get(`${req.method} ${path}`);
    if (!handler) {
      sendText(res, 404, 'not found');
      return;
    }
    const fail = (error: unknown) => {
      logger.error(`Unhandled error serving ${req.method} ${path}`, describeError(error));
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.end();
    };
    try {
      const result = handler(req, res);
      if (result) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  });

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close() {
      closing = true;
      if (!server.listening) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const force = setTimeout(() => {
          logger.warn(`Cutting connections still open after ${shutdownGraceMs} ms of shutdown`);
          server.closeAllConnections();
        }, shutdownGraceMs);
        force.unref();
        // Keep-alive connections turn idle as their in-flight requests finish; close them as they do.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        sweep.unref();
        server.close((error) => {
          clearTimeout(force);
          clearInterval(sweep);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

export function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

/** Name, code and message of an error: what logs may carry (never a request body, which can hold tokens). */
export function describeError(error: unknown): { name: string; message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'NonError', message: String(error) };
}

async function withTimeout(check: Promise<boolean>, ms: number, logger: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      logger.warn(`Readiness check did not answer within ${ms} ms`);
      resolve(false);
    }, ms);
  });
  try {
    return await Promise.race([
      check.then(
        (ready) => ready === true,
        (error: unknown) => {
          logger.warn('Readiness check failed', describeError(error));
          return false;
        },
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
