/**
 * A closed-loop load generator: `concurrency` workers, each sending one request at a time over a keep-alive
 * `http.Agent` and sending the next as soon as the answer has arrived. Latency is measured per request, from
 * `http.request()` to the last byte of the response.
 *
 * Requests are built (and signed) before a phase starts, so that during the phase the generator spends its CPU on
 * sockets only: on a 2-core machine every microsecond here is taken from the server under test.
 */
import { Agent, type OutgoingHttpHeaders, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: OutgoingHttpHeaders;
  body?: Buffer;
  /** The response body must contain this; else the request counts as a failure. */
  expect: string;
}

export interface LoadOptions {
  host: string;
  port: number;
  concurrency: number;
  durationMs: number;
  /** The pool to draw from; each request picks one at random. */
  requests: readonly LoadRequest[];
}

export interface LoadResult {
  concurrency: number;
  /** Requests answered within the measured window, failed or not. */
  completed: number;
  failures: number;
  /** Up to five failures, described. */
  failureSamples: string[];
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers slower than 1 s: past perf-reliability.md §7's ack budget (p99 < 1 s). */
  overOneSecond: number;
}

const MAX_FAILURE_SAMPLES = 5;

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  if (opts.requests.length === 0) throw new Error('runLoad needs at least one request');
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency, maxFreeSockets: opts.concurrency });
  try {
    return await phase(agent, opts);
  } finally {
    agent.destroy();
  }
}

async function phase(agent: Agent, opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const failureSamples: string[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + opts.durationMs;

  const worker = async () => {
    while (performance.now() < deadline) {
      const req = opts.requests[Math.floor(Math.random() * opts.requests.length)] as LoadRequest;
      const sent = performance.now();
      const outcome = await send(agent, opts, req);
      const elapsed = performance.now() - sent;
      latencies.push(elapsed);
      if (!outcome.ok) {
        failures++;
        if (failureSamples.length < MAX_FAILURE_SAMPLES) failureSamples.push(outcome.reason);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;

  const sorted = Float64Array.from(latencies).sort();
  return {
    concurrency: opts.concurrency,
    completed: sorted.length,
    failures,
    failureSamples,
    requestsPerSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    overOneSecond: sorted.length - firstAbove(sorted, 1000),
  };
}

/**
 * Sends every request once, `concurrency` at a time, or as many as fit in `budgetMs`: a check that every answer is
 * right, and a warm-up that touches the rows the measured phases may ask for.
 */
export async function sendEach(
  opts: Omit<LoadOptions, 'durationMs'> & { budgetMs: number },
): Promise<Omit<LoadResult, 'p50Ms' | 'p99Ms' | 'maxMs' | 'overOneSecond'>> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency, maxFreeSockets: opts.concurrency });
  const failureSamples: string[] = [];
  let failures = 0;
  let completed = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + opts.budgetMs;
  const worker = async () => {
    for (
      let req = opts.requests[next++];
      req !== undefined && performance.now() < deadline;
      req = opts.requests[next++]
    ) {
      const outcome = await send(agent, opts, req);
      completed++;
      if (!outcome.ok) {
        failures++;
        if (failureSamples.length < MAX_FAILURE_SAMPLES) failureSamples.push(outcome.reason);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  return { concurrency: opts.concurrency, completed, failures, failureSamples, requestsPerSecond: completed / seconds };
}

/** The index of the first value of ascending `sorted` above `limit`. */
function firstAbove(sorted: Float64Array, limit: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as number) <= limit) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

type Outcome = { ok: true } | { ok: false; reason: string };

function send(agent: Agent, opts: { host: string; port: number }, req: LoadRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    const outgoing = request(
      { host: opts.host, port: opts.port, method: req.method, path: req.path, headers: req.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            resolve({ ok: false, reason: `HTTP ${res.statusCode} for ${describe(req)}: ${body.slice(0, 200)}` });
          } else if (!body.includes(req.expect)) {
            resolve({
              ok: false,
              reason: `no "${req.expect}" in the answer to ${describe(req)}: ${body.slice(0, 300)}`,
            });
          } else {
            resolve({ ok: true });
          }
        });
        res.on('error', (error) => resolve({ ok: false, reason: `${error.message} reading ${describe(req)}` }));
      },
    );
    outgoing.on('error', (error) => resolve({ ok: false, reason: `${error.message} sending ${describe(req)}` }));
    outgoing.end(req.body);
  });
}

function describe(req: LoadRequest): string {
  const text = req.body ? new URLSearchParams(req.body.toString('utf8')).get('text') : null;
  return `${req.method} ${req.path}${text ? ` (text=${text})` : ''}`;
}
