/**
 * `GitHubGateway` over GitHub's REST API through the client of `createOctokit`, with conditional requests.
 *
 * Every GET sends the ETag of its last 200 from the `ConditionalCache` as `If-None-Match`. GitHub answers 304 (which
 * costs no rate limit) when nothing changed, and the cached value is returned with `changed: false`. What is cached
 * is the mapped value (not GitHub's full JSON) plus, for a page of a list, the `Link rel="next"` it had, so a list
 * whose pages are all unchanged is re-read entirely from 304s.
 *
 * A user's organisation-verified email comes from GraphQL (REST has no field for it), through the same client, so
 * `octokit.graphql` posts to `{baseUrl}/graphql`, or `…/api/graphql` for a GitHub Enterprise Server base ending in
 * `/api/v3`. GraphQL answers cannot be conditional; see `#verifiedEmails` for when it is asked.
 */
import type { Octokit } from '@octokit/core';
import { z } from 'zod';
import { GitHubUnavailableError, InputError, NotFoundError, UpstreamError } from '../core/errors.ts';
import type { ConditionalCache } from '../core/ports/conditional-cache.ts';
import type {
  Conditional,
  GitHubFile,
  GitHubGateway,
  GitHubRepository,
  GitHubRequestStats,
  GitHubTeam,
  GitHubUser,
} from '../core/ports/github-gateway.ts';
import { countRequestsSent } from './octokit.ts';

/** Part of every cache key; bump it when what is cached for a URL changes shape. */
const CACHE_FORMAT = 'v2';

export interface OctokitGitHubGatewayOptions {
  /** The client of `createOctokit`; its `request`, `graphql` (verified emails) and `log` (one warning) are used. */
  octokit: Pick<Octokit, 'request' | 'graphql' | 'log'>;
  cache: ConditionalCache;
  /** Items per page of a list (default 100, GitHub's largest). */
  pageSize?: number;
  /** The clock that dates cached GraphQL answers (default: the system's). */
  now?: () => Date;
}

/** How long a user's organisation-verified emails are trusted before GraphQL is asked again. */
const VERIFIED_EMAILS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const VERIFIED_EMAILS_QUERY = `query ($login: String!, $org: String!) {
  user(login: $login) { organizationVerifiedDomainEmails(login: $org) }
}`;

