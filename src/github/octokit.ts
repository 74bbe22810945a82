/**
 * The one place an Octokit is made (STYLE.md rule 17): every GitHub call goes through a client with throttling
 * (waits out primary and secondary rate limits, a bounded number of times), retry (5xx and network errors, never
 * other 4xx), pagination, a per-request timeout and, for a GitHub App, installation tokens that are renewed before
 * they expire. The wiring calls `createOctokit` once and hands the client to `OctokitGitHubGateway`.
 */
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import type { Logger } from '../logger.ts';

/** How many times each failed request was sent, by the error it ended with (see `requestTriesOf`). */
const triesByError = new WeakMap<object, number>();

/**
 * Counts the sends of each request. A plugin's hooks wrap those of the plugins before it, so this one, first, runs
 * once per send, below the retry and throttling plugins; every send of one call gets the same request options, so
 * they are counted together, and the error a failed call ends with carries the count.
 */
function countTries(octokit: Octokit): void {
  const tries = new WeakMap<object, number>();
  octokit.hook.wrap('request', async (request, options) => {
    const count = (tries.get(options) ?? 0) + 1;
    tries.set(options, count);
    try {
      return await request(options);
    } catch (error) {
      if (typeof error === 'object' && error !== null) triesByError.set(error, count);
      throw error;
    }
  });
}

// Octokit.js's own order: retry wraps throttling, so a retried request is throttled again; countTries is below both.
const WayfinderOctokit = Octokit.plugin(countTries, paginateRest, retry, throttling);

export type GitHubClient = InstanceType<typeof WayfinderOctokit>;

export type GitHubAuth =
  | { token: string }
  | {
      appId: number | string;
      /** PEM, PKCS#1 or PKCS#8. */
      privateKey: string;
      installationId: number | string;
    };

export interface CreateOctokitOptions {
  auth: GitHubAuth;
  logger: Logger;
  /** REST API base URL without a trailing slash; https://api.github.com when absent. */
  apiUrl?: string;
  /** Each HTTP attempt is abandoned after this long, then retried like a 5xx (default 20 s). */
  timeoutMs?: number;
  /** Retries of a 5xx, a timeout or a network error (default 3). */
  retries?: number;
  /** The n-th retry waits n² × this (default 1 s: 1 s, 4 s, 9 s). */
  retryBaseDelayMs?: number;
  /** How often one request may wait out a rate limit before it fails (default 3). */
  rateLimitRetries?: number;
  /** A rate limit that asks for a longer wait than this fails the request instead (default 120 s). */
  maxRateLimitWaitSeconds?: number;
  /** A GitHub App installation token is renewed this long before its `expires_at` (default 5 minutes). */
  tokenRefreshMarginMs?: number;
  /**
   * Least time (ms) between two writes (POST, PATCH, PUT, DELETE; GraphQL too) of this client; writes that notify
   * people (a pull request) wait three times as long. Default: the throttling plugin's 1 s and 3 s, GitHub's guidance
   * against secondary rate limits. Tests against the fake GitHub set 0.
   */
  writeIntervalMs?: number;
}

let clients = 0;

/** HTTP requests each client made, counted at `fetch` (see `countRequestsSent`). */
const requestsSent = new WeakMap<object, { count: number }>();

/**
 * How many HTTP requests GitHub received from a client of `createOctokit`: counted at `fetch`, below the retry and
 * throttling plugins, so every attempt of a retried request counts, and so do installation token requests and
 * GraphQL. undefined for a client made elsewhere.
 */
export function countRequestsSent(client: object): number | undefined {
  return requestsSent.get(client)?.count;
}

/**
 * How many times GitHub was sent the request that failed with `error` (a client of `createOctokit`'s): 1, plus the
 * retry plugin's retries (5xx, timeouts, network errors) and the throttling plugin's rate-limit waits. Undefined for
 * an error that no request of such a client threw.
 */
export function requestTriesOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? triesByError.get(error) : undefined;
}

export function createOctokit(options: CreateOctokitOptions): GitHubClient {
  const { logger } = options;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const rateLimitRetries = options.rateLimitRetries ?? 3;
  const maxWait = options.maxRateLimitWaitSeconds ?? 120;
  clients += 1;

  // The throttling plugin's limiters are shared by every client with the same id; each client gets its own.
  const throttleId = `wayfinder-${clients}`;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const willRetry = retryCount < rateLimitRetries && retryAfter <= maxWait;
      logger.warn(
        `GitHub ${kind} on ${request.method} ${request.url}: ${
          willRetry
            ? `retrying in ${retryAfter} s (retry ${retryCount + 1} of ${rateLimitRetries})`
            : `giving up (asked to wait ${retryAfter} s, after ${retryCount} retries)`
        }`,
      );
      return willRetry;
    };

  const auth =
    'token' in options.auth
      ? { auth: options.auth.token }
      : {
          authStrategy: createAppAuth,
          auth: {
            appId: options.auth.appId,
            privateKey: options.auth.privateKey,
            installationId: options.auth.installationId,
            cache: createInstallationTokenCache(options.tokenRefreshMarginMs ?? 5 * 60_000),
          },
        };

  const sent = { count: 0 };
  const client = new WayfinderOctokit({
    ...auth,
    ...(options.apiUrl ? { baseUrl: options.apiUrl.replace(/\/+$/, '') } : {}),
    userAgent: 'wayfinder',
    log: {
      debug: (message: string) => logger.debug(message),
      info: (message: string) => logger.info(message),
      warn: (message: string) => logger.warn(message),
      error: (message: string) => logger.error(message),
    },
    request: { fetch: countingFetch(fetchWithTimeout(timeoutMs), sent) },
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: options.retryBaseDelayMs ?? 1_000,
      // 429 is the throttling plugin's; the rest of 4xx means the request itself is wrong.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      id: throttleId,
      ...(options.writeIntervalMs === undefined
        ? {}
        : {
            write: new Bottleneck.Group({
              id: `${throttleId}-write`,
              maxConcurrent: 1,
              minTime: options.writeIntervalMs,
            }),
            notifications: new Bottleneck.Group({
              id: `${throttleId}-notifications`,
              maxConcurrent: 1,
              minTime: 3 * options.writeIntervalMs,
            }),
          }),
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
    },
  });
  requestsSent.set(client, sent);
  return client;
}

function countingFetch(inner: typeof fetch, sent: { count: number }): typeof fetch {
  return (input, init) => {
    sent.count += 1;
    return inner(input, init);
  };
}

/**
 * `fetch` that gives up after `timeoutMs`. Octokit turns the timeout into a 500-status RequestError, which the retry
 * plugin retries and `OctokitGitHubGateway` reports as GitHub being unavailable.
 */
function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
}

/**
 * The token cache of @octokit/auth-app, which by default keeps a token 59 minutes whatever its `expires_at`. This one
 * reads `expires_at` (the third `|`-separated field of the cached value) and drops the token `marginMs` before it,
 * so a token with a shorter life (GitHub Enterprise, tests) is renewed in time too. One App installation per client,
 * so the map stays small.
 */
function createInstallationTokenCache(marginMs: number) {
  const entries = new Map<string, string>();
  return {
    get(key: string): string {
      const value = entries.get(key);
      const expiresAt = Date.parse(value?.split('|')[2] ?? '');
      if (value === undefined || !(expiresAt - Date.now() > marginMs)) {
        entries.delete(key);
        // auth-app treats any falsy value as a miss.
        return '';
      }
      return value;
    },
    set(key: string, value: string): void {
      entries.set(key, value);
    },
  };
}
