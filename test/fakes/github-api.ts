/**
 * A fake GitHub on 127.0.0.1 that speaks the REST API's wire protocol, for the real Octokit client to talk to:
 * organisations' repositories (paginated with `Link` headers), repositories (a renamed or transferred one answers
 * 301 to `/repositories/{id}` under its old name, as GitHub does), file contents (base64, git blob sha), teams with
 * parents and members, users; `POST /graphql` (and `/api/graphql`, GitHub Enterprise Server's) answering the
 * queries of organisation-verified emails (one user's; the organisation's members', paginated) and of teams' direct
 * members (`membership: IMMEDIATE`, paginated), with GitHub's GraphQL errors; ETags on every GET and 304 on a matching `If-None-Match`; `x-ratelimit-*` headers on
 * every response, a 304 costing nothing, as on GitHub; `GET /rate_limit`; GitHub App installation tokens issued for
 * an RS256 JWT; injected faults (secondary rate limits, 5xx) and a request log.
 *
 * What templates write: repository creation (`POST /orgs/{org}/repos`, `POST /user/repos`, 422 "name already exists"),
 * topics, the Git Data API (blobs, trees with `base_tree`, commits, refs with 422 "Reference already exists" and
 * fast-forward checks, `git/trees/{ref}?recursive=1`), pull requests (listed by `head`, 422 when one is already open)
 * and `workflow_dispatch` (404 for an unknown workflow file, 422 for an unknown ref; each dispatch starts a run, listed
 * by `GET …/actions/workflows/{id}/runs` with its `event`, `branch` and `created` filters). `failWith` fails any of
 * them, before or (`afterHandling`) after carrying it out, as when GitHub's answer is lost.
 */
