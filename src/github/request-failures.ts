/** What a failed Octokit request means: its status, headers and message, and whether GitHub is unavailable. */
import { errorMessage, GitHubUnavailableError, UpstreamError } from '../core/errors.ts';
import { requestTriesOf } from './octokit.ts';

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export function responseHeaders(error: unknown): Record<string, unknown> | undefined {
  return (error as { response?: { headers?: Record<string, unknown> } } | null)?.response?.headers;
}

/**
 * What a failed request (after the client's own retries) means for the caller: GitHub unavailable (5xx, timeouts and
 * network errors, which Octokit reports as status 500, and rate limits) or a refusal to fix (401, 403, 422…). The
 * error keeps how many times GitHub was sent the request (`tries`, from `requestTriesOf`), and its message ends
 * `after N tries` when that was more than once, so no one reads one failure where GitHub saw several.
 */
export function failure(error: unknown, what: string): unknown {
  const status = statusOf(error);
  if (status === undefined) return error;
  const tries = requestTriesOf(error);
  const after = tries !== undefined && tries > 1 ? ` after ${tries} tries` : '';
  const options = { cause: error, ...(tries !== undefined ? { tries } : {}) };
  const message = error instanceof Error ? error.message : String(error);
  const headers = responseHeaders(error);
  const rateLimited =
    status === 429 ||
    (status === 403 && (headers?.['x-ratelimit-remaining'] === '0' || /secondary rate limit/i.test(message)));
  // Octokit reports a request that got no response at all (refused, reset, DNS, timeout) as status 500.
  if (status === 500 && !(error as { response?: unknown }).response) {
    return new GitHubUnavailableError(`GitHub could not be reached for ${what} (${message})${after}`, options);
  }
  if (status >= 500 || rateLimited) {
    return new GitHubUnavailableError(`GitHub did not answer ${what} (${status}: ${message})${after}`, options);
  }
  return new UpstreamError(`GitHub refused ${what} (${status}: ${message})${after}`, options);
}

/**
 * One line a person can act on for a GitHub failure that ended a command (`wayfinder catalog sync`): refused
 * credentials (401), no permission (403), a rate limit (403/429 with its reset time, UTC), GitHub unreachable or
 * failing (5xx). `credentials` names the settings to check (`GITHUB_TOKEN`, or the App's). Undefined when `error`
 * (or its causes) is no GitHub failure.
 */
export function explainGitHubFailure(
  error: unknown,
  opts: { credentials: string; apiUrl?: string },
): string | undefined {
  if (!(error instanceof UpstreamError || error instanceof GitHubUnavailableError)) return undefined;
  let request: unknown = error;
  while (request && statusOf(request) === undefined) request = (request as { cause?: unknown }).cause;
  const status = statusOf(request);
  const reason = (errorMessage(request ?? error).split(' - ')[0] ?? '').trim();
  const headers = responseHeaders(request);
  const where = opts.apiUrl ?? 'api.github.com';
  if (status === 401) {
    return `GitHub refused the credentials (401${reason ? `: ${reason}` : ''}); check ${opts.credentials}.`;
  }
  const remaining = headers?.['x-ratelimit-remaining'];
  if (status === 429 || (status === 403 && (remaining === '0' || /rate limit/i.test(reason)))) {
    const reset = Number(headers?.['x-ratelimit-reset']);
    const when =
      Number.isFinite(reset) && reset > 0 ? ` at ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC` : '';
    return `GitHub's rate limit is used up for these credentials; it resets${when || ' within the hour'}. Try again then.`;
  }
  if (status === 403) {
    return `GitHub refused access (403${reason ? `: ${reason}` : ''}); check that ${opts.credentials} may read the organisation and its repositories.`;
  }
  if (status === 404) {
    return `GitHub found nothing there (404); check GITHUB_ORG, and that ${opts.credentials} can see the organisation.`;
  }
  if (
    error instanceof GitHubUnavailableError &&
    (status === undefined || (status === 500 && !(request as { response?: unknown }).response))
  ) {
    return `GitHub could not be reached at ${where} (${reason || 'no answer'}); check the network and GITHUB_API_URL.`;
  }
  if (status !== undefined && status >= 500) {
    return `GitHub is failing (${status}); try again later.`;
  }
  return undefined;
}
