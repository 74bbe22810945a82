/**
 * The one HTTP server of the process. Adapters contribute routes (`POST /slack/events`, `POST /github/webhook`,
 * `GET /metrics`, later Teams' `POST /api/messages`); the server adds the probes and answers 404 to everything else.
 *
 * Plain node:http on purpose: the Slack lookup path is benchmarked against a bare server, so routing is one Map
 * lookup and nothing parses a body here (each route reads its own, e.g. Slack must verify the raw bytes).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../logger.ts';
import { StartupError } from '../startup.ts';

export type { Logger };

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Exact path, without query string: `/slack/events`. */
  path: string;
  handler: RouteHandler;
}

/**
 * What a readiness check answers: a yes or no, or what the process still waits for (an empty list is ready), which
 * `/readyz` prints after `not ready:`.
 */
export type Readiness = boolean | { waitingFor: string[] };

/** One request served: the metrics. `route` is the route's path, or `unmatched` (bounded label values). */
export interface ServedRequest {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

export interface HttpServerOptions {
  routes: readonly Route[];
  logger: Logger;
  /**
   * Whether the process can serve (e.g. the database answers `select 1`). `GET /readyz` answers 200 when it
   * resolves ready within `readyTimeoutMs`, else 503. Defaults to always ready.
   */
  isReady?: () => Promise<Readiness>;
  /** How long `/readyz` waits for `isReady` before answering 503. Default 2 s. */
  readyTimeoutMs?: number;
  /** How long `close()` lets in-flight requests finish before cutting connections. Default 10 s. */
  shutdownGraceMs?: number;
  /** Called after every response is sent (not for aborted requests): the request metrics. */
  onServed?: (request: ServedRequest) => void;
}

export interface HttpServer {
  /**
   * Starts listening; resolves with the bound port (pass 0 for any free port). A port in use or not allowed
   * rejects with a `ListenError` whose message is one line saying what to do.
   */
  listen(port: number, host?: string): Promise<number>;
  /** Adds routes to a listening server (the wiring listens first, so that probes answer while it migrates). */
  mount(routes: readonly Route[]): void;
  /** Replaces the readiness check. */
  setReadiness(isReady: () => Promise<Readiness>): void;
  /** `/readyz` answers 503 from now on, while everything else is still served: the first step of a shutdown. */
  drain(): void;
  /**
   * Graceful stop: `/readyz` turns 503, no new connections are accepted, idle keep-alive connections close, and
   * in-flight requests get `shutdownGraceMs` to finish before the remaining connections are cut.
   */
  close(): Promise<void>;
  /** The underlying server, for tests and for attaching upgrades later. */
  readonly server: Server;
}

/** A port that cannot be listened on, said in one line with what to do. */
export class ListenError extends StartupError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ListenError';
  }
}

export function createHttpServer(opts: HttpServerOptions): HttpServer {
  const { logger, onServed } = opts;
  let isReady: () => Promise<Readiness> = opts.isReady ?? (async () => true);
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
    if (closing) {
      sendText(res, 503, 'not ready: shutting down');
      return;
    }
    const waitingFor = await withTimeout(Promise.resolve().then(isReady), readyTimeoutMs, logger);
    sendText(
      res,
      waitingFor.length === 0 ? 200 : 503,
      waitingFor.length === 0 ? 'ready' : `not ready: ${waitingFor.join(', ')}`,
    );
  });
  for (const route of opts.routes) add(route.method, route.path, route.handler);

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const handler = routes.get(`${req.method} ${path}`);
    if (onServed) {
      const started = performance.now();
      const route = handler ? path : 'unmatched';
      res.once('finish', () =>
        onServed({
          method: req.method ?? 'GET',
          route,
          status: res.statusCode,
          seconds: (performance.now() - started) / 1000,
        }),
      );
    }
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
        const onError = (error: Error) => reject(describeListenError(error, port, host));
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    mount(added) {
      for (const route of added) add(route.method, route.path, route.handler);
    },
    setReadiness(check) {
      isReady = check;
    },
    drain() {
      closing = true;
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

export interface DescribedError {
  name: string;
  message: string;
  code?: string;
  /** The error's `cause`, described the same way (three levels at most). */
  cause?: DescribedError;
}

/**
 * Name, code and message of an error, and of its causes: what logs may carry (never a request body or a stack's
 * locals, which can hold tokens).
 */
export function describeError(error: unknown, depth = 3): DescribedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = (error as { cause?: unknown }).cause;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(cause !== undefined && depth > 1 ? { cause: describeError(cause, depth - 1) } : {}),
    };
  }
  return { name: 'NonError', message: String(error) };
}

function describeListenError(error: Error, port: number, host: string | undefined): Error {
  const code = (error as { code?: unknown }).code;
  const where = `${host ?? 'every interface'} port ${port}`;
  if (code === 'EADDRINUSE') {
    return new ListenError(
      `Cannot listen on ${where}: another process (another Wayfinder?) already uses it. Stop it, or set PORT to a free port.`,
      { cause: error },
    );
  }
  if (code === 'EACCES') {
    return new ListenError(`Cannot listen on ${where}: not allowed for this user. Set PORT to a port above 1023.`, {
      cause: error,
    });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new ListenError(`Cannot listen on ${where}: this machine has no such address. Check HOST.`, {
      cause: error,
    });
  }
  return new ListenError(`Cannot listen on ${where}: ${error.message}`, { cause: error });
}

/** What the process still waits for: an empty list is ready. A check that throws or hangs is not ready. */
async function withTimeout(check: Promise<Readiness>, ms: number, logger: Logger): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => {
      logger.warn(`Readiness check did not answer within ${ms} ms`);
      resolve(['the readiness check (timed out)']);
    }, ms);
  });
  try {
    return await Promise.race([
      check.then(
        (ready) => (typeof ready === 'boolean' ? (ready ? [] : ['the readiness check']) : ready.waitingFor),
        (error: unknown) => {
          logger.warn('Readiness check failed', describeError(error));
          return ['the readiness check (failed)'];
        },
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