import { createHash, createPublicKey, type KeyObject, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepoInput {
  /** `owner/name`; the owner (organisation) is created if needed. */
  fullName: string;
  defaultBranch?: string;
  archived?: boolean;
  fork?: boolean;
  private?: boolean;
  topics?: string[];
  /** Files on the default branch, by path. */
  files?: Record<string, string>;
}

/** A repository's settings that scorecard facts read. */
export interface FakeRepositoryFacts {
  /** Classic branch protection on the default branch (`protected` of GET /branches/{b}). */
  branchProtection?: boolean;
  /** Ruleset rules that apply to the default branch (GET /rules/branches/{b}). */
  rulesetRules?: string[];
  /** Open Dependabot alerts by severity, or 'disabled' (GitHub answers 403). */
  dependabotAlerts?: { severity: 'critical' | 'high' | 'medium' | 'low' }[] | 'disabled';
  /** The default branch head's committer date (ISO 8601); default: the repository's last push or creation. */
  lastCommitAt?: string;
}

export interface FakeTeamInput {
  slug: string;
  name?: string;
  description?: string | null;
  /** The parent team's slug. */
  parent?: string;
  /** Logins of direct members; unknown users are created with just a login. */
  members?: string[];
}

export interface FakeUserInput {
  login: string;
  name?: string;
  /** The public profile email; absent means private. */
  email?: string;
  /**
   * Emails verified on the domains of an organisation, by organisation login (`organizationVerifiedDomainEmails`);
   * the user is a member of those organisations.
   */
  verifiedEmails?: Record<string, string[]>;
}

export interface RecordedGitHubRequest {
  method: string;
  /** Pathname as sent, without the query. */
  path: string;
  query: string;
  status: number;
  /** Whether `If-None-Match` was sent. */
  conditional: boolean;
  /** How the request authenticated: an installation or personal token, an App JWT, or not at all. */
  auth: 'token' | 'jwt' | 'none';
}

export interface FakeGitHubApiOptions {
  /** Delay before each response (default 0). */
  latencyMs?: number;
  /** The largest page the fake serves, whatever `per_page` asks (default 100, GitHub's). */
  perPage?: number;
  /** Requests must carry this token (`token …` or `Bearer …`), unless they carry an installation token. */
  token?: string;
  /** Accept a GitHub App: installation tokens are issued for a JWT signed by the App's key, and then required. */
  app?: { appId: number; publicKey: string | KeyObject; installationId: number; tokenLifetimeSeconds?: number };
  /** The primary rate limit per hour (default 5000). */
  rateLimit?: number;
}

interface PathMatcher {
  path: string | RegExp;
  method?: string;
}

export interface FakeGitHubApi {
  /** REST API base URL, without a trailing slash: pass it as `apiUrl`. */
  url: string;
  /** Every request, in order. */
  log: RecordedGitHubRequest[];
  readonly requests: number;
  readonly notModified: number;
  /** Requests to `path` (exact pathname). */
  requestsTo(path: string): number;
  /** Forgets the request log and counters. */
  resetLog(): void;

  addRepos(...repos: FakeRepoInput[]): void;
  /** Sets what scorecard facts read of a repository: branch protection, rulesets, Dependabot alerts, last commit. */
  setRepositoryFacts(opts: { fullName: string } & FakeRepositoryFacts): void;
  archiveRepo(opts: { fullName: string; archived?: boolean }): void;
  setTopics(opts: { fullName: string; topics: string[] }): void;
  /** Makes a repository private (or public again), as its settings' "Change visibility" does. */
  setPrivate(opts: { fullName: string; private: boolean }): void;
  renameRepo(opts: { fullName: string; name: string }): void;
  transferRepo(opts: { fullName: string; owner: string }): void;
  deleteRepo(opts: { fullName: string }): void;
  /** Commits one file to a branch (default: the default branch); returns the new commit's sha. */
  setFile(opts: { repo: string; path: string; text: string; branch?: string }): string;
  deleteFile(opts: { repo: string; path: string; branch?: string }): string;
  addTeams(opts: { org: string; teams: FakeTeamInput[] }): void;
  addTeamMembers(opts: { org: string; teamSlug: string; logins: string[] }): void;
  removeTeamMembers(opts: { org: string; teamSlug: string; logins: string[] }): void;
  addUsers(...users: FakeUserInput[]): void;
  /** While on, GraphQL answers `FORBIDDEN`, as GitHub does when the credentials lack organisation members read access. */
  graphqlForbidden(forbidden?: boolean): void;

  /** The next `times` (default 1) matching requests answer 403 "secondary rate limit" with `retry-after`. */
  secondaryRateLimit(opts: PathMatcher & { times?: number; retryAfterSeconds: number }): void;
  /**
   * The next `times` (default: all) matching requests answer `status` (e.g. 500); with `afterHandling`, a write is
   * carried out first (GitHub did it, and its answer was lost).
   */
  failWith(opts: PathMatcher & { status: number; times?: number; afterHandling?: boolean }): void;
  /** Sets the primary rate limit; at 0 requests answer 403 "API rate limit exceeded" until `resetInSeconds`. */
  setRateLimit(opts: { remaining: number; resetInSeconds?: number }): void;
  readonly rateLimitRemaining: number;
  /** Installation tokens issued, oldest first. */
  installationTokens: string[];
  /** Every installation token issued so far stops working now, as if its `expires_at` had passed. */
  expireInstallationTokens(): void;
  /** The files of a branch (default: the default branch), by path; undefined when the repository does not exist. */
  filesOf(opts: { repo: string; branch?: string }): Record<string, string> | undefined;
  /** Branch names of a repository. */
  branchesOf(opts: { repo: string }): string[];
  /** Pull requests of a repository, oldest first. */
  pullRequestsOf(opts: { repo: string }): FakePullRequest[];
  /** Workflow dispatches received, oldest first. */
  dispatches: FakeDispatch[];
  /** Workflow runs, oldest first: one per dispatch, and those added with `addWorkflowRun`. */
  workflowRuns: FakeWorkflowRun[];
  /** A run started some other way (someone else's dispatch, a push), created now unless `createdAt` says when. */
  addWorkflowRun(opts: {
    repo: string;
    workflowId: string;
    ref: string;
    event?: string;
    actor?: string;
    createdAt?: string;
  }): FakeWorkflowRun;
  /** Repositories created through the API (`POST …/repos`), by full name, in order. */
  createdRepos: string[];
  close(): Promise<void>;
}

export interface FakePullRequest {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  state: 'open' | 'closed';
}

export interface FakeDispatch {
  repo: string;
  workflowId: string;
  ref: string;
  inputs: Record<string, unknown>;
}

export interface FakeWorkflowRun {
  id: number;
  repo: string;
  /** The workflow's file name (`plan.yml`). */
  workflowId: string;
  /** The branch or tag it runs on. */
  ref: string;
  event: string;
  /** Who started it (`wayfinder-bot`, the fake's token user, for dispatches). */
  actor: string;
  /** ISO 8601, whole seconds, as GitHub writes it. */
  createdAt: string;
}

interface GitState {
  /** Commit sha → message and parents (commits made by `setFile` and friends have none recorded). */
  commits: Map<string, { message: string; parents: string[] }>;
  /** Tree sha → files. */
  trees: Map<string, Map<string, FileState>>;
  /** Blob sha → text. */
  blobs: Map<string, string>;
  pulls: FakePullRequest[];
  description: string | null;
}

interface FileState {
  text: string;
  sha: string;
}

interface RepoState {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  archived: boolean;
  fork: boolean;
  private: boolean;
  topics: string[];
  createdAt: string;
  updatedAt: string;
  pushedAt: string | null;
  /** What a scorecard reads beyond files (see `setRepositoryFacts`). */
  facts: FakeRepositoryFacts;
  /** Branch → commit sha; commit sha → files. */
  branches: Map<string, string>;
  commits: Map<string, Map<string, FileState>>;
}

interface TeamState {
  id: number;
  org: string;
  slug: string;
  name: string;
  description: string | null;
  parent?: string;
  members: Set<string>;
}

interface UserState {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
  /** Organisation login (lowercase) → verified emails. */
  verifiedEmails: Map<string, string[]>;
}

interface Fault {
  matcher: PathMatcher;
  remaining: number;
  afterHandling?: boolean;
  respond: (res: ServerResponse) => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const DOCS = 'https://docs.github.com/rest';
const WEB = 'https://github.com';

export async function startFakeGitHubApi(options: FakeGitHubApiOptions = {}): Promise<FakeGitHubApi> {
  const maxPerPage = options.perPage ?? 100;
  const repos = new Map<number, RepoState>();
  const repoIds = new Map<string, number>();
  /** Old full names (lowercase) of renamed or transferred repositories → id. */
  const redirects = new Map<string, number>();
  const orgs = new Set<string>();
  const teams = new Map<string, TeamState>();
  const users = new Map<string, UserState>();
  const faults: Fault[] = [];
  const tokens = new Map<string, number>();
  const installationTokens: string[] = [];
  const appKey = options.app && createPublicKey(options.app.publicKey);
  const log: RecordedGitHubRequest[] = [];
  let nextId = 1000;
  let lastTick = 0;
  let forbidGraphql = false;
  const gitStates = new Map<number, GitState>();
  const dispatches: FakeDispatch[] = [];
  const workflowRuns: FakeWorkflowRun[] = [];
  const createdRepos: string[] = [];
  const startRun = (run: Omit<FakeWorkflowRun, 'id' | 'createdAt'> & { createdAt?: string }): FakeWorkflowRun => {
    const started = { ...run, id: nextId++, createdAt: run.createdAt ?? `${new Date().toISOString().slice(0, 19)}Z` };
    workflowRuns.push(started);
    return started;
  };

  const limit = options.rateLimit ?? 5000;
  const rate = { remaining: limit, reset: Math.floor(Date.now() / 1000) + 3600 };

  /** A timestamp (whole seconds, as GitHub writes them) later than every one before, so every change shows. */
  const tick = () => {
    lastTick = Math.max(Date.now(), lastTick + 1000);
    return `${new Date(lastTick).toISOString().slice(0, 19)}Z`;
  };

  const findRepo = (fullName: string) => {
    const id = repoIds.get(fullName.toLowerCase());
    const repo = id === undefined ? undefined : repos.get(id);
    if (!repo) throw new Error(`The fake GitHub has no repository ${fullName}`);
    return repo;
  };
  const fullNameOf = (repo: RepoState) => `${repo.owner}/${repo.name}`;
  const commit = (repo: RepoState, branch: string, change: (files: Map<string, FileState>) => void) => {
    const head = repo.branches.get(branch);
    const files = new Map(head ? repo.commits.get(head) : undefined);
    change(files);
    const sha = createHash('sha1').update(randomBytes(16)).digest('hex');
    repo.commits.set(sha, files);
    repo.branches.set(branch, sha);
    repo.pushedAt = tick();
    repo.updatedAt = repo.pushedAt;
    return sha;
  };
  const moveRepo = (repo: RepoState, owner: string, name: string) => {
    const old = fullNameOf(repo).toLowerCase();
    repoIds.delete(old);
    redirects.set(old, repo.id);
    repo.owner = owner;
    repo.name = name;
    repo.updatedAt = tick();
    orgs.add(owner.toLowerCase());
    repoIds.set(fullNameOf(repo).toLowerCase(), repo.id);
    redirects.delete(fullNameOf(repo).toLowerCase());
  };
  const ensureUser = (login: string) => {
    const key = login.toLowerCase();
    if (!users.has(key)) users.set(key, { id: nextId++, login, name: null, email: null, verifiedEmails: new Map() });
  };

  const routes: Array<[RegExp, (match: string[], url: URL, base: string) => unknown]> = [
    [/^\/orgs\/([^/]+)\/repos$/, ([org], url, base) => listOrgRepos(decodeURIComponent(org ?? ''), url, base)],
    [/^\/orgs\/([^/]+)\/teams$/, ([org], url, base) => listTeams(decodeURIComponent(org ?? ''), url, base)],
    [
      /^\/orgs\/([^/]+)\/teams\/([^/]+)\/members$/,
      ([org, slug], url, base) => listMembers(decodeURIComponent(org ?? ''), decodeURIComponent(slug ?? ''), url, base),
    ],
    [/^\/users\/([^/]+)$/, ([login]) => userJson(lookupUser(decodeURIComponent(login ?? '')))],
    [/^\/repositories\/(\d+)$/, ([id]) => repoJson(repoById(Number(id)))],
    [/^\/user$/, () => ({ login: 'wayfinder-bot', id: 1, type: 'User' })],
    [
      /^\/repositories\/(\d+)\/git\/ref\/heads\/(.+)$/,
      ([id, branch]) => refJson(repoById(Number(id)), decodeURIComponent(branch ?? '')),
    ],
    [/^\/repositories\/(\d+)\/git\/commits\/([0-9a-f]+)$/, ([id, sha]) => commitJson(repoById(Number(id)), sha ?? '')],
    [
      /^\/repositories\/(\d+)\/git\/trees\/(.+)$/,
      ([id, ref]) => treeJson(repoById(Number(id)), decodeURIComponent(ref ?? '')),
    ],
    [/^\/repositories\/(\d+)\/pulls$/, ([id], url) => listPulls(repoById(Number(id)), url)],
    [/^\/repositories\/(\d+)\/readme$/, ([id]) => readme(repoById(Number(id)))],
    [/^\/repositories\/(\d+)\/codeowners\/errors$/, ([id]) => codeownersErrors(repoById(Number(id)))],
    [
      /^\/repositories\/(\d+)\/branches\/(.+)$/,
      ([id, branch]) => branchJson(repoById(Number(id)), decodeURIComponent(branch ?? '')),
    ],
    [
      /^\/repositories\/(\d+)\/rules\/branches\/(.+)$/,
      ([id]) => (repoById(Number(id)).facts.rulesetRules ?? []).map((type) => ({ type, ruleset_id: 1 })),
    ],
    [/^\/repositories\/(\d+)\/actions\/workflows$/, ([id]) => workflows(repoById(Number(id)))],
    [
      /^\/repositories\/(\d+)\/actions\/workflows\/([^/]+)\/runs$/,
      ([id, workflow], url, base) => listRuns(repoById(Number(id)), decodeURIComponent(workflow ?? ''), url, base),
    ],
    [
      /^\/repositories\/(\d+)\/dependabot\/alerts$/,
      ([id], url, base) => dependabotAlerts(repoById(Number(id)), url, base),
    ],
    [
      /^\/repositories\/(\d+)\/contents(?:\/(.*))?$/,
      ([id, path], url) => contents(repoById(Number(id)), decodeURIComponent(path ?? ''), url),
    ],
  ];

  function rateJson() {
    return { limit, remaining: rate.remaining, reset: rate.reset, used: limit - rate.remaining, resource: 'core' };
  }

  function repoById(id: number): RepoState {
    const repo = repos.get(id);
    if (!repo) throw new HttpError(404, 'Not Found');
    return repo;
  }

  function lookupUser(login: string): UserState {
    const user = users.get(login.toLowerCase());
    if (!user) throw new HttpError(404, 'Not Found');
    return user;
  }

  function page<T>(items: T[], url: URL, base: string): { body: T[]; link?: string } {
    const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page') ?? 30) || 30, 1), maxPerPage);
    const current = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const pageUrl = (n: number) => {
      const target = new URL(`${base}${url.pathname}${url.search}`);
      target.searchParams.set('page', String(n));
      return `<${target.toString()}>`;
    };
    const links = [
      ...(current < last ? [`${pageUrl(current + 1)}; rel="next"`, `${pageUrl(last)}; rel="last"`] : []),
      ...(current > 1 ? [`${pageUrl(1)}; rel="first"`, `${pageUrl(current - 1)}; rel="prev"`] : []),
    ];
    return {
      body: items.slice((current - 1) * perPage, current * perPage),
      link: links.length > 0 ? links.join(', ') : undefined,
    };
  }

  function listOrgRepos(org: string, url: URL, base: string) {
    if (!orgs.has(org.toLowerCase())) throw new HttpError(404, 'Not Found');
    const type = url.searchParams.get('type') ?? 'all';
    const sort = url.searchParams.get('sort') ?? 'created';
    const direction = url.searchParams.get('direction') ?? (sort === 'full_name' ? 'asc' : 'desc');
    const keyOf = (repo: RepoState): string | number =>
      sort === 'full_name'
        ? fullNameOf(repo).toLowerCase()
        : sort === 'pushed'
          ? (repo.pushedAt ?? '')
          : sort === 'updated'
            ? repo.updatedAt
            : repo.id;
    const selected = [...repos.values()]
      .filter((repo) => repo.owner.toLowerCase() === org.toLowerCase())
      .filter(
        (repo) =>
          type === 'all' ||
          type === 'member' ||
          (type === 'public' && !repo.private) ||
          (type === 'private' && repo.private) ||
          (type === 'forks' && repo.fork) ||
          (type === 'sources' && !repo.fork),
      )
      .sort((a, b) => {
        const [x, y] = [keyOf(a), keyOf(b)];
        const order = x < y ? -1 : x > y ? 1 : a.id - b.id;
        return direction === 'asc' ? order : -order;
      });
    const { body, link } = page(selected, url, base);
    return { body: body.map(repoJson), link };
  }

  function teamHtmlUrl(team: TeamState) {
    return `${WEB}/orgs/${team.org}/teams/${team.slug}`;
  }

  function teamJson(team: TeamState) {
    const parent = team.parent ? teams.get(`${team.org.toLowerCase()}/${team.parent}`) : undefined;
    return {
      id: team.id,
      node_id: `T_${team.id}`,
      url: `https://api.github.com/teams/${team.id}`,
      html_url: teamHtmlUrl(team),
      name: team.name,
      slug: team.slug,
      description: team.description,
      privacy: 'closed',
      notification_setting: 'notifications_enabled',
      permission: 'pull',
      parent: parent
        ? { id: parent.id, slug: parent.slug, name: parent.name, html_url: teamHtmlUrl(parent), description: null }
        : null,
    };
  }

  function listTeams(org: string, url: URL, base: string) {
    if (!orgs.has(org.toLowerCase())) throw new HttpError(404, 'Not Found');
    const all = [...teams.values()]
      .filter((team) => team.org.toLowerCase() === org.toLowerCase())
      .sort((a, b) => a.slug.localeCompare(b.slug));
    const { body, link } = page(all, url, base);
    return { body: body.map(teamJson), link };
  }

  /** GitHub lists the members of child teams too. */
  function listMembers(org: string, slug: string, url: URL, base: string) {
    const team = teams.get(`${org.toLowerCase()}/${slug}`);
    if (!team) throw new HttpError(404, 'Not Found');
    const logins = new Set<string>();
    const collect = (current: TeamState) => {
      for (const login of current.members) logins.add(login);
      for (const child of teams.values())
        if (child.org === current.org && child.parent === current.slug) collect(child);
    };
    collect(team);
    const members = [...logins].sort((a, b) => a.localeCompare(b)).map((login) => lookupUser(login));
    const { body, link } = page(members, url, base);
    return { body: body.map(simpleUserJson), link };
  }

  function simpleUserJson(user: UserState) {
    return {
      login: user.login,
      id: user.id,
      node_id: `U_${user.id}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
      html_url: `${WEB}/${user.login}`,
      type: 'User',
      site_admin: false,
    };
  }

  function userJson(user: UserState) {
    return { ...simpleUserJson(user), name: user.name, email: user.email, company: null, bio: null };
  }

  function repoJson(repo: RepoState) {
    const fullName = fullNameOf(repo);
    return {
      id: repo.id,
      node_id: `R_${repo.id}`,
      name: repo.name,
      full_name: fullName,
      private: repo.private,
      owner: { login: repo.owner, id: 1, type: 'Organization', html_url: `${WEB}/${repo.owner}` },
      html_url: `${WEB}/${fullName}`,
      description: gitOf(repo).description,
      fork: repo.fork,
      url: `https://api.github.com/repos/${fullName}`,
      created_at: repo.createdAt,
      updated_at: repo.updatedAt,
      pushed_at: repo.pushedAt,
      default_branch: repo.defaultBranch,
      archived: repo.archived,
      disabled: false,
      visibility: repo.private ? 'private' : 'public',
      topics: repo.topics,
    };
  }

  function contents(repo: RepoState, path: string, url: URL) {
    const ref = url.searchParams.get('ref') ?? repo.defaultBranch;
    const sha = repo.branches.get(ref) ?? (repo.commits.has(ref) ? ref : undefined);
    if (!sha) throw new HttpError(404, `No commit found for the ref ${ref}`);
    const files = repo.commits.get(sha) ?? new Map<string, FileState>();
    const fullName = fullNameOf(repo);
    const file = files.get(path);
    if (file) {
      const content = Buffer.from(file.text, 'utf8').toString('base64');
      return {
        type: 'file',
        encoding: 'base64',
        size: Buffer.byteLength(file.text),
        name: path.split('/').pop(),
        path,
        // GitHub wraps the base64 at 60 characters.
        content: `${content.replace(/.{60}/g, '$&\n')}\n`,
        sha: file.sha,
        url: `https://api.github.com/repos/${fullName}/contents/${path}?ref=${ref}`,
        html_url: `${WEB}/${fullName}/blob/${ref}/${path}`,
        download_url: `https://raw.githubusercontent.com/${fullName}/${ref}/${path}`,
      };
    }
    const prefix = path === '' ? '' : `${path}/`;
    const entries = new Map<string, 'file' | 'dir'>();
    for (const candidate of files.keys()) {
      if (!candidate.startsWith(prefix)) continue;
      const [first, ...rest] = candidate.slice(prefix.length).split('/');
      if (first) entries.set(first, rest.length > 0 ? 'dir' : 'file');
    }
    if (entries.size === 0) throw new HttpError(404, 'Not Found');
    return [...entries].map(([name, type]) => ({
      type,
      name,
      path: `${prefix}${name}`,
      html_url: `${WEB}/${fullName}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${prefix}${name}`,
    }));
  }

  /** `/repos/{owner}/{repo}/…` → the same route under `/repositories/{id}/…`, or a redirect from an old name. */
  function resolveRepoPath(pathname: string): { id: number; rest: string; moved: boolean } | undefined {
    const match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(pathname);
    if (!match) return undefined;
    const fullName = `${decodeURIComponent(match[1] ?? '')}/${decodeURIComponent(match[2] ?? '')}`.toLowerCase();
    const id = repoIds.get(fullName);
    if (id !== undefined) return { id, rest: match[3] ?? '', moved: false };
    const moved = redirects.get(fullName);
    if (moved !== undefined && repos.has(moved)) return { id: moved, rest: match[3] ?? '', moved: true };
    throw new HttpError(404, 'Not Found');
  }

  function authenticate(req: IncomingMessage, pathname: string): RecordedGitHubRequest['auth'] {
    const header = req.headers.authorization ?? '';
    const [scheme = '', credential = ''] = header.split(/\s+/, 2);
    if (/^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname)) {
      if (!options.app || !appKey) throw new HttpError(404, 'Not Found');
      if (scheme.toLowerCase() !== 'bearer' || !isValidJwt(credential, appKey, options.app.appId)) {
        throw new HttpError(401, 'A JSON web token could not be decoded');
      }
      return 'jwt';
    }
    if (!options.app && !options.token) return header ? 'token' : 'none';
    const expiresAt = tokens.get(credential);
    const valid =
      ['token', 'bearer'].includes(scheme.toLowerCase()) &&
      (credential === options.token || (expiresAt !== undefined && expiresAt > Date.now()));
    if (!valid) throw new HttpError(401, 'Bad credentials');
    return 'token';
  }

  /** GitHub's GraphQL endpoint, for the one query the gateway sends; errors are HTTP 200 with `errors`, as on GitHub. */
  function graphql(text: string): unknown {
    let request: { query?: unknown; variables?: Record<string, unknown> };
    try {
      request = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'Problems parsing JSON');
    }
    if (typeof request.query === 'string' && /membership:\s*IMMEDIATE/.test(request.query)) {
      return immediateMembers(request.query, request.variables ?? {});
    }
    if (typeof request.query !== 'string' || !request.query.includes('organizationVerifiedDomainEmails')) {
      return {
        errors: [
          {
            message:
              'The fake GitHub answers only queries of organizationVerifiedDomainEmails and of team members (membership: IMMEDIATE)',
          },
        ],
      };
    }
    if (forbidGraphql) {
      return {
        data: null,
        errors: [
          {
            type: 'FORBIDDEN',
            path: ['user', 'organizationVerifiedDomainEmails'],
            message: 'Resource not accessible by integration',
          },
        ],
      };
    }
    const org = String(request.variables?.org ?? '');
    const verified = (user: UserState) => user.verifiedEmails.get(org.toLowerCase()) ?? [];
    if (request.query.includes('membersWithRole')) {
      if (!orgs.has(org.toLowerCase())) {
        return {
          data: { organization: null },
          errors: [
            {
              type: 'NOT_FOUND',
              path: ['organization'],
              message: `Could not resolve to an Organization with the login of '${org}'.`,
            },
          ],
        };
      }
      // Members: everyone in a team of the organisation or with an email verified on its domains.
      const members = [...users.values()]
        .filter(
          (user) =>
            user.verifiedEmails.has(org.toLowerCase()) ||
            [...teams.values()].some(
              (team) =>
                team.org.toLowerCase() === org.toLowerCase() &&
                [...team.members].some((login) => login.toLowerCase() === user.login.toLowerCase()),
            ),
        )
        .sort((a, b) => a.id - b.id);
      const first = Math.min(Number(/membersWithRole\(first:\s*(\d+)/.exec(request.query)?.[1] ?? 100), maxPerPage);
      const after = request.variables?.after;
      const start = typeof after === 'string' ? Number(Buffer.from(after, 'base64url').toString('utf8')) : 0;
      const nodes = members.slice(start, start + first);
      const end = start + nodes.length;
      return {
        data: {
          organization: {
            membersWithRole: {
              pageInfo: {
                hasNextPage: end < members.length,
                endCursor: Buffer.from(String(end)).toString('base64url'),
              },
              nodes: nodes.map((user) => ({ login: user.login, organizationVerifiedDomainEmails: verified(user) })),
            },
          },
        },
      };
    }
    const login = String(request.variables?.login ?? '');
    const user = users.get(login.toLowerCase());
    if (!user) {
      return {
        data: { user: null },
        errors: [
          { type: 'NOT_FOUND', path: ['user'], message: `Could not resolve to a User with the login of '${login}'.` },
        ],
      };
    }
    return { data: { user: { organizationVerifiedDomainEmails: verified(user) } } };
  }

  /**
   * `organization(login).teams(first, after) { nodes { slug members(first, membership: IMMEDIATE) } }` and
   * `organization(login).team(slug).members(first, after, membership: IMMEDIATE)`. As GitHub documents it, a team's
   * IMMEDIATE members are those added to the team itself, not those who are only in a child team: a person added to
   * a parent and to its child is an immediate member of both. Cursors are opaque offsets.
   */
  function immediateMembers(query: string, variables: Record<string, unknown>): unknown {
    const org = String(variables.org ?? '');
    if (!orgs.has(org.toLowerCase())) {
      return {
        data: { organization: null },
        errors: [
          {
            type: 'NOT_FOUND',
            path: ['organization'],
            message: `Could not resolve to an Organization with the login of '${org}'.`,
          },
        ],
      };
    }
    const firstOf = (field: string) =>
      Math.min(Number(new RegExp(`${field}\\(first:\\s*(\\d+)`).exec(query)?.[1] ?? 100), maxPerPage, 100);
    const offsetOf = (cursor: unknown) =>
      typeof cursor === 'string' ? Number(Buffer.from(cursor, 'base64url').toString('utf8')) : 0;
    const connection = <T>(items: T[], first: number, start: number) => {
      const nodes = items.slice(start, start + first);
      const end = start + nodes.length;
      return {
        pageInfo: { hasNextPage: end < items.length, endCursor: Buffer.from(String(end)).toString('base64url') },
        nodes,
      };
    };
    const membersOf = (team: TeamState, start: number) =>
      connection(
        [...team.members].sort((a, b) => a.localeCompare(b)).map((login) => ({ login: lookupUser(login).login })),
        firstOf('members'),
        start,
      );
    const orgTeams = [...teams.values()]
      .filter((team) => team.org.toLowerCase() === org.toLowerCase())
      .sort((a, b) => a.slug.localeCompare(b.slug));
    if (/\bteams\(/.test(query)) {
      const page = connection(orgTeams, firstOf('teams'), offsetOf(variables.after));
      return {
        data: {
          organization: {
            teams: {
              pageInfo: page.pageInfo,
              nodes: page.nodes.map((team) => ({ slug: team.slug, members: membersOf(team, 0) })),
            },
          },
        },
      };
    }
    const team = orgTeams.find((candidate) => candidate.slug === String(variables.slug ?? ''));
    return {
      data: { organization: { team: team ? { members: membersOf(team, offsetOf(variables.after)) } : null } },
    };
  }

  function gitOf(repo: RepoState): GitState {
    let state = gitStates.get(repo.id);
    if (!state) {
      state = { commits: new Map(), trees: new Map(), blobs: new Map(), pulls: [], description: null };
      gitStates.set(repo.id, state);
    }
    return state;
  }

  /** The sha of a tree holding `files`, registered so `git/trees` and `base_tree` find it. */
  function treeShaOf(repo: RepoState, files: Map<string, FileState>): string {
    const entries = [...files].sort(([a], [b]) => a.localeCompare(b)).map(([path, file]) => `${path} ${file.sha}`);
    const sha = createHash('sha1')
      .update(`tree ${entries.join('\n')}`)
      .digest('hex');
    gitOf(repo).trees.set(sha, files);
    return sha;
  }

  function commitSha(repo: RepoState, ref: string): string | undefined {
    return repo.branches.get(ref) ?? (repo.commits.has(ref) ? ref : undefined);
  }

  function headFiles(repo: RepoState): Map<string, FileState> {
    const sha = repo.branches.get(repo.defaultBranch);
    return (sha && repo.commits.get(sha)) || new Map<string, FileState>();
  }

  /** GitHub's README lookup: a README of any extension and case, at the root, in .github/ or in docs/. */
  function readme(repo: RepoState) {
    const path = [...headFiles(repo).keys()].find((candidate) =>
      /^(\.github\/|docs\/)?readme(\.[a-z]+)?$/i.test(candidate),
    );
    if (!path) throw new HttpError(404, 'Not Found');
    return contents(repo, path, new URL(`http://fake/?ref=${repo.defaultBranch}`));
  }

  /** 404 when the repository has no CODEOWNERS file (at the root, in .github/ or in docs/), else no errors. */
  function codeownersErrors(repo: RepoState) {
    const files = headFiles(repo);
    if (!['CODEOWNERS', '.github/CODEOWNERS', 'docs/CODEOWNERS'].some((path) => files.has(path))) {
      throw new HttpError(404, 'Not Found');
    }
    return { errors: [] };
  }

  function branchJson(repo: RepoState, branch: string) {
    const sha = repo.branches.get(branch);
    if (!sha) throw new HttpError(404, 'Branch not found');
    const date = repo.facts.lastCommitAt ?? repo.pushedAt ?? repo.createdAt;
    return {
      name: branch,
      commit: { sha, commit: { committer: { name: 'Fake', date }, message: 'Update files' } },
      protected: repo.facts.branchProtection ?? false,
    };
  }

  /** GitHub's filters: `event`, `branch`, `created` (`>=`, `>`, `<=`, `<` or `a..b` of ISO 8601 times); newest first. */
  function listRuns(repo: RepoState, workflow: string, url: URL, base: string) {
    const files = repo.commits.get(repo.branches.get(repo.defaultBranch) ?? '') ?? new Map();
    const listed = workflows(repo).workflows;
    const file = /^\d+$/.test(workflow)
      ? listed
          .find((entry) => entry.id === Number(workflow))
          ?.path.split('/')
          .pop()
      : workflow;
    if (!file || !files.has(`.github/workflows/${file}`)) throw new HttpError(404, 'Not Found');
    const event = url.searchParams.get('event');
    const branch = url.searchParams.get('branch');
    const created = url.searchParams.get('created');
    const inRange = (at: string) => {
      if (!created) return true;
      const time = Date.parse(at);
      const range = /^(.+)\.\.(.+)$/.exec(created);
      if (range) return time >= Date.parse(range[1] ?? '') && time <= Date.parse(range[2] ?? '');
      const [, op, value] = /^(>=|<=|>|<)?(.+)$/.exec(created) ?? [];
      const bound = Date.parse(value ?? '');
      if (op === '>=') return time >= bound;
      if (op === '>') return time > bound;
      if (op === '<=') return time <= bound;
      if (op === '<') return time < bound;
      return at.startsWith(value ?? '');
    };
    const selected = workflowRuns
      .filter((run) => run.repo === fullNameOf(repo) && run.workflowId === file)
      .filter((run) => (!event || run.event === event) && (!branch || run.ref === branch) && inRange(run.createdAt))
      .reverse();
    const { body, link } = page(selected, url, base);
    return {
      body: {
        total_count: selected.length,
        workflow_runs: body.map((run) => ({
          id: run.id,
          name: file,
          event: run.event,
          head_branch: run.ref,
          status: 'queued',
          path: `.github/workflows/${file}`,
          created_at: run.createdAt,
          html_url: `${WEB}/${run.repo}/actions/runs/${run.id}`,
          actor: { login: run.actor },
          triggering_actor: { login: run.actor },
        })),
      },
      link,
    };
  }

  function workflows(repo: RepoState) {
    const found = [...headFiles(repo).keys()].filter((path) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path));
    return { total_count: found.length, workflows: found.map((path, index) => ({ id: index + 1, path })) };
  }

  function dependabotAlerts(repo: RepoState, url: URL, base: string) {
    const alerts = repo.facts.dependabotAlerts ?? [];
    if (alerts === 'disabled') throw new HttpError(403, 'Dependabot alerts are disabled for this repository.');
    const { body, link } = page(
      alerts.map((alert, index) => ({ number: index + 1, state: 'open', security_advisory: alert })),
      url,
      base,
    );
    return { body, link };
  }

  function refJson(repo: RepoState, branch: string) {
    const sha = repo.branches.get(branch);
    if (!sha) throw new HttpError(404, 'Not Found');
    return { ref: `refs/heads/${branch}`, object: { sha, type: 'commit' } };
  }

  function commitJson(repo: RepoState, sha: string) {
    const files = repo.commits.get(sha);
    if (!files) throw new HttpError(404, 'Not Found');
    const meta = gitOf(repo).commits.get(sha);
    return {
      sha,
      message: meta?.message ?? 'Update files',
      tree: { sha: treeShaOf(repo, files) },
      parents: (meta?.parents ?? []).map((parent) => ({ sha: parent })),
    };
  }

  function treeJson(repo: RepoState, ref: string) {
    const sha = commitSha(repo, ref);
    const files = sha ? repo.commits.get(sha) : gitOf(repo).trees.get(ref);
    if (!files) throw new HttpError(404, 'Not Found');
    return {
      sha: treeShaOf(repo, files),
      tree: [...files].map(([path, file]) => ({ path, mode: '100644', type: 'blob', sha: file.sha })),
      truncated: false,
    };
  }

  function pullJson(repo: RepoState, pull: FakePullRequest) {
    return {
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      draft: pull.draft,
      html_url: `${WEB}/${fullNameOf(repo)}/pull/${pull.number}`,
      head: { ref: pull.head, label: `${repo.owner}:${pull.head}` },
      base: { ref: pull.base },
    };
  }

  function listPulls(repo: RepoState, url: URL) {
    const head = url.searchParams.get('head');
    const state = url.searchParams.get('state') ?? 'open';
    return gitOf(repo)
      .pulls.filter((pull) => !head || `${repo.owner}:${pull.head}`.toLowerCase() === head.toLowerCase())
      .filter((pull) => state === 'all' || pull.state === state)
      .reverse()
      .map((pull) => pullJson(repo, pull));
  }

  function isAncestor(repo: RepoState, ancestor: string, sha: string): boolean {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length > 0) {
      const current = queue.shift() as string;
      if (current === ancestor) return true;
      if (seen.has(current)) continue;
      seen.add(current);
      queue.push(...(gitOf(repo).commits.get(current)?.parents ?? []));
    }
    return false;
  }

  function validationFailed(message: string): never {
    throw new HttpError(422, message);
  }

  /** The fake's write routes: creation of repositories, Git data, pull requests and workflow dispatches. */
  function write(method: string, pathname: string, body: Record<string, unknown>): { status: number; body: unknown } {
    const created = /^\/(?:orgs\/([^/]+)|user)\/repos$/.exec(pathname);
    if (method === 'POST' && created) {
      const owner = created[1] ? decodeURIComponent(created[1]) : 'wayfinder-bot';
      const name = String(body.name ?? '');
      if (repoIds.has(`${owner}/${name}`.toLowerCase())) {
        validationFailed('Repository creation failed: name already exists on this account');
      }
      api.addRepos({
        fullName: `${owner}/${name}`,
        private: body.private !== false,
        files: body.auto_init ? { 'README.md': `# ${name}\n` } : {},
      });
      const repo = findRepo(`${owner}/${name}`);
      gitOf(repo).description = typeof body.description === 'string' ? body.description : null;
      const head = repo.branches.get(repo.defaultBranch) as string;
      gitOf(repo).commits.set(head, { message: 'Initial commit', parents: [] });
      createdRepos.push(fullNameOf(repo));
      return { status: 201, body: repoJson(repo) };
    }
    const repoPath = resolveRepoPath(pathname);
    if (!repoPath) throw new HttpError(404, 'Not Found');
    const repo = repoById(repoPath.id);
    const git = gitOf(repo);
    // Octokit sends a ref such as heads/main percent-encoded in one path segment; GitHub decodes it.
    const rest = repoPath.rest.replace(/%2F/gi, '/');
    if (method === 'PATCH' && rest === '') {
      if (typeof body.default_branch === 'string') {
        if (!repo.branches.has(body.default_branch))
          validationFailed('Validation Failed: default_branch does not exist');
        repo.defaultBranch = body.default_branch;
      }
      return { status: 200, body: repoJson(repo) };
    }
    if (method === 'PUT' && rest === '/topics') {
      repo.topics = (body.names as string[] | undefined) ?? [];
      return { status: 200, body: { names: repo.topics } };
    }
    if (method === 'POST' && rest === '/git/blobs') {
      const text = Buffer.from(String(body.content ?? ''), body.encoding === 'base64' ? 'base64' : 'utf8').toString(
        'utf8',
      );
      const file = fileState(text);
      git.blobs.set(file.sha, text);
      return { status: 201, body: { sha: file.sha } };
    }
    if (method === 'POST' && rest === '/git/trees') {
      const base = typeof body.base_tree === 'string' ? git.trees.get(body.base_tree) : undefined;
      if (body.base_tree !== undefined && !base) validationFailed('base_tree is not a valid tree');
      const files = new Map(base);
      for (const entry of (body.tree as { path: string; sha?: string | null; content?: string }[]) ?? []) {
        if (entry.sha === null) files.delete(entry.path);
        else if (entry.content !== undefined) files.set(entry.path, fileState(entry.content));
        else {
          const text = git.blobs.get(entry.sha ?? '');
          if (text === undefined) validationFailed(`tree.sha ${entry.sha} is not a valid blob`);
          files.set(entry.path, fileState(text));
        }
      }
      return { status: 201, body: { sha: treeShaOf(repo, files) } };
    }
    if (method === 'POST' && rest === '/git/commits') {
      const files = git.trees.get(String(body.tree ?? ''));
      if (!files) validationFailed('tree is not a valid tree');
      const parents = (body.parents as string[] | undefined) ?? [];
      for (const parent of parents)
        if (!repo.commits.has(parent)) validationFailed(`parent ${parent} is not a valid commit`);
      const sha = createHash('sha1').update(randomBytes(16)).digest('hex');
      repo.commits.set(sha, new Map(files));
      git.commits.set(sha, { message: String(body.message ?? ''), parents });
      return { status: 201, body: { sha, tree: { sha: body.tree }, parents: parents.map((p) => ({ sha: p })) } };
    }
    if (method === 'POST' && rest === '/git/refs') {
      const branch = String(body.ref ?? '').replace(/^refs\/heads\//, '');
      if (repo.branches.has(branch)) validationFailed('Reference already exists');
      if (!repo.commits.has(String(body.sha))) validationFailed('Object does not exist');
      repo.branches.set(branch, String(body.sha));
      repo.pushedAt = tick();
      return { status: 201, body: refJson(repo, branch) };
    }
    const patch = /^\/git\/refs\/heads\/(.+)$/.exec(rest);
    if (method === 'PATCH' && patch) {
      const branch = decodeURIComponent(patch[1] ?? '');
      const current = repo.branches.get(branch);
      if (!current) validationFailed('Reference does not exist');
      const sha = String(body.sha);
      if (!repo.commits.has(sha)) validationFailed('Object does not exist');
      if (body.force !== true && !isAncestor(repo, current, sha)) validationFailed('Update is not a fast forward');
      repo.branches.set(branch, sha);
      repo.pushedAt = tick();
      return { status: 200, body: refJson(repo, branch) };
    }
    if (method === 'POST' && rest === '/pulls') {
      const head = String(body.head ?? '').replace(/^[^:]+:/, '');
      if (!repo.branches.has(head)) validationFailed(`Validation Failed: head ${head} does not exist`);
      if (git.pulls.some((pull) => pull.head === head && pull.state === 'open')) {
        validationFailed(`Validation Failed: A pull request already exists for ${repo.owner}:${head}.`);
      }
      const pull: FakePullRequest = {
        number: git.pulls.length + 1,
        head,
        base: String(body.base ?? repo.defaultBranch),
        title: String(body.title ?? ''),
        body: String(body.body ?? ''),
        draft: body.draft === true,
        state: 'open',
      };
      git.pulls.push(pull);
      return { status: 201, body: pullJson(repo, pull) };
    }
    const dispatch = /^\/actions\/workflows\/([^/]+)\/dispatches$/.exec(rest);
    if (method === 'POST' && dispatch) {
      const workflowId = decodeURIComponent(dispatch[1] ?? '');
      const files = repo.commits.get(repo.branches.get(repo.defaultBranch) ?? '') ?? new Map();
      if (!files.has(`.github/workflows/${workflowId}`)) throw new HttpError(404, 'Not Found');
      const ref = String(body.ref ?? '');
      if (!repo.branches.has(ref.replace(/^refs\/heads\//, ''))) validationFailed(`No ref found for: ${ref}`);
      dispatches.push({
        repo: fullNameOf(repo),
        workflowId,
        ref,
        inputs: (body.inputs as Record<string, unknown>) ?? {},
      });
      startRun({
        repo: fullNameOf(repo),
        workflowId,
        ref: ref.replace(/^refs\/(heads|tags)\//, ''),
        event: 'workflow_dispatch',
        actor: 'wayfinder-bot',
      });
      return { status: 204, body: undefined };
    }
    throw new HttpError(404, 'Not Found');
  }

  function issueInstallationToken(pathname: string) {
    const id = Number(/^\/app\/installations\/([^/]+)\/access_tokens$/.exec(pathname)?.[1]);
    if (!options.app || id !== options.app.installationId) throw new HttpError(404, 'Not Found');
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const expiresAt = Date.now() + (options.app.tokenLifetimeSeconds ?? 3600) * 1000;
    tokens.set(token, expiresAt);
    installationTokens.push(token);
    return {
      token,
      expires_at: new Date(expiresAt).toISOString(),
      permissions: { contents: 'read', metadata: 'read', members: 'read' },
      repository_selection: 'all',
    };
  }

  const server = createServer(async (req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: RecordedGitHubRequest = {
      method,
      path: url.pathname,
      query: url.search,
      status: 0,
      conditional: req.headers['if-none-match'] !== undefined,
      auth: 'none',
    };
    log.push(entry);
    // Only GraphQL's body is read; the token request's is not needed, but must be consumed too.
    const chunks: Buffer[] = [];
    await new Promise((resolve) => {
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', resolve);
    });
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        'content-length': String(Buffer.byteLength(text)),
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(rate.remaining),
        'x-ratelimit-reset': String(rate.reset),
        'x-ratelimit-used': String(limit - rate.remaining),
        'x-ratelimit-resource': 'core',
        ...headers,
      });
      res.end(text);
    };
    const spend = () => {
      if (Math.floor(Date.now() / 1000) >= rate.reset) {
        rate.remaining = limit;
        rate.reset = Math.floor(Date.now() / 1000) + 3600;
      }
      if (rate.remaining <= 0) {
        throw new HttpError(403, 'API rate limit exceeded for installation ID 1.');
      }
      rate.remaining -= 1;
    };
    try {
      entry.auth = authenticate(req, url.pathname);
      const fault = faults.find(
        (candidate) =>
          candidate.remaining > 0 &&
          (candidate.matcher.method ?? method).toUpperCase() === method &&
          (typeof candidate.matcher.path === 'string'
            ? candidate.matcher.path === url.pathname
            : candidate.matcher.path.test(url.pathname)),
      );
      if (fault) {
        fault.remaining -= 1;
        if (fault.afterHandling && method !== 'GET') {
          try {
            const text = Buffer.concat(chunks).toString('utf8');
            write(method, url.pathname, text ? (JSON.parse(text) as Record<string, unknown>) : {});
          } catch {
            // Refused: the fault answers anyway.
          }
        }
        fault.respond(res);
        entry.status = res.statusCode;
        return;
      }
      const base = `http://${req.headers.host}`;
      if (method === 'POST' && entry.auth === 'jwt') return send(201, issueInstallationToken(url.pathname));
      if (method === 'POST' && (url.pathname === '/graphql' || url.pathname === '/api/graphql')) {
        // The fake keeps one rate-limit bucket; GitHub's GraphQL has its own, counted in points.
        spend();
        return send(200, graphql(Buffer.concat(chunks).toString('utf8')));
      }
      if (method !== 'GET') {
        spend();
        const text = Buffer.concat(chunks).toString('utf8');
        const written = write(method, url.pathname, text ? (JSON.parse(text) as Record<string, unknown>) : {});
        return send(written.status, written.body);
      }
      // Reading the rate limit costs none of it.
      if (url.pathname === '/rate_limit') return send(200, { resources: { core: rateJson() }, rate: rateJson() });

      let pathname = url.pathname;
      const repoPath = resolveRepoPath(pathname);
      if (repoPath?.moved) {
        spend();
        const location = `${base}/repositories/${repoPath.id}${repoPath.rest}${url.search}`;
        return send(301, { message: 'Moved Permanently', url: location, documentation_url: DOCS }, { location });
      }
      if (repoPath)
        pathname = `/repositories/${repoPath.id}${repoPath.rest.replace(/^(\/git\/(?:ref|trees)\/)(.*)$/, (_, route: string, ref: string) => `${route}${decodeURIComponent(ref)}`)}`;
      const route = routes.find(([pattern]) => pattern.test(pathname));
      if (!route) throw new HttpError(404, 'Not Found');
      const match = route[0].exec(pathname)?.slice(1) ?? [];
      const result = route[1](match, url, base);
      const { body, link } =
        typeof result === 'object' && result !== null && 'body' in result
          ? (result as { body: unknown; link?: string })
          : { body: result, link: undefined };
      const hash = createHash('sha1').update(JSON.stringify(body)).digest('hex');
      // Contents get strong ETags, JSON listings weak ones, as on GitHub.
      const etag = pathname.includes('/contents') ? `"${hash}"` : `W/"${hash}"`;
      const headers = { etag, vary: 'Accept, Authorization', ...(link ? { link } : {}) };
      if (matchesEtag(req.headers['if-none-match'], etag)) return send(304, undefined, headers);
      spend();
      return send(200, body, headers);
    } catch (error) {
      if (!(error instanceof HttpError)) {
        send(500, { message: String(error) });
        return;
      }
      send(error.status, { message: error.message, documentation_url: DOCS });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const api: FakeGitHubApi = {
    url,
    log,
    get requests() {
      return log.length;
    },
    get notModified() {
      return log.filter((entry) => entry.status === 304).length;
    },
    requestsTo: (path) => log.filter((entry) => entry.path === path).length,
    resetLog: () => {
      log.length = 0;
    },

    addRepos(...added) {
      for (const input of added) {
        const [owner, name] = input.fullName.split('/');
        if (!owner || !name) throw new Error(`expected owner/name, got ${input.fullName}`);
        const now = tick();
        const repo: RepoState = {
          id: nextId++,
          owner,
          name,
          defaultBranch: input.defaultBranch ?? 'main',
          archived: input.archived ?? false,
          fork: input.fork ?? false,
          private: input.private ?? false,
          topics: input.topics ?? [],
          createdAt: now,
          updatedAt: now,
          pushedAt: null,
          facts: {},
          branches: new Map(),
          commits: new Map(),
        };
        orgs.add(owner.toLowerCase());
        repos.set(repo.id, repo);
        repoIds.set(input.fullName.toLowerCase(), repo.id);
        commit(repo, repo.defaultBranch, (files) => {
          for (const [path, text] of Object.entries(input.files ?? {})) files.set(path, fileState(text));
        });
      }
    },
    setRepositoryFacts({ fullName, ...facts }) {
      const repo = findRepo(fullName);
      repo.facts = { ...repo.facts, ...facts };
      repo.updatedAt = tick();
    },
    archiveRepo({ fullName, archived = true }) {
      const repo = findRepo(fullName);
      repo.archived = archived;
      repo.updatedAt = tick();
    },
    setTopics({ fullName, topics }) {
      const repo = findRepo(fullName);
      repo.topics = topics;
      repo.updatedAt = tick();
    },
    setPrivate({ fullName, private: isPrivate }) {
      const repo = findRepo(fullName);
      repo.private = isPrivate;
      repo.updatedAt = tick();
    },
    renameRepo({ fullName, name }) {
      const repo = findRepo(fullName);
      moveRepo(repo, repo.owner, name);
    },
    transferRepo({ fullName, owner }) {
      const repo = findRepo(fullName);
      moveRepo(repo, owner, repo.name);
    },
    deleteRepo({ fullName }) {
      const repo = findRepo(fullName);
      repos.delete(repo.id);
      repoIds.delete(fullName.toLowerCase());
      for (const [old, id] of redirects) if (id === repo.id) redirects.delete(old);
    },
    setFile({ repo, path, text, branch }) {
      const state = findRepo(repo);
      return commit(state, branch ?? state.defaultBranch, (files) => files.set(path, fileState(text)));
    },
    deleteFile({ repo, path, branch }) {
      const state = findRepo(repo);
      return commit(state, branch ?? state.defaultBranch, (files) => files.delete(path));
    },
    addTeams({ org, teams: added }) {
      orgs.add(org.toLowerCase());
      for (const input of added) {
        const team: TeamState = {
          id: nextId++,
          org,
          slug: input.slug,
          name: input.name ?? input.slug,
          description: input.description ?? null,
          parent: input.parent,
          members: new Set(input.members ?? []),
        };
        for (const login of team.members) ensureUser(login);
        teams.set(`${org.toLowerCase()}/${input.slug}`, team);
      }
    },
    addTeamMembers({ org, teamSlug, logins }) {
      const team = teams.get(`${org.toLowerCase()}/${teamSlug}`);
      if (!team) throw new Error(`The fake GitHub has no team ${teamSlug} in ${org}`);
      for (const login of logins) {
        ensureUser(login);
        team.members.add(login);
      }
    },
    removeTeamMembers({ org, teamSlug, logins }) {
      const team = teams.get(`${org.toLowerCase()}/${teamSlug}`);
      if (!team) throw new Error(`The fake GitHub has no team ${teamSlug} in ${org}`);
      for (const login of logins) team.members.delete(login);
    },
    addUsers(...added) {
      for (const input of added) {
        const existing = users.get(input.login.toLowerCase());
        users.set(input.login.toLowerCase(), {
          id: existing?.id ?? nextId++,
          login: input.login,
          name: input.name ?? null,
          email: input.email ?? null,
          verifiedEmails: new Map(
            Object.entries(input.verifiedEmails ?? {}).map(([org, emails]) => [org.toLowerCase(), emails]),
          ),
        });
      }
    },
    graphqlForbidden(forbidden = true) {
      forbidGraphql = forbidden;
    },

    secondaryRateLimit({ path, method, times = 1, retryAfterSeconds }) {
      faults.push({
        matcher: { path, method },
        remaining: times,
        respond: (res) =>
          respondJson(
            res,
            403,
            {
              message:
                'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
              documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
            },
            { 'retry-after': String(retryAfterSeconds), ...rateHeaders() },
          ),
      });
    },
    failWith({ path, method, status, times = Number.POSITIVE_INFINITY, afterHandling = false }) {
      faults.push({
        matcher: { path, method },
        remaining: times,
        afterHandling,
        respond: (res) => respondJson(res, status, { message: 'Server Error' }, rateHeaders()),
      });
    },
    setRateLimit({ remaining, resetInSeconds = 3600 }) {
      rate.remaining = remaining;
      rate.reset = Math.floor(Date.now() / 1000) + resetInSeconds;
    },
    get rateLimitRemaining() {
      return rate.remaining;
    },
    installationTokens,
    expireInstallationTokens() {
      for (const token of tokens.keys()) tokens.set(token, Date.now() - 1);
    },
    filesOf({ repo: fullName, branch }) {
      const id = repoIds.get(fullName.toLowerCase());
      const repo = id === undefined ? undefined : repos.get(id);
      if (!repo) return undefined;
      const files = repo.commits.get(repo.branches.get(branch ?? repo.defaultBranch) ?? '') ?? new Map();
      return Object.fromEntries([...files].map(([path, file]) => [path, file.text]));
    },
    branchesOf({ repo }) {
      return [...findRepo(repo).branches.keys()];
    },
    pullRequestsOf({ repo }) {
      return [...gitOf(findRepo(repo)).pulls];
    },
    dispatches,
    workflowRuns,
    addWorkflowRun({ repo, workflowId, ref, event = 'workflow_dispatch', actor = 'someone-else', createdAt }) {
      return startRun({
        repo: fullNameOf(findRepo(repo)),
        workflowId,
        ref,
        event,
        actor,
        ...(createdAt ? { createdAt } : {}),
      });
    },
    createdRepos,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };

  function rateHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(rate.remaining),
      'x-ratelimit-reset': String(rate.reset),
      'x-ratelimit-used': String(limit - rate.remaining),
      'x-ratelimit-resource': 'core',
    };
  }

  return api;
}

function fileState(text: string): FileState {
  const bytes = Buffer.from(text, 'utf8');
  // The git blob sha, as GitHub reports it.
  const sha = createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
    .digest('hex');
  return { text, sha };
}

/** RFC 9110 weak comparison, as GitHub does for `If-None-Match`. */
function matchesEtag(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return [header]
    .flat()
    .flatMap((value) => value.split(','))
    .some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}

function isValidJwt(jwt: string, key: KeyObject, appId: number): boolean {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return false;
  try {
    const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const now = Math.floor(Date.now() / 1000);
    return (
      alg === 'RS256' &&
      verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')) &&
      String(claims.iss) === String(appId) &&
      typeof claims.exp === 'number' &&
      claims.exp > now &&
      typeof claims.iat === 'number' &&
      claims.iat <= now + 60 &&
      claims.exp - claims.iat <= 11 * 60
    );
  } catch {
    return false;
  }
}

function respondJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}
