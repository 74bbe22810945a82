/**
 * GitHub's GraphQL API, for what REST does not tell: organisation-verified emails and teams' direct members. Queries
 * go through the same client, so `octokit.graphql` posts to `{baseUrl}/graphql`, or `…/api/graphql` for a GitHub
 * Enterprise Server base ending in `/api/v3`. GraphQL has no ETags: answers are cached with the time GitHub was asked
 * (the shapes below), and the gateway decides when to ask again.
 */
import type { Octokit } from '@octokit/core';
import type { z } from 'zod';
import { errorMessage, GitHubUnavailableError, UpstreamError } from '../core/errors.ts';
import type { GitHubRequestStats } from '../core/ports/github-gateway.ts';
import { failure, statusOf } from './request-failures.ts';

export const VERIFIED_EMAILS_QUERY = `query ($login: String!, $org: String!) {
  user(login: $login) { organizationVerifiedDomainEmails(login: $org) }
}`;

export const MEMBERS_VERIFIED_EMAILS_QUERY = `query ($org: String!, $after: String) {
  organization(login: $org) {
    membersWithRole(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { login organizationVerifiedDomainEmails(login: $org) }
    }
  }
}`;

/**
 * Every team's direct members, as Backstage's GitHub provider reads them (`membership: IMMEDIATE`: not those who are
 * only in a child team). `%PAGE%` is the page size, at most 100 (GraphQL's limit).
 */
export const TEAMS_IMMEDIATE_MEMBERS_QUERY = `query ($org: String!, $after: String) {
  organization(login: $org) {
    teams(first: %PAGE%, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        slug
        members(first: %PAGE%, membership: IMMEDIATE) { pageInfo { hasNextPage endCursor } nodes { login } }
      }
    }
  }
}`;

/** The rest of one team's direct members, past the first page the organisation-wide query gave. */
export const TEAM_IMMEDIATE_MEMBERS_QUERY = `query ($org: String!, $slug: String!, $after: String) {
  organization(login: $org) {
    team(slug: $slug) {
      members(first: %PAGE%, after: $after, membership: IMMEDIATE) { pageInfo { hasNextPage endCursor } nodes { login } }
    }
  }
}`;

/** The teams' direct members by slug, as one dated answer (GraphQL has no ETags). */
export interface ImmediateMembersAnswer {
  members: Record<string, string[]>;
  /** ISO timestamp of when GitHub was asked. */
  askedAt: string;
}

/** What `#graphql` answers when GitHub refuses the query for lack of permission. */
export const REFUSED = Symbol('refused');

/** GraphQL error types that mean the credentials may not read verified emails, which asking again will not change. */
const REFUSED_TYPES = new Set(['FORBIDDEN', 'INSUFFICIENT_SCOPES']);

/** A dated GraphQL answer, kept in the `ConditionalCache` under its own key. */
export interface VerifiedEmailsAnswer {
  emails: string[];
  /** ISO timestamp of when GitHub was asked. */
  askedAt: string;
}

/** Every member's verified emails by lowercase login, as one dated answer. */
export interface MembersVerifiedEmails {
  emails: Record<string, string[]>;
  askedAt: string;
}

/** Sends GraphQL queries and remembers whether GitHub refused one for lack of permission. */
export class GitHubGraphQL {
  readonly #octokit: Pick<Octokit, 'graphql' | 'log'>;
  /** Shared with the gateway, which reports it. */
  readonly #stats: GitHubRequestStats;
  #refused = false;

  constructor(options: { octokit: Pick<Octokit, 'graphql' | 'log'>; stats: GitHubRequestStats }) {
    this.#octokit = options.octokit;
    this.#stats = options.stats;
  }

  /** Set when GitHub refused the verified-email query: not asked again by this gateway. */
  get refused(): boolean {
    return this.#refused;
  }

