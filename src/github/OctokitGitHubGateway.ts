/**
 * `GitHubGateway` over GitHub's REST API through the client of `createOctokit`. Reads are conditional
 * (`conditional-requests.ts`: each GET sends its last ETag, and a 304 is answered from the `ConditionalCache`), and
 * GitHub's answers are checked by the schemas of `payload-schemas.ts`.
 *
 * A user's organisation-verified email and the teams' direct members come from GraphQL (`graphql.ts`), which REST has
 * no field for, through the same client. GraphQL answers cannot be conditional; see `#verifiedEmails` and
 * `listImmediateTeamMembers` for when it is asked.
 */
import type { Octokit } from '@octokit/core';
import { z } from 'zod';
import { InputError, NotFoundError } from '../core/errors.ts';
import type { ConditionalCache } from '../core/ports/conditional-cache.ts';
import type {
  Conditional,
  GitHubFile,
  GitHubGateway,
  GitHubRepository,
  GitHubRequestStats,
  GitHubTeam,
  GitHubTree,
  GitHubUser,
  RepositoryFact,
} from '../core/ports/github-gateway.ts';
import { CACHE_FORMAT, ConditionalRequests, REPOSITORY_CACHE_FORMAT } from './conditional-requests.ts';
import {
  asImmediateMembersAnswer,
  asMembersVerifiedEmails,
  asVerifiedEmailsAnswer,
  GitHubGraphQL,
  type ImmediateMembersAnswer,
  MEMBERS_VERIFIED_EMAILS_QUERY,
  type MembersVerifiedEmails,
  parseAnswer,
  REFUSED,
  TEAM_IMMEDIATE_MEMBERS_QUERY,
  TEAMS_IMMEDIATE_MEMBERS_QUERY,
  VERIFIED_EMAILS_QUERY,
  type VerifiedEmailsAnswer,
} from './graphql.ts';
import { countRequestsSent } from './octokit.ts';
import {
  ContentSchema,
  MemberSchema,
  MembersVerifiedEmailsSchema,
  RepositorySchema,
  TeamImmediateMembersSchema,
  TeamSchema,
  TeamsImmediateMembersSchema,
  TreeSchema,
  toRepository,
  toTeam,
  toUser,
  UserSchema,
  VerifiedEmailsSchema,
} from './payload-schemas.ts';
import { readRepositoryFacts } from './repository-facts.ts';

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