const MEMBERS_VERIFIED_EMAILS_QUERY = `query ($org: String!, $after: String) {
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
const TEAMS_IMMEDIATE_MEMBERS_QUERY = `query ($org: String!, $after: String) {
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
const TEAM_IMMEDIATE_MEMBERS_QUERY = `query ($org: String!, $slug: String!, $after: String) {
  organization(login: $org) {
    team(slug: $slug) {
      members(first: %PAGE%, after: $after, membership: IMMEDIATE) { pageInfo { hasNextPage endCursor } nodes { login } }
    }
  }
}`;

/** How long the teams' direct members from GraphQL are trusted when GitHub's REST lists say nothing changed. */
const IMMEDIATE_MEMBERS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** The teams' direct members by slug, as one dated answer (GraphQL has no ETags). */
interface ImmediateMembersAnswer {
  members: Record<string, string[]>;
  /** ISO timestamp of when GitHub was asked. */
  askedAt: string;
}

/** What `#graphql` answers when GitHub refuses the query for lack of permission. */
const REFUSED = Symbol('refused');

/** GraphQL error types that mean the credentials may not read verified emails, which asking again will not change. */
const REFUSED_TYPES = new Set(['FORBIDDEN', 'INSUFFICIENT_SCOPES']);

/** A dated GraphQL answer, kept in the `ConditionalCache` under its own key. */
interface VerifiedEmailsAnswer {
  emails: string[];
  /** ISO timestamp of when GitHub was asked. */
  askedAt: string;
}

/** Every member's verified emails by lowercase login, as one dated answer. */
interface MembersVerifiedEmails {
  emails: Record<string, string[]>;
  askedAt: string;
}

/** One response's value, with the next page's URL when it is a page of a list. */
interface CachedPage<T> {
  data: T;
  next: string | null;
  /** The list's last page, which GitHub links from every page but the last. */
  last: string | null;
}

export class OctokitGitHubGateway implements GitHubGateway {
  readonly #octokit: Pick<Octokit, 'request' | 'graphql' | 'log'>;
  readonly #cache: ConditionalCache;
  readonly #baseUrl: string;
  readonly #pageSize: number;
  readonly #now: () => Date;
  /** Set when GitHub refused the verified-email query: not asked again by this gateway. */
  #verifiedEmailsRefused = false;
  /** Per organisation (lowercase): its members' verified emails, read or being read. */
  readonly #membersEmails = new Map<string, Promise<MembersVerifiedEmails | undefined>>();
  readonly #stats: GitHubRequestStats = { requests: 0, notModified: 0, rateLimitRemaining: null, rateLimitReset: null };

  constructor(options: OctokitGitHubGatewayOptions) {
    this.#octokit = options.octokit;
    this.#cache = options.cache;
    this.#pageSize = options.pageSize ?? 100;
    this.#now = options.now ?? (() => new Date());
    this.#baseUrl = options.octokit.request.endpoint.DEFAULTS.baseUrl.replace(/\/+$/, '');
  }

  listRepositories(opts: { org: string }): Promise<Conditional<GitHubRepository[]>> {
    return this.#list({
      // Oldest first, so a new repository lands on the last page and leaves the others (and their ETags) unchanged.
      url: `/orgs/${segment(opts.org)}/repos?type=all&sort=created&direction=asc&per_page=${this.#pageSize}`,
      parse: (data) => z.array(RepositorySchema).parse(data).map(toRepository),
      notFound: () => new NotFoundError(`GitHub has no organisation ${opts.org} (or the credentials cannot see it)`),
    });
  }

  async getRepository(opts: { fullName: string }): Promise<GitHubRepository | undefined> {
    const { owner, name } = splitFullName(opts.fullName);
    const result = await this.#get({
      url: `/repos/${segment(owner)}/${segment(name)}`,
      parse: (data) => toRepository(RepositorySchema.parse(data)),
    });
    return result?.page.data;
  }

  async readFile(opts: {
    repo: string;
    path: string;
    ref: string;
  }): Promise<Conditional<GitHubFile> | { missing: true }> {
    const { owner, name } = splitFullName(opts.repo);
    const path = opts.path.replace(/^\/+/, '');
    const result = await this.#get({
      url: `/repos/${segment(owner)}/${segment(name)}/contents/${path.split('/').map(segment).join('/')}?ref=${segment(opts.ref)}`,
      parse: (data): GitHubFile | null => {
        // A directory answers with an array, a symlink or submodule with another type: not a file to read.
        if (Array.isArray(data)) return null;
        const file = ContentSchema.parse(data);
        if (file.type !== 'file') return null;
        if (file.encoding !== 'base64') {
          throw new InputError(
            `${opts.repo}/${path} at ${opts.ref} is larger than the 1 MB GitHub's contents API returns; expected a smaller descriptor file`,
          );
        }
        return {
          repo: opts.repo,
          path,
          ref: opts.ref,
          text: Buffer.from(file.content, 'base64').toString('utf8'),
          sha: file.sha,
          htmlUrl: file.html_url,
        };
      },
    });
    if (!result?.page.data) return { missing: true };
    return { value: result.page.data, changed: result.changed };
  }

  listTeams(opts: { org: string }): Promise<Conditional<GitHubTeam[]>> {
    return this.#list({
      url: `/orgs/${segment(opts.org)}/teams?per_page=${this.#pageSize}`,
      parse: (data) => z.array(TeamSchema).parse(data).map(toTeam),
      notFound: () => new NotFoundError(`GitHub has no organisation ${opts.org} (or the credentials cannot see it)`),
    });
  }

  listTeamMembers(opts: { org: string; teamSlug: string }): Promise<Conditional<string[]>> {
    return this.#list({
      url: `/orgs/${segment(opts.org)}/teams/${segment(opts.teamSlug)}/members?per_page=${this.#pageSize}`,
      parse: (data) =>
        z
          .array(MemberSchema)
          .parse(data)
          .map((member) => member.login),
      notFound: () => new NotFoundError(`GitHub has no team ${opts.teamSlug} in ${opts.org}`),
    });
  }

  /**
   * GraphQL has no ETags, so the answer is kept in the `ConditionalCache` with the time GitHub was asked, and stands
   * while `reread` is false and it is less than a day old: an unchanged organisation costs no GraphQL. The caller
   * asks for a re-read when GitHub's REST lists changed. A change no REST list shows (someone who is in a child team
   * made a direct member of its parent too, or the reverse) therefore shows within a day.
   */
  async listImmediateTeamMembers(opts: {
    org: string;
    reread: boolean;
  }): Promise<Conditional<Record<string, string[]>>> {
    const key = `${CACHE_FORMAT} GRAPHQL teams.members(IMMEDIATE) ${this.#baseUrl} ${opts.org.toLowerCase()}`;
    const cached = asImmediateMembersAnswer((await this.#cache.get({ key }))?.body);
    const age = cached ? this.#now().getTime() - Date.parse(cached.askedAt) : Number.POSITIVE_INFINITY;
    if (cached && !opts.reread && age >= 0 && age < IMMEDIATE_MEMBERS_MAX_AGE_MS) {
      return { value: cached.members, changed: false };
    }
    const answer: ImmediateMembersAnswer = { members: {}, askedAt: this.#now().toISOString() };
    const page = String(Math.min(this.#pageSize, 100));
    const what = `the GraphQL query for the direct members of ${opts.org}'s teams`;
    let after: string | null = null;
    do {
      const data = await this.#graphql(
        TEAMS_IMMEDIATE_MEMBERS_QUERY.replaceAll('%PAGE%', page),
        { org: opts.org, after },
        what,
        { refusable: false },
      );
      const organization = parseAnswer(
        TeamsImmediateMembersSchema,
        data,
        'the teams query for direct members',
      ).organization;
      if (!organization)
        throw new NotFoundError(`GitHub has no organisation ${opts.org} (or the credentials cannot see it)`);
      for (const team of organization.teams.nodes ?? []) {
        if (!team) continue;
        const logins = (team.members.nodes ?? []).flatMap((member) => (member ? [member.login] : []));
        let more = team.members.pageInfo.hasNextPage ? (team.members.pageInfo.endCursor ?? null) : null;
        while (more !== null) {
          const rest = parseAnswer(
            TeamImmediateMembersSchema,
            await this.#graphql(
              TEAM_IMMEDIATE_MEMBERS_QUERY.replaceAll('%PAGE%', page),
              { org: opts.org, slug: team.slug, after: more },
              what,
              { refusable: false },
            ),
            'the team query for direct members',
          ).organization?.team?.members;
          logins.push(...(rest?.nodes ?? []).flatMap((member) => (member ? [member.login] : [])));
          more = rest?.pageInfo.hasNextPage ? (rest.pageInfo.endCursor ?? null) : null;
        }
        answer.members[team.slug] = logins;
      }
      after = organization.teams.pageInfo.hasNextPage ? (organization.teams.pageInfo.endCursor ?? null) : null;
    } while (after !== null);
    await this.#cache.set({ key, etag: '', body: answer });
    return { value: answer.members, changed: JSON.stringify(cached?.members) !== JSON.stringify(answer.members) };
  }

  async getUser(opts: { login: string; org?: string }): Promise<Conditional<GitHubUser> | undefined> {
    const result = await this.#get({
      url: `/users/${segment(opts.login)}`,
      parse: (data) => toUser(UserSchema.parse(data)),
    });
    if (!result) return undefined;
    const user = result.page.data;
    if (opts.org === undefined) return { value: user, changed: result.changed };
    const verified = await this.#verifiedEmails({ login: user.login, org: opts.org, profileChanged: result.changed });
    return {
      value: { ...user, email: verified.emails[0] ?? user.email },
      changed: result.changed || verified.changed,
    };
  }

  stats(): GitHubRequestStats {
    // The client's own count includes retries; a client made elsewhere has only the gateway's.
    return { ...this.#stats, requests: countRequestsSent(this.#octokit) ?? this.#stats.requests };
  }

  /**
   * The user's organisation-verified emails, from GraphQL or from its last answer in the cache.
   *
   * GraphQL has no ETags, and the client's throttling sends GraphQL one request a second (as it does writes), so one
   * query per user would cost a rate-limited request per user per sync and a second per user in wall time. Instead:
   * - each user's answer is cached under its own key with the time GitHub was asked, and stands while it is less
   *   than a day old and the REST profile is unchanged (a 304), so an unchanged re-sync sends no GraphQL at all;
   * - otherwise (first read, changed profile, answer a day old) the emails come from one organisation-wide listing of
   *   members (100 a request), itself cached a day and read once for all the users that need it;
   * - a user missing from that listing (joined since it was read) is asked about alone.
   * A newly verified email therefore shows within a day. When GitHub refuses the query (no organisation members
   * read access), it is not asked again by this gateway and the public email stands.
   * `changed` says whether the emails differ from the user's cached answer.
   */
  async #verifiedEmails(opts: {
    login: string;
    org: string;
    profileChanged: boolean;
  }): Promise<{ emails: string[]; changed: boolean }> {
    const key = `${CACHE_FORMAT} GRAPHQL organizationVerifiedDomainEmails ${this.#baseUrl} ${opts.org.toLowerCase()} ${opts.login.toLowerCase()}`;
    const cached = asVerifiedEmailsAnswer((await this.#cache.get({ key }))?.body);
    if (cached && this.#isFresh(cached.askedAt) && !opts.profileChanged)
      return { emails: cached.emails, changed: false };
    if (this.#verifiedEmailsRefused) return { emails: [], changed: false };
    const members = await this.#membersVerifiedEmails(opts.org);
    let answer: VerifiedEmailsAnswer | undefined;
    const listed = members?.emails[opts.login.toLowerCase()];
    if (listed) {
      answer = { emails: listed, askedAt: members.askedAt };
    } else if (members) {
      const askedAt = this.#now().toISOString();
      const emails = await this.#askVerifiedEmails(opts);
      answer = emails && { emails, askedAt };
    }
    if (!answer) return { emails: [], changed: false };
    // GraphQL answers carry no ETag; the entry is a dated answer, not a conditional one.
    await this.#cache.set({ key, etag: '', body: answer });
    return { emails: answer.emails, changed: cached?.emails.join('\n') !== answer.emails.join('\n') };
  }

  /** The organisation's members' verified emails, read once for concurrent callers and re-read when a day old. */
  async #membersVerifiedEmails(org: string): Promise<MembersVerifiedEmails | undefined> {
    const id = org.toLowerCase();
    for (;;) {
      const pending = this.#membersEmails.get(id);
      if (!pending) break;
      const answer = await pending;
      if (answer === undefined || this.#isFresh(answer.askedAt)) return answer;
      if (this.#membersEmails.get(id) === pending) this.#membersEmails.delete(id);
    }
    const started = this.#readMembersVerifiedEmails(org);
    this.#membersEmails.set(id, started);
    // A failed read is not remembered: the next caller tries again.
    started.catch(() => {
      if (this.#membersEmails.get(id) === started) this.#membersEmails.delete(id);
    });
    return started;
  }

  async #readMembersVerifiedEmails(org: string): Promise<MembersVerifiedEmails | undefined> {
    const key = `${CACHE_FORMAT} GRAPHQL membersWithRole.organizationVerifiedDomainEmails ${this.#baseUrl} ${org.toLowerCase()}`;
    const cached = asMembersVerifiedEmails((await this.#cache.get({ key }))?.body);
    if (cached && this.#isFresh(cached.askedAt)) return cached;
    const answer: MembersVerifiedEmails = { emails: {}, askedAt: this.#now().toISOString() };
    let after: string | null = null;
    do {
      const data = await this.#graphql(
        MEMBERS_VERIFIED_EMAILS_QUERY,
        { org, after },
        `the GraphQL query for the organisation-verified emails of ${org}'s members`,
      );
      if (data === REFUSED) return undefined;
      const members = parseAnswer(MembersVerifiedEmailsSchema, data, 'the members query for verified emails')
        .organization?.membersWithRole;
      for (const member of members?.nodes ?? []) {
        if (member) answer.emails[member.login.toLowerCase()] = member.organizationVerifiedDomainEmails ?? [];
      }
      after = members?.pageInfo.hasNextPage ? (members.pageInfo.endCursor ?? null) : null;
    } while (after !== null);
    await this.#cache.set({ key, etag: '', body: answer });
    return answer;
  }

  /** One user's verified emails; undefined when GitHub refuses the query. */
  async #askVerifiedEmails(opts: { login: string; org: string }): Promise<string[] | undefined> {
    const data = await this.#graphql(
      VERIFIED_EMAILS_QUERY,
      { login: opts.login, org: opts.org },
      `the GraphQL query for ${opts.login}'s organisation-verified emails in ${opts.org}`,
    );
    if (data === REFUSED) return undefined;
    return (
      parseAnswer(VerifiedEmailsSchema, data, 'the user query for verified emails').user
        ?.organizationVerifiedDomainEmails ?? []
    );
  }

  /**
   * One GraphQL request, counted in the stats (its rate limit, a separate budget in points, is not tracked). `REFUSED`
   * when the credentials may not read what it asks, after which this gateway asks no more; the partial data when
   * all it says is that something was not found; GitHub unavailable and other refusals throw as for REST.
   */
  async #graphql(
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
        if (!this.#verifiedEmailsRefused) {
          this.#verifiedEmailsRefused = true;
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

  #isFresh(askedAt: string): boolean {
    const age = this.#now().getTime() - Date.parse(askedAt);
    return age >= 0 && age < VERIFIED_EMAILS_MAX_AGE_MS;
  }

  /**
   * Follows `Link rel="next"` from the first page. A 304 page carries no fresh Link, so its cached one is used; when
   * that cached page was the last and full, one more page is asked for, because a repository added at the end leaves
   * the earlier pages (and their ETags) unchanged.
   */
  async #list<T>(opts: {
    url: string;
    parse: (data: unknown) => T[];
    notFound: () => Error;
  }): Promise<Conditional<T[]>> {
    const value: T[] = [];
    let changed = false;
    const visited = new Set<string>();
    let probing = false;
    /** Takes one page's items in order; answers the URL to read after it, if any. */
    const take = (url: string, result: { page: CachedPage<T[]>; changed: boolean } | undefined): string | null => {
      if (!result) throw opts.notFound();
      visited.add(url);
      value.push(...result.page.data);
      // An empty page past the end, asked for only to be sure, changes nothing.
      changed ||= result.changed && !(probing && result.page.data.length === 0);
      probing = result.page.next === null && !result.changed;
      return result.page.next ?? (probing ? pageAfterFull(url, result) : null);
    };

    const firstUrl = this.#absolute(opts.url);
    const first = await this.#get({ url: firstUrl, parse: opts.parse });
    let url = take(firstUrl, first);
    // The first page links to the last one: the pages in between are read together, not one after another.
    const between = pagesBetween(first?.page.next ?? null, first?.page.last ?? null);
    if (between.length > 1) {
      const pages = await Promise.all(between.map((pageUrl) => this.#get({ url: pageUrl, parse: opts.parse })));
      between.forEach((pageUrl, index) => {
        url = take(pageUrl, pages[index]);
      });
    }
    // Then on from the last page read, for pages added since (or when GitHub gave no last link).
    while (url !== null && !visited.has(url)) {
      const next: string = url;
      url = take(next, await this.#get({ url: next, parse: opts.parse }));
    }
    return { value, changed };
  }

  /** A conditional GET; undefined on 404. */
  async #get<T>(opts: {
    url: string;
    parse: (data: unknown) => T;
  }): Promise<{ page: CachedPage<T>; changed: boolean } | undefined> {
    const url = this.#absolute(opts.url);
    const key = `${CACHE_FORMAT} GET ${url}`;
    const cached = asCachedPage<T>(await this.#cache.get({ key }));
    this.#stats.requests += 1;
    let response: { data: unknown; headers: Record<string, string | number | undefined> };
    try {
      response = await this.#octokit.request(`GET ${url}`, {
        headers: cached ? { 'if-none-match': cached.etag } : {},
      });
    } catch (error) {
      this.#observe(responseHeaders(error));
      const status = statusOf(error);
      if (status === 304 && cached) {
        this.#stats.notModified += 1;
        return { page: cached.page, changed: false };
      }
      if (status === 404) return undefined;
      throw failure(error, `GET ${url.slice(this.#baseUrl.length) || url}`);
    }
    this.#observe(response.headers);
    let page: CachedPage<T>;
    try {
      page = {
        data: opts.parse(response.data),
        next: linkTo('next', response.headers.link),
        last: linkTo('last', response.headers.link),
      };
    } catch (error) {
      if (!(error instanceof z.ZodError)) throw error;
      const problems = error.issues.map((issue) => `${issue.path.join('.') || 'body'} ${issue.message}`).join('; ');
      throw new UpstreamError(`GitHub answered GET ${url} with an unexpected body: ${problems}`, { cause: error });
    }
    const etag = response.headers.etag;
    if (typeof etag === 'string' && etag !== '') await this.#cache.set({ key, etag, body: page });
    return { page, changed: true };
  }

  #absolute(url: string): string {
    return /^https?:\/\//.test(url) ? url : `${this.#baseUrl}${url}`;
  }

  #observe(headers: Record<string, unknown> | undefined): void {
    const remaining = Number(headers?.['x-ratelimit-remaining']);
    const reset = Number(headers?.['x-ratelimit-reset']);
    if (headers?.['x-ratelimit-remaining'] !== undefined && Number.isFinite(remaining)) {
      this.#stats.rateLimitRemaining = remaining;
    }
    if (headers?.['x-ratelimit-reset'] !== undefined && Number.isFinite(reset)) {
      this.#stats.rateLimitReset = new Date(reset * 1000);
    }
  }
}

const VerifiedEmailsSchema = z.object({
  user: z.object({ organizationVerifiedDomainEmails: z.array(z.string()).nullish() }).nullish(),
});

const MembersVerifiedEmailsSchema = z.object({
  organization: z
    .object({
      membersWithRole: z.object({
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
        nodes: z
          .array(
            z.object({ login: z.string(), organizationVerifiedDomainEmails: z.array(z.string()).nullish() }).nullable(),
          )
          .nullish(),
      }),
    })
    .nullish(),
});

const MembersConnectionSchema = z.object({
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
  nodes: z.array(z.object({ login: z.string() }).nullable()).nullish(),
});

const TeamsImmediateMembersSchema = z.object({
  organization: z
    .object({
      teams: z.object({
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
        nodes: z.array(z.object({ slug: z.string(), members: MembersConnectionSchema }).nullable()).nullish(),
      }),
    })
    .nullish(),
});

const TeamImmediateMembersSchema = z.object({
  organization: z.object({ team: z.object({ members: MembersConnectionSchema }).nullish() }).nullish(),
});

const RepositorySchema = z.object({
  full_name: z.string(),
  name: z.string(),
  owner: z.object({ login: z.string() }),
  html_url: z.string(),
  // An empty repository may have no default branch yet.
  default_branch: z.string().nullish(),
  archived: z.boolean().default(false),
  fork: z.boolean(),
  topics: z.array(z.string()).default([]),
  pushed_at: z.string().nullish(),
});

const ContentSchema = z.object({
  type: z.string(),
  encoding: z.string().optional(),
  content: z.string().default(''),
  sha: z.string(),
  html_url: z.string(),
});

const TeamSchema = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  html_url: z.string(),
  parent: z.object({ slug: z.string() }).nullish(),
});

