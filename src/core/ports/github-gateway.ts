/**
 * Everything Wayfinder reads from GitHub, implemented by `OctokitGitHubGateway`.
 *
 * Reads are conditional: each sends the ETag of its last 200 (kept in a `ConditionalCache`), so an unchanged answer
 * costs no rate limit and comes back with `changed: false`. A list is complete and in GitHub's order; it is
 * `changed` when any of its pages changed.
 *
 * Errors: a 404 is an answer (`undefined`, `{ missing: true }`), except for an organisation or team that does not
 * exist (`NotFoundError`). When GitHub keeps failing after the client's retries (5xx, timeouts, a rate limit that
 * will not reset soon) the call throws `GitHubUnavailableError`, and the caller should leave what that call covers
 * as it was. Other refusals (401 bad credentials, 403 no permission) throw `UpstreamError`.
 */
import type { FactValue } from '../scorecards/facts.ts';

export interface GitHubGateway {
  /** Every repository of the organisation, archived and forks included (filtering is the caller's choice). */
  listRepositories(opts: { org: string }): Promise<Conditional<GitHubRepository[]>>;
  /**
   * undefined when the repository does not exist (404). A renamed or transferred repository is found under its old
   * name (GitHub redirects) and returned with its new `fullName`.
   */
  getRepository(opts: { fullName: string }): Promise<GitHubRepository | undefined>;
  /** `missing` when the file, the ref or the repository does not exist, or `path` is a directory. */
  readFile(opts: { repo: string; path: string; ref: string }): Promise<Conditional<GitHubFile> | { missing: true }>;
  /**
   * Every file of the repository at `ref` (a branch, tag or commit sha), from one recursive Git tree read; `missing`
   * when the repository or the ref does not exist. `truncated` when GitHub cut the list (above 100,000 entries or
   * 7 MB): the files listed are then only some of them.
   */
  listFiles(opts: { repo: string; ref: string }): Promise<Conditional<GitHubTree> | { missing: true }>;
  listTeams(opts: { org: string }): Promise<Conditional<GitHubTeam[]>>;
  /**
   * Members' logins, in GitHub's order, from the REST API, which includes the members of child teams: for a team
   * without child teams these are its direct members; for the others see `listImmediateTeamMembers`.
   */
  listTeamMembers(opts: { org: string; teamSlug: string }): Promise<Conditional<string[]>>;
  /**
   * Every team's direct members (GitHub's `IMMEDIATE` membership, as Backstage's GitHub provider reads it), by team
   * slug: a person who is a direct member of a team and of its child team is a member of both, and one who is only
   * in the child team is not a member of the parent. Read from GraphQL, which has no ETags: the last answer is
   * reused while `reread` is false (the caller saw no change in the REST lists) and it is less than a day old.
   */
  listImmediateTeamMembers(opts: { org: string; reread: boolean }): Promise<Conditional<Record<string, string[]>>>;
  /**
   * undefined when the account does not exist (404), e.g. deleted since a team listed it. With `org`, the email is
   * the one the user verified on a domain of that organisation when there is one (GraphQL; needs organisation members
   * read access, and falls back to the public email without it). Verified emails are read for the whole
   * organisation at once and at most a day old, so an unchanged user costs a 304 only.
   */
  getUser(opts: { login: string; org?: string }): Promise<Conditional<GitHubUser> | undefined>;
  /**
   * A repository's scorecard facts (the `github.*` facts of `src/core/scorecards/facts.ts`), each read on its own and
   * conditionally: one GitHub will not tell (no permission, the feature off, an outage) is returned with the reason
   * it is unknown, and the others are still read. `now` dates `github.days-since-commit`. Never throws for one fact;
   * throws `GitHubUnavailableError` only when no fact could be read because GitHub did not answer.
   */
  readRepositoryFacts(opts: { repo: string; defaultBranch: string; now: Date }): Promise<RepositoryFact[]>;
  stats(): GitHubRequestStats;
}

/** One fact of a repository: its value, or why it is unknown. */
export type RepositoryFact = { name: string; value: FactValue } | { name: string; unknownReason: string };

/** A conditional read: `changed: false` means GitHub answered 304 Not Modified and `value` is the cached copy. */
export interface Conditional<T> {
  value: T;
  changed: boolean;
}

export interface GitHubRepository {
  /** `owner/name` as GitHub spells it now (after a rename or transfer, the new one). */
  fullName: string;
  owner: string;
  name: string;
  defaultBranch: string;
  htmlUrl: string;
  archived: boolean;
  fork: boolean;
  topics: string[];
  /** Whether only some people may see it (GitHub's `private`: private and internal repositories). */
  private: boolean;
  /** ISO 8601; null for an empty repository. */
  pushedAt: string | null;
}

export interface GitHubFile {
  /** `owner/name`. */
  repo: string;
  path: string;
  /** The ref asked for (branch, tag or commit sha). */
  ref: string;
  /** The file decoded as UTF-8. */
  text: string;
  /** Git blob sha of the content. */
  sha: string;
  htmlUrl: string;
}

export interface GitHubTree {
  /** Files (Git blobs) only, with their paths from the repository root and their Git blob shas, in GitHub's order. */
  files: { path: string; sha: string }[];
  truncated: boolean;
}

export interface GitHubTeam {
  slug: string;
  name: string;
  description: string | null;
  /** The parent team's slug; null for a top-level team. */
  parentSlug: string | null;
  htmlUrl: string;
}

export interface GitHubUser {
  login: string;
  name: string | null;
  /**
   * The user's first organisation-verified email when `getUser` was given the organisation and GitHub tells one, else
   * the public profile email; null when there is neither (the user keeps it private).
   */
  email: string | null;
  htmlUrl: string;
  avatarUrl: string | null;
}

export interface GitHubRequestStats {
  /** HTTP requests GitHub received: every page and GraphQL query, each retry of one, and token requests. */
  requests: number;
  /** Of those, how many GitHub answered 304 Not Modified (free of rate limit). */
  notModified: number;
  /** From the latest response's `x-ratelimit-remaining`; null before the first response. */
  rateLimitRemaining: number | null;
  /** From the latest response's `x-ratelimit-reset`. */
  rateLimitReset: Date | null;
}