  /**
   * One GraphQL request, counted in the stats (its rate limit, a separate budget in points, is not tracked). `REFUSED`
   * when the credentials may not read what it asks, after which `refused` is true and the caller asks no more; the partial data when
   * all it says is that something was not found; GitHub unavailable and other refusals throw as for REST.
   */
  async request(
    query: string,
    variables: Record<string, unknown>,
    what: string,
    opts: { refusable: boolean } = { refusable: true },
  ): Promise<unknown> {
    this.#stats.requests += 1;
    try {
      return await this.#octokit.graphql<unknown>(query, variables);
    } catch (error) {
      const errors = graphqlErrors(error);
      if (errors.some((problem) => problem.type === 'RATE_LIMITED')) {
        throw new GitHubUnavailableError(`GitHub did not answer ${what} (rate limited)`, { cause: error });
      }
      const status = statusOf(error);
      const unavailable = status !== undefined && failure(error, what) instanceof GitHubUnavailableError;
      const refused =
        errors.some((problem) => REFUSED_TYPES.has(problem.type ?? '')) || (status === 403 && !unavailable);
      if (refused && !opts.refusable) {
        const reason = errors.map((problem) => `${problem.type ?? 'ERROR'}: ${problem.message ?? ''}`).join('; ');
        throw new UpstreamError(
          `GitHub refused ${what} (${reason || `${status}: ${errorMessage(error)}`}); give the token read:org, or the GitHub App the organisation permission Members: read`,
          { cause: error },
        );
      }
      if (refused) {
        if (!this.#refused) {
          this.#refused = true;
          const reason = errors.map((problem) => `${problem.type ?? 'ERROR'}: ${problem.message ?? ''}`).join('; ');
          this.#octokit.log.warn(
            `GitHub refused ${what} (${reason || `${status}: ${errorMessage(error)}`}); using public profile emails from now on. Give the token read:org, or the GitHub App the organisation permission Members: read.`,
          );
        }
        return REFUSED;
      }
      if (errors.length > 0 && errors.every((problem) => problem.type === 'NOT_FOUND')) {
        return (error as { data?: unknown }).data ?? {};
      }
      if (status !== undefined) throw failure(error, what);
      throw new UpstreamError(`GitHub refused ${what} (${errorMessage(error)})`, { cause: error });
    }
  }
}

export function asVerifiedEmailsAnswer(body: unknown): VerifiedEmailsAnswer | undefined {
  const answer = body as Partial<VerifiedEmailsAnswer> | null | undefined;
  if (typeof answer !== 'object' || answer === null) return undefined;
  if (!Array.isArray(answer.emails) || typeof answer.askedAt !== 'string') return undefined;
  return {
    emails: answer.emails.filter((email): email is string => typeof email === 'string'),
    askedAt: answer.askedAt,
  };
}

/** `data` checked against `schema`; an answer of another shape is GitHub's fault (`UpstreamError`). */
export function parseAnswer<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'data'} ${issue.message}`).join('; ');
  throw new UpstreamError(`GitHub answered ${what} with unexpected data: ${problems}`);
}

export function asImmediateMembersAnswer(body: unknown): ImmediateMembersAnswer | undefined {
  const answer = body as Partial<ImmediateMembersAnswer> | null | undefined;
  if (typeof answer !== 'object' || answer === null) return undefined;
  if (typeof answer.members !== 'object' || answer.members === null || typeof answer.askedAt !== 'string') {
    return undefined;
  }
  return { members: answer.members, askedAt: answer.askedAt };
}

export function asMembersVerifiedEmails(body: unknown): MembersVerifiedEmails | undefined {
  const answer = body as Partial<MembersVerifiedEmails> | null | undefined;
  if (typeof answer !== 'object' || answer === null) return undefined;
  if (typeof answer.emails !== 'object' || answer.emails === null || typeof answer.askedAt !== 'string')
    return undefined;
  return { emails: answer.emails, askedAt: answer.askedAt };
}

/** The `errors` of a GraphQL answer: of a `GraphqlResponseError` (HTTP 200) or in the body of an HTTP error. */
function graphqlErrors(error: unknown): Array<{ type?: string; message?: string }> {
  const candidate = error as { errors?: unknown; response?: { data?: { errors?: unknown } } } | null;
  const errors = candidate?.errors ?? candidate?.response?.data?.errors;
  return Array.isArray(errors) ? errors.filter((problem) => typeof problem === 'object' && problem !== null) : [];
}