const MemberSchema = z.object({ login: z.string() });

const UserSchema = z.object({
  login: z.string(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  html_url: z.string(),
  avatar_url: z.string().nullish(),
});

function toRepository(repo: z.output<typeof RepositorySchema>): GitHubRepository {
  return {
    fullName: repo.full_name,
    owner: repo.owner.login,
    name: repo.name,
    defaultBranch: repo.default_branch ?? 'main',
    htmlUrl: repo.html_url,
    archived: repo.archived,
    fork: repo.fork,
    topics: repo.topics,
    pushedAt: repo.pushed_at ?? null,
  };
}

function toTeam(team: z.output<typeof TeamSchema>): GitHubTeam {
  return {
    slug: team.slug,
    name: team.name,
    description: team.description || null,
    parentSlug: team.parent?.slug ?? null,
    htmlUrl: team.html_url,
  };
}

function toUser(user: z.output<typeof UserSchema>): GitHubUser {
  return {
    login: user.login,
    name: user.name || null,
    email: user.email || null,
    htmlUrl: user.html_url,
    avatarUrl: user.avatar_url || null,
  };
}

function splitFullName(fullName: string): { owner: string; name: string } {
  const [owner, name, ...rest] = fullName.split('/');
  if (!owner || !name || rest.length > 0) {
    throw new InputError(`repository '${fullName}' is not valid; expected owner/name, such as acme-corp/payments-api`);
  }
  return { owner, name };
}

/** One path segment or query value, percent-encoded (also `{`, `}` and `:`, which Octokit's URL templates read). */
function segment(text: string): string {
  return encodeURIComponent(text);
}

function linkTo(rel: 'next' | 'last', link: unknown): string | null {
  if (typeof link !== 'string') return null;
  return new RegExp(`<([^>]+)>;\\s*rel="${rel}"`).exec(link)?.[1] ?? null;
}

/** The URLs of pages `next` to `last`, both included, when both are links of the same list; else none. */
function pagesBetween(next: string | null, last: string | null): string[] {
  if (!next || !last) return [];
  const from = Number(new URL(next).searchParams.get('page'));
  const to = Number(new URL(last).searchParams.get('page'));
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from) return [];
  return Array.from({ length: to - from + 1 }, (_, index) => {
    const url = new URL(next);
    url.searchParams.set('page', String(from + index));
    return url.toString();
  });
}

