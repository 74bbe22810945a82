/**
 * `GitHubProvisioner` over GitHub's REST API through the client of `createOctokit` (which retries 5xx and network
 * errors and waits out rate limits). Commits are written with the Git Data API: a blob per file
 * (`POST /repos/{o}/{r}/git/blobs`), a tree (`git/trees`), a commit (`git/commits`) and a ref (`git/refs`).
 * Answers are checked with zod; anything else GitHub sends is ignored.
 */
import type { Octokit } from '@octokit/core';
import { z } from 'zod';
import { ConflictError, InputError, UpstreamError } from '../core/errors.ts';
import type {
  GitCommit,
  GitHubProvisioner,
  ProvisionedRepository,
  PullRequest,
  WorkflowRun,
} from '../core/ports/github-provisioner.ts';
import { failure, statusOf } from './request-failures.ts';

const RepoSchema = z.object({
  full_name: z.string(),
  default_branch: z.string().nullish(),
  html_url: z.string(),
  description: z.string().nullish(),
});
const ShaSchema = z.object({ sha: z.string() });
const RefSchema = z.object({ object: z.object({ sha: z.string() }) });
const CommitSchema = z.object({
  sha: z.string(),
  message: z.string(),
  tree: z.object({ sha: z.string() }),
  parents: z.array(z.object({ sha: z.string() })),
});
const TreeSchema = z.object({
  tree: z.array(z.object({ path: z.string(), type: z.string() })),
  truncated: z.boolean().default(false),
});
const ContentSchema = z.object({ type: z.string(), encoding: z.string().optional(), content: z.string().default('') });
const PullSchema = z.object({ number: z.number(), html_url: z.string(), state: z.enum(['open', 'closed']) });
const UserSchema = z.object({ login: z.string() });
const RunsSchema = z.object({
  workflow_runs: z.array(
    z.object({
      id: z.number(),
      html_url: z.string(),
      created_at: z.string(),
      event: z.string(),
      head_branch: z.string().nullish(),
      triggering_actor: z.object({ login: z.string() }).nullish(),
      actor: z.object({ login: z.string() }).nullish(),
    }),
  ),
});

type Client = Pick<Octokit, 'request'>;

export class OctokitGitHubProvisioner implements GitHubProvisioner {
  readonly #octokit: Client;
  #login: Promise<string | undefined> | undefined;

  constructor(opts: { octokit: Client }) {
    this.#octokit = opts.octokit;
  }

