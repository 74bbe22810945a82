/**
 * What templates do on GitHub, implemented by `OctokitGitHubProvisioner` over the same Octokit client as the
 * `GitHubGateway`: read a template's files from a repository, create repositories, write commits through the Git
 * Data API (blobs, trees, commits, refs; no git binary), open pull requests and dispatch workflows.
 *
 * Reads here are plain (not conditional): provisioning must see GitHub as it is now.
 *
 * Errors: `GitHubUnavailableError` when GitHub keeps failing after the client's retries (5xx, timeouts, network,
 * a rate limit that will not reset soon): trying again later may succeed. `ConflictError` when what is being
 * created already exists (GitHub's 422 "already exists"), so the caller can find it and reuse it. `UpstreamError`
 * for any other refusal (401, 403, 404 on a write, another 422), with GitHub's message.
 */
export interface GitHubProvisioner {
  /** Paths (from the repository root) of the files under `path` at `ref`, recursively; undefined when none. */
  listFiles(opts: { repo: string; ref: string; path: string }): Promise<string[] | undefined>;
  /** A file's bytes at `ref`; undefined when missing. */
  readFile(opts: { repo: string; ref: string; path: string }): Promise<Buffer | undefined>;
  /** undefined when the repository does not exist (or the credentials cannot see it). */
  getRepository(opts: { repo: string }): Promise<ProvisionedRepository | undefined>;
  /**
   * Creates `owner/name` in an organisation (or, when `owner` is the authenticated user, for them), initialised with
   * one commit (GitHub's `auto_init`) so that the Git Data API can write to it. `ConflictError` when it exists.
   */
  createRepository(opts: {
    owner: string;
    name: string;
    description?: string;
    visibility: 'private' | 'internal' | 'public';
  }): Promise<ProvisionedRepository>;
  replaceTopics(opts: { repo: string; topics: readonly string[] }): Promise<void>;
  /** Makes `branch` (which must exist) the repository's default branch. */
  setDefaultBranch(opts: { repo: string; branch: string }): Promise<void>;
  /** The commit sha a branch points at; undefined when the branch does not exist. */
  getBranchHead(opts: { repo: string; branch: string }): Promise<string | undefined>;
  getCommit(opts: { repo: string; sha: string }): Promise<GitCommit>;
  /** One blob per file, then a tree over `baseTree` (or none: the tree holds exactly `files`); returns its sha. */
  createTree(opts: {
    repo: string;
    baseTree?: string;
    files: readonly { path: string; content: Buffer }[];
  }): Promise<string>;
  createCommit(opts: { repo: string; message: string; tree: string; parents: readonly string[] }): Promise<string>;
  /** `ConflictError` when the branch exists. */
  createBranch(opts: { repo: string; branch: string; sha: string }): Promise<void>;
  /** Moves a branch; fast-forward only unless `force`. */
  updateBranch(opts: { repo: string; branch: string; sha: string; force?: boolean }): Promise<void>;
  /** The newest pull request (open or closed) from `branch`, undefined when there is none. */
  findPullRequest(opts: { repo: string; branch: string }): Promise<PullRequest | undefined>;
  /** `ConflictError` when a pull request from `branch` is already open. */
  createPullRequest(opts: {
    repo: string;
    branch: string;
    base: string;
    title: string;
    body: string;
    draft: boolean;
  }): Promise<PullRequest>;
  /** `workflow_dispatch` of `workflowId` (a file name such as `plan.yml`, or an id) on `ref`. */
  dispatchWorkflow(opts: {
    repo: string;
    workflowId: string;
    ref: string;
    inputs: Readonly<Record<string, string>>;
  }): Promise<void>;
  /**
   * The `workflow_dispatch` runs of `workflowId` on `ref` (a branch or tag name) created at or after `since` (GitHub's
   * clock, whole seconds), oldest first, at most 100; only those these credentials started where GitHub says who
   * they are (a token's login; a GitHub App's runs are not told apart from others').
   */
  listDispatchedRuns(opts: { repo: string; workflowId: string; ref: string; since: Date }): Promise<WorkflowRun[]>;
}

/** A GitHub Actions workflow run. */
export interface WorkflowRun {
  id: number;
  htmlUrl: string;
  /** When GitHub created it. */
  createdAt: Date;
}

export interface ProvisionedRepository {
  /** `owner/name`. */
  fullName: string;
  defaultBranch: string;
  htmlUrl: string;
  description: string | null;
}

export interface GitCommit {
  sha: string;
  message: string;
  tree: string;
  parents: string[];
}

export interface PullRequest {
  number: number;
  htmlUrl: string;
  state: 'open' | 'closed';
}