/** The URL of the page after `url` when that unchanged page is full, else null. */
function pageAfterFull(url: string, result: { page: CachedPage<unknown[]> }): string | null {
  const next = new URL(url);
  const perPage = Number(next.searchParams.get('per_page') ?? 30);
  if (result.page.data.length < perPage) return null;
  next.searchParams.set('page', String(Number(next.searchParams.get('page') ?? 1) + 1));
  return next.toString();
}

function asCachedPage<T>(entry: { etag: string; body: unknown } | undefined) {
  const body = entry?.body as Partial<CachedPage<T>> | undefined;
  if (!entry || typeof body !== 'object' || body === null || !('data' in body)) return undefined;
  const link = (value: unknown) => (typeof value === 'string' ? value : null);
  return { etag: entry.etag, page: { data: body.data as T, next: link(body.next), last: link(body.last) } };
}

function asVerifiedEmailsAnswer(body: unknown): VerifiedEmailsAnswer | undefined {
  const answer = body as Partial<VerifiedEmailsAnswer> | null | undefined;
  if (typeof answer !== 'object' || answer === null) return undefined;
  if (!Array.isArray(answer.emails) || typeof answer.askedAt !== 'string') return undefined;
  return {
    emails: answer.emails.filter((email): email is string => typeof email === 'string'),
    askedAt: answer.askedAt,
  };
}