  async listFiles(opts: { repo: string; ref: string; path: string }): Promise<string[] | undefined> {
    const data = await this.#read(
      `the files of ${opts.repo} at ${opts.ref}`,
      `GET /repos/{owner}/{repo}/git/trees/{ref}?recursive=1`,
      { ...split(opts.repo), ref: opts.ref },
    );
    if (data === undefined) return undefined;
    const tree = TreeSchema.parse(data);
    if (tree.truncated) {
      throw new UpstreamError(
        `GitHub cut the file list of ${opts.repo} short (over 100,000 entries); move the template to a smaller repository.`,
      );
    }
    const prefix = opts.path.replace(/^\/+|\/+$/g, '');
    const files = tree.tree
      .filter((entry) => entry.type === 'blob' && (prefix === '' || entry.path.startsWith(`${prefix}/`)))
      .map((entry) => entry.path);
    return files.length > 0 ? files : undefined;
  }

  async readFile(opts: { repo: string; ref: string; path: string }): Promise<Buffer | undefined> {
    const path = opts.path.replace(/^\/+/, '');
    const data = await this.#read(`${opts.repo}/${path} at ${opts.ref}`, 'GET /repos/{owner}/{repo}/contents/{path}', {
      ...split(opts.repo),
      path,
      ref: opts.ref,
    });
    if (data === undefined || Array.isArray(data)) return undefined;
    const file = ContentSchema.parse(data);
    if (file.type !== 'file') return undefined;
    if (file.encoding !== 'base64') {
      throw new InputError(
        `${opts.repo}/${path} is larger than the 1 MB GitHub's contents API returns; expected a smaller template file.`,
      );
    }
    return Buffer.from(file.content, 'base64');
  }

  async getRepository(opts: { repo: string }): Promise<ProvisionedRepository | undefined> {
    const data = await this.#read(`repository ${opts.repo}`, 'GET /repos/{owner}/{repo}', split(opts.repo));
    return data === undefined ? undefined : toRepository(data);
  }

  async createRepository(opts: {
    owner: string;
    name: string;
    description?: string;
    visibility: 'private' | 'internal' | 'public';
  }): Promise<ProvisionedRepository> {
    const body = {
      name: opts.name,
      ...(opts.description !== undefined ? { description: opts.description } : {}),
      // Octokit's types know public and private; GitHub Enterprise organisations also take internal.
      visibility: opts.visibility as 'private' | 'public',
      private: opts.visibility !== 'public',
      auto_init: true,
    };
    const personal = (await this.#authenticatedLogin())?.toLowerCase() === opts.owner.toLowerCase();
    const data = await this.#write(
      `the creation of repository ${opts.owner}/${opts.name}`,
      () =>
        personal
          ? this.#octokit.request('POST /user/repos', body)
          : this.#octokit.request('POST /orgs/{org}/repos', { org: opts.owner, ...body }),
      /name already exists/i,
    );
    return toRepository(data);
  }

  async replaceTopics(opts: { repo: string; topics: readonly string[] }): Promise<void> {
    await this.#write(`the topics of ${opts.repo}`, () =>
      this.#octokit.request('PUT /repos/{owner}/{repo}/topics', { ...split(opts.repo), names: [...opts.topics] }),
    );
  }

  async setDefaultBranch(opts: { repo: string; branch: string }): Promise<void> {
    await this.#write(`the default branch of ${opts.repo}`, () =>
      this.#octokit.request('PATCH /repos/{owner}/{repo}', { ...split(opts.repo), default_branch: opts.branch }),
    );
  }

  async getBranchHead(opts: { repo: string; branch: string }): Promise<string | undefined> {
    const data = await this.#read(`branch ${opts.branch} of ${opts.repo}`, 'GET /repos/{owner}/{repo}/git/ref/{ref}', {
      ...split(opts.repo),
      ref: `heads/${opts.branch}`,
    });
    return data === undefined ? undefined : RefSchema.parse(data).object.sha;
  }

  async getCommit(opts: { repo: string; sha: string }): Promise<GitCommit> {
    const data = await this.#read(`commit ${opts.sha} of ${opts.repo}`, 'GET /repos/{owner}/{repo}/git/commits/{sha}', {
      ...split(opts.repo),
      sha: opts.sha,
    });
    if (data === undefined) throw new UpstreamError(`GitHub has no commit ${opts.sha} in ${opts.repo}.`);
    const commit = CommitSchema.parse(data);
    return {
      sha: commit.sha,
      message: commit.message,
      tree: commit.tree.sha,
      parents: commit.parents.map((p) => p.sha),
    };
  }

  async createTree(opts: {
    repo: string;
    baseTree?: string;
    files: readonly { path: string; content: Buffer }[];
  }): Promise<string> {
    const entries: { path: string; mode: '100644' | '100755'; type: 'blob'; sha: string }[] = [];
    for (const file of opts.files) {
      const blob = await this.#write(`a file of ${opts.repo} (${file.path})`, () =>
        this.#octokit.request('POST /repos/{owner}/{repo}/git/blobs', {
          ...split(opts.repo),
          content: file.content.toString('base64'),
          encoding: 'base64',
        }),
      );
      const mode = file.path.endsWith('.sh') ? '100755' : '100644';
      entries.push({ path: file.path, mode, type: 'blob', sha: ShaSchema.parse(blob).sha });
    }
    const tree = await this.#write(`the file tree of ${opts.repo}`, () =>
      this.#octokit.request('POST /repos/{owner}/{repo}/git/trees', {
        ...split(opts.repo),
        tree: entries,
        ...(opts.baseTree ? { base_tree: opts.baseTree } : {}),
      }),
    );
    return ShaSchema.parse(tree).sha;
  }

  async createCommit(opts: {
    repo: string;
    message: string;
    tree: string;
    parents: readonly string[];
  }): Promise<string> {
    const data = await this.#write(`a commit to ${opts.repo}`, () =>
      this.#octokit.request('POST /repos/{owner}/{repo}/git/commits', {
        ...split(opts.repo),
        message: opts.message,
        tree: opts.tree,
        parents: [...opts.parents],
      }),
    );
    return ShaSchema.parse(data).sha;
  }

  async createBranch(opts: { repo: string; branch: string; sha: string }): Promise<void> {
    await this.#write(
      `the branch ${opts.branch} of ${opts.repo}`,
      () =>
        this.#octokit.request('POST /repos/{owner}/{repo}/git/refs', {
          ...split(opts.repo),
          ref: `refs/heads/${opts.branch}`,
          sha: opts.sha,
        }),
      /reference already exists/i,
    );
  }

  async updateBranch(opts: { repo: string; branch: string; sha: string; force?: boolean }): Promise<void> {
    await this.#write(`the branch ${opts.branch} of ${opts.repo}`, () =>
      this.#octokit.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
        ...split(opts.repo),
        ref: `heads/${opts.branch}`,
        sha: opts.sha,
        force: opts.force ?? false,
      }),
    );
  }

  async findPullRequest(opts: { repo: string; branch: string }): Promise<PullRequest | undefined> {
    const { owner } = split(opts.repo);
    const data = await this.#read(`the pull requests of ${opts.repo}`, 'GET /repos/{owner}/{repo}/pulls', {
      ...split(opts.repo),
      head: `${owner}:${opts.branch}`,
      state: 'all',
      per_page: 1,
    });
    const [pull] = z.array(PullSchema).parse(data ?? []);
    return pull && { number: pull.number, htmlUrl: pull.html_url, state: pull.state };
  }

  async createPullRequest(opts: {
    repo: string;
    branch: string;
    base: string;
    title: string;
    body: string;
    draft: boolean;
  }): Promise<PullRequest> {
    const data = await this.#write(
      `a pull request to ${opts.repo} from ${opts.branch}`,
      () =>
        this.#octokit.request('POST /repos/{owner}/{repo}/pulls', {
          ...split(opts.repo),
          head: opts.branch,
          base: opts.base,
          title: opts.title,
          body: opts.body,
          draft: opts.draft,
        }),
      /pull request already exists/i,
    );
    const pull = PullSchema.parse(data);
    return { number: pull.number, htmlUrl: pull.html_url, state: pull.state };
  }

  async dispatchWorkflow(opts: {
    repo: string;
    workflowId: string;
    ref: string;
    inputs: Readonly<Record<string, string>>;
  }): Promise<void> {
    await this.#write(`a run of workflow ${opts.workflowId} in ${opts.repo}`, () =>
      this.#octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        ...split(opts.repo),
        workflow_id: opts.workflowId,
        ref: opts.ref,
        inputs: { ...opts.inputs },
      }),
    );
  }

  async listDispatchedRuns(opts: {
    repo: string;
    workflowId: string;
    ref: string;
    since: Date;
  }): Promise<WorkflowRun[]> {
    const branch = opts.ref.replace(/^refs\/(heads|tags)\//, '');
    const data = await this.#read(
      `the runs of workflow ${opts.workflowId} in ${opts.repo}`,
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      {
        ...split(opts.repo),
        workflow_id: opts.workflowId,
        event: 'workflow_dispatch',
        branch,
        // GitHub's search syntax; its timestamps have whole seconds.
        created: `>=${opts.since.toISOString().slice(0, 19)}Z`,
        per_page: 100,
      },
    );
    const login = (await this.#authenticatedLogin())?.toLowerCase();
    return RunsSchema.parse(data ?? { workflow_runs: [] })
      .workflow_runs.filter((run) => run.event === 'workflow_dispatch' && (run.head_branch ?? branch) === branch)
      .filter((run) => {
        const who = (run.triggering_actor ?? run.actor)?.login.toLowerCase();
        return login === undefined || who === undefined || who === login;
      })
      .map((run) => ({ id: run.id, htmlUrl: run.html_url, createdAt: new Date(run.created_at) }))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  }

  /** The token's own login (for personal repositories); undefined for a GitHub App, which has none. */
  #authenticatedLogin(): Promise<string | undefined> {
    this.#login ??= this.#octokit
      .request('GET /user')
      .then((response) => UserSchema.parse(response.data).login)
      .catch(() => undefined);
    return this.#login;
  }

  /** A GET; undefined on 404. */
  async #read(what: string, route: string, params: Record<string, unknown>): Promise<unknown> {
    try {
      return (await this.#octokit.request(route, params)).data;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw failure(error, `the read of ${what}`);
    }
  }

  /** A write; a 422 matching `exists` becomes ConflictError. */
  async #write(what: string, send: () => Promise<{ data: unknown }>, exists?: RegExp): Promise<unknown> {
    try {
      return (await send()).data;
    } catch (error) {
      const message = JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? '') + String(error);
      if (statusOf(error) === 422 && exists?.test(message)) {
        throw new ConflictError(`GitHub says ${what} already exists.`, { cause: error });
      }
      throw failure(error, what);
    }
  }
}

function toRepository(data: unknown): ProvisionedRepository {
  const repo = RepoSchema.parse(data);
  return {
    fullName: repo.full_name,
    defaultBranch: repo.default_branch ?? 'main',
    htmlUrl: repo.html_url,
    description: repo.description ?? null,
  };
}

function split(fullName: string): { owner: string; repo: string } {
  const [owner, repo, ...rest] = fullName.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new InputError(`repository '${fullName}' is not valid; expected owner/name, such as acme/payments-api`);
  }
  return { owner, repo };
}