/** How long the teams' direct members from GraphQL are trusted when GitHub's REST lists say nothing changed. */
const IMMEDIATE_MEMBERS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export class OctokitGitHubGateway implements GitHubGateway {
  readonly #octokit: Pick<Octokit, 'request' | 'graphql' | 'log'>;
  readonly #cache: ConditionalCache;
  readonly #requests: ConditionalRequests;
  readonly #graphql: GitHubGraphQL;
  readonly #baseUrl: string;
  readonly #pageSize: number;
  readonly #now: () => Date;
  /** Per organisation (lowercase): its members' verified emails, read or being read. */
  readonly #membersEmails = new Map<string, Promise<MembersVerifiedEmails | undefined>>();
  readonly #stats: GitHubRequestStats = { requests: 0, notModified: 0, rateLimitRemaining: null, rateLimitReset: null };

  constructor(options: OctokitGitHubGatewayOptions) {
    this.#octokit = options.octokit;
    this.#cache = options.cache;
    this.#pageSize = options.pageSize ?? 100;
    this.#now = options.now ?? (() => new Date());
    this.#baseUrl = options.octokit.request.endpoint.DEFAULTS.baseUrl.replace(/\/+$/, '');
    this.#requests = new ConditionalRequests({
      octokit: options.octokit,
      cache: options.cache,
      stats: this.#stats,
      baseUrl: this.#baseUrl,
    });
    this.#graphql = new GitHubGraphQL({ octokit: options.octokit, stats: this.#stats });
  }

  listRepositories(opts: { org: string }): Promise<Conditional<GitHubRepository[]>> {
    return this.#requests.list({
      // Oldest first, so a new repository lands on the last page and leaves the others (and their ETags) unchanged.
      url: `/orgs/${segment(opts.org)}/repos?type=all&sort=created&direction=asc&per_page=${this.#pageSize}`,
      parse: (data) => z.array(RepositorySchema).parse(data).map(toRepository),
      format: REPOSITORY_CACHE_FORMAT,
      notFound: () => new NotFoundError(`GitHub has no organisation ${opts.org} (or the credentials cannot see it)`),
    });
  }

  async getRepository(opts: { fullName: string }): Promise<GitHubRepository | undefined> {
    const { owner, name } = splitFullName(opts.fullName);
    const result = await this.#requests.get({
      url: `/repos/${segment(owner)}/${segment(name)}`,
      parse: (data) => toRepository(RepositorySchema.parse(data)),
      format: REPOSITORY_CACHE_FORMAT,
    });
    return result?.page.data;
  }

  /** `GET /repos/{owner}/{repo}/git/trees/{ref}?recursive=1`: the ref resolves to its commit's root tree. */
  async listFiles(opts: { repo: string; ref: string }): Promise<Conditional<GitHubTree> | { missing: true }> {
    const { owner, name } = splitFullName(opts.repo);
    const result = await this.#requests.get({
      url: `/repos/${segment(owner)}/${segment(name)}/git/trees/${segment(opts.ref)}?recursive=1`,
      parse: (data): GitHubTree => {
        const tree = TreeSchema.parse(data);
        return {
          files: tree.tree.flatMap((entry) => (entry.type === 'blob' ? [{ path: entry.path, sha: entry.sha }] : [])),
          truncated: tree.truncated,
        };
      },
    });
    if (!result) return { missing: true };
    return { value: result.page.data, changed: result.changed };
  }

  async readFile(opts: {
    repo: string;
    path: string;
    ref: string;
  }): Promise<Conditional<GitHubFile> | { missing: true }> {
    const { owner, name } = splitFullName(opts.repo);
    const path = opts.path.replace(/^\/+/, '');
    const result = await this.#requests.get({
      url: `/repos/${segment(owner)}/${segment(name)}/contents/${path.split('/').map(segment).join('/')}?ref=${segment(opts.ref)}`,
      parse: (data): GitHubFile | null => {
        // A directory answers with an array, a symlink or submodule with another type: not a file to read.
        if (Array.isArray(data)) return null;
        const file = ContentSchema.parse(data);
        if (file.type !== 'file') return null;
        if (file.encoding !== 'base64') {
          throw new InputError(
            `${opts.repo}/${path} at ${opts.ref} is larger than the 1 MB GitHub's contents API returns; expected a smaller file`,
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
    return this.#requests.list({
      url: `/orgs/${segment(opts.org)}/teams?per_page=${this.#pageSize}`,
      parse: (data) => z.array(TeamSchema).parse(data).map(toTeam),
      notFound: () => new NotFoundError(`GitHub has no organisation ${opts.org} (or the credentials cannot see it)`),
    });
  }

  listTeamMembers(opts: { org: string; teamSlug: string }): Promise<Conditional<string[]>> {
    return this.#requests.list({
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
      const data = await this.#graphql.request(
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
            await this.#graphql.request(
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
    const result = await this.#requests.get({
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

  readRepositoryFacts(opts: { repo: string; defaultBranch: string; now: Date }): Promise<RepositoryFact[]> {
    return readRepositoryFacts(this.#requests, opts);
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
    if (this.#graphql.refused) return { emails: [], changed: false };
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
      const data = await this.#graphql.request(
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
    const data = await this.#graphql.request(
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

  #isFresh(askedAt: string): boolean {
    const age = this.#now().getTime() - Date.parse(askedAt);
    return age >= 0 && age < VERIFIED_EMAILS_MAX_AGE_MS;
  }
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