/** The `errors` of a GraphQL answer: of a `GraphqlResponseError` (HTTP 200) or in the body of an HTTP error. */
function parseAnswer<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'data'} ${issue.message}`).join('; ');
  throw new UpstreamError(`GitHub answered ${what} with unexpected data: ${problems}`);
}

function asImmediateMembersAnswer(body: unknown): ImmediateMembersAnswer | undefined {
  const answer = body as Partial<ImmediateMembersAnswer> | null | undefined;
  if (typeof answer !== 'object' || answer === null) return undefined;
  if (typeof answer.members !== 'object' || answer.members === null || typeof answer.askedAt !== 'string') {
    return undefined;
  }
  return { members: answer.members, askedAt: answer.askedAt };
}

function asMembersVerifiedEmails(body: unknown): MembersVerifiedEmails | undefined {
  const answer = body as Partial<MembersVerifiedEmails> | null | undefined;
  if (typeof answer !== 'object' || answer === null) return undefined;
  if (typeof answer.emails !== 'object' || answer.emails === null || typeof answer.askedAt !== 'string')
    return undefined;
  return { emails: answer.emails, askedAt: answer.askedAt };
}

function graphqlErrors(error: unknown): Array<{ type?: string; message?: string }> {
  const candidate = error as { errors?: unknown; response?: { data?: { errors?: unknown } } } | null;
  const errors = candidate?.errors ?? candidate?.response?.data?.errors;
  return Array.isArray(errors) ? errors.filter((problem) => typeof problem === 'object' && problem !== null) : [];
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function responseHeaders(error: unknown): Record<string, unknown> | undefined {
  return (error as { response?: { headers?: Record<string, unknown> } } | null)?.response?.headers;
}

/**
 * What a failed request (after the client's own retries) means for the caller: GitHub unavailable (5xx, timeouts and
 * network errors, which Octokit reports as status 500, and rate limits) or a refusal to fix (401, 403, 422…).
 */
function failure(error: unknown, what: string): unknown {
  const status = statusOf(error);
  if (status === undefined) return error;
  const message = error instanceof Error ? error.message : String(error);
  const headers = responseHeaders(error);
  const rateLimited =
    status === 429 ||
    (status === 403 && (headers?.['x-ratelimit-remaining'] === '0' || /secondary rate limit/i.test(message)));
  if (status >= 500 || rateLimited) {
    return new GitHubUnavailableError(`GitHub did not answer ${what} (${status}: ${message})`, { cause: error });
  }
  return new UpstreamError(`GitHub refused ${what} (${status}: ${message})`, { cause: error });
}
