/**
 * Slack Web API calls that say which method failed and why. The Web API client logs a network failure only as
 * `http request failed fetch failed` and throws `A request error occurred: fetch failed`, naming neither the method
 * nor the cause (a refused connection, a DNS failure, a timeout); a platform error says `An API error occurred:
 * channel_not_found` without the method. `namingFetch` names the method and the cause of every network failure, for
 * every client made with it (ours, Bolt's, Socket Mode's); `callSlack` names the method of any failure of a call
 * Wayfinder makes, so the line it is logged with does.
 */
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { errorMessage, UpstreamError } from '../core/errors.ts';
import type { Logger } from '../logger.ts';
import { toSlackSdkLogger } from './sdk-logger.ts';

/**
 * `fetch` for the Web API client (its `fetch` option) that, when a request gets no answer, throws an error naming the
 * method (the last part of the URL: `chat.postMessage`) and the cause at the bottom of the error's chain, with its
 * code: `chat.postMessage could not reach Slack at http://127.0.0.1:9/api/: connect ECONNREFUSED 127.0.0.1:9
 * (ECONNREFUSED)`. The original error is its `cause`; answers (any HTTP status) pass through untouched.
 */
export function namingFetch(inner: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    try {
      return await inner(input, init);
    } catch (error) {
      const url = input instanceof Request ? input.url : String(input);
      const slash = url.lastIndexOf('/');
      const method = url.slice(slash + 1).split('?')[0] || url;
      throw new Error(`${method} could not reach Slack at ${url.slice(0, slash + 1)}: ${rootCause(error)}`, {
        cause: error,
      });
    }
  };
}

/** The innermost error of `error`'s `cause` chain in words, with its code: `connect ECONNREFUSED … (ECONNREFUSED)`. */
function rootCause(error: unknown): string {
  let at = error;
  while (at instanceof Error && at.cause !== undefined) at = at.cause;
  if (!(at instanceof Error)) return String(at);
  const code = (at as { code?: unknown }).code;
  const named = at.name === 'TimeoutError' ? `timed out (${at.message})` : at.message || at.name;
  return typeof code === 'string' && !named.includes(code) ? `${named} (${code})` : named;
}

/**
 * A failed Slack call: `Slack chat.postMessage failed: <why>`, the Web API's error as `cause` (so `isPlatformError`
 * still sees Slack's code). `method` is the Web API method; `why` says what Slack answered (`channel_not_found`), the
 * HTTP status, the rate limit, or why it could not be reached.
 */
export class SlackCallError extends UpstreamError {
  constructor(
    readonly method: string,
    cause: unknown,
  ) {
    super(`Slack ${method} failed: ${slackFailureReason(cause, method)}`, { cause });
  }
}

/** Runs `call`, a call of Slack's `method`, turning its failure into `SlackCallError` (which names the method). */
export async function callSlack<T>(method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new SlackCallError(method, error);
  }
}

/**
 * Why a Web API call of `method` failed, in words that leave the method to the sentence around them: the platform's
 * error code (`Slack answered channel_not_found`), the HTTP status, the rate limit, or why Slack could not be reached.
 */
export function slackFailureReason(error: unknown, method: string): string {
  const coded = error as {
    code?: unknown;
    data?: { error?: unknown };
    statusCode?: unknown;
    retryAfter?: unknown;
    original?: unknown;
  } | null;
  switch (coded?.code) {
    case 'slack_webapi_platform_error':
      return `Slack answered ${String(coded.data?.error ?? 'an error')}`;
    case 'slack_webapi_http_error':
      return `Slack answered HTTP ${String(coded.statusCode)}`;
    case 'slack_webapi_rate_limited_error':
      return `rate limited; retry after ${String(coded.retryAfter)} s`;
    case 'slack_webapi_request_error': {
      const why = coded.original instanceof Error ? coded.original.message : rootCause(error);
      // `namingFetch` named the method already.
      return why.startsWith(`${method} `) ? why.slice(method.length + 1) : why;
    }
    default:
      return errorMessage(error);
  }
}

/**
 * True when `error`, or an error on its `cause` chain (a `SlackCallError`'s), is Slack's platform error `code`
 * (`user_not_found`, `channel_not_found`, …).
 */
export function isPlatformError(error: unknown, code: string): boolean {
  for (let at = error; at !== undefined && at !== null; at = (at as { cause?: unknown }).cause) {
    const data = (at as { data?: { error?: unknown } }).data;
    if ((at as { code?: unknown }).code === 'slack_webapi_platform_error' && data?.error === code) return true;
    if (!(at instanceof Error)) break;
  }
  return false;
}

/**
 * The options of every Web API client Wayfinder makes for the bot token (Bolt's, the notifiers'): its lines in our
 * logs (`toSlackSdkLogger`), network failures naming the method (`namingFetch`), 10 s per request, and 5 retries over
 * about five minutes (`retryPolicies.fiveRetriesInFiveMinutes`, spelled out: Node's ESM loader does not see that
 * named export) instead of the client's default ten over half an hour, so a failure is logged while it still matters.
 */
export function slackClientOptions(opts: {
  /** SLACK_API_URL: the Web API's base URL, ending in `/api/`; Slack's when absent. */
  apiUrl?: string;
  logger: Logger;
}): WebClientOptions {
  return {
    ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
    logger: toSlackSdkLogger(opts.logger),
    fetch: namingFetch(),
    timeout: 10_000,
    retryConfig: { retries: 5, factor: 3.86 },
  };
}

/**
 * The Web API client for the bot token outside Bolt (the request and channel notifiers), with `slackClientOptions`;
 * `options` overrides any of them (tests: no retries).
 */
export function createSlackWebClient(opts: {
  token: string;
  /** SLACK_API_URL: the Web API's base URL, ending in `/api/`; Slack's when absent. */
  apiUrl?: string;
  logger: Logger;
  options?: WebClientOptions;
}): WebClient {
  return new WebClient(opts.token, { ...slackClientOptions(opts), ...opts.options });
}
