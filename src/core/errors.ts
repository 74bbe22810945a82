/**
 * The small error vocabulary of Wayfinder. Each error has a stable `code` for logs and keeps its `cause`.
 * Adapters turn these into messages a person can act on; anything else is a bug and reaches one error handler.
 */
export abstract class WayfinderError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The input (command text, descriptor, setting) is wrong; the message says which part and what was expected. */
export class InputError extends WayfinderError {
  readonly code = 'INPUT';
}

/** Something named does not exist. */
export class NotFoundError extends WayfinderError {
  readonly code = 'NOT_FOUND';
}

/** The request conflicts with what is stored (a duplicate, a concurrent change). */
export class ConflictError extends WayfinderError {
  readonly code = 'CONFLICT';
}

/** The person asking may not do this; decided in code from catalog ownership. */
export class NotAllowedError extends WayfinderError {
  readonly code = 'NOT_ALLOWED';
}

/** What an error about a call to another system keeps: its cause, and how many times the call was sent. */
export interface UpstreamErrorOptions {
  cause?: unknown;
  /** Sends of the failing call, the client's own retries included (1 when it was not retried). */
  tries?: number;
}

/** A system Wayfinder depends on (Slack, GitHub, the database) failed. */
export class UpstreamError extends WayfinderError {
  readonly code = 'UPSTREAM';
  /** How many times the failing call was sent (`UpstreamErrorOptions.tries`); undefined when not known. */
  readonly tries: number | undefined;

  constructor(message: string, options?: UpstreamErrorOptions) {
    super(message, options);
    this.tries = options?.tries;
  }
}

/**
 * GitHub kept failing after the client's retries: 5xx answers, timeouts, or a rate limit that will not reset within
 * the wait Wayfinder allows. Temporary by nature: a sync leaves what the failed call covers (a repository's entities,
 * the teams) as it was and tries again on its next run.
 */
export class GitHubUnavailableError extends WayfinderError {
  readonly code = 'GITHUB_UNAVAILABLE';
  /** How many times the failing call was sent (`UpstreamErrorOptions.tries`); undefined when not known. */
  readonly tries: number | undefined;

  constructor(message: string, options?: UpstreamErrorOptions) {
    super(message, options);
    this.tries = options?.tries;
  }
}

export function isWayfinderError(error: unknown): error is WayfinderError {
  return error instanceof WayfinderError;
}

/** A platform refused a call for its rate limit (Slack's 429): try again after `retryAfterMs`. */
export class RateLimitedError extends WayfinderError {
  readonly code = 'RATE_LIMITED';

  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What `error` says, for a sentence or a log line's text: an Error's message, anything else as a string. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
