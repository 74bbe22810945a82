/** What a failed Octokit request means: its status, headers and message, and whether GitHub is unavailable. */
import { GitHubUnavailableError, UpstreamError } from '../core/errors.ts';

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export function responseHeaders(error: unknown): Record<string, unknown> | undefined {
  return (error as { response?: { headers?: Record<string, unknown> } } | null)?.response?.headers;
}

/**
 * What a failed request (after the client's own retries) means for the caller: GitHub unavailable (5xx, timeouts and
 * network errors, which Octokit reports as status 500, and rate limits) or a refusal to fix (401, 403, 422…).
 */
export function failure(error: unknown, what: string): unknown {
  const status = statusOf(error);
  if (status === undefined) return error;
  const message = error instanceof Error ? error.message : String(error);
  const headers = responseHeaders(error);
  const rateLimited =
    status === 429 ||
    (status === 403 && (headers?.['x-ratelimit-remaining'] === '0' || /secondary rate limit/i.test(message)));
  // Octokit reports a request that got no response at all (refused, reset, DNS, timeout) as status 500.
  if (status === 500 && !(error as { response?: unknown }).response) {
    return new GitHubUnavailableError(`GitHub could not be reached for ${what} (${message})`, { cause: error });
  }
  if (status >= 500 || rateLimited) {
    return new GitHubUnavailableError(`GitHub did not answer ${what} (${status}: ${message})`, { cause: error });
  }
  return new UpstreamError(`GitHub refused ${what} (${status}: ${message})`, { cause: error });
}
