/**
 * The GitHub webhook deliveries the catalog sync acts on (`push`, `repository`), parsed with zod into a small union.
 * Only the fields Wayfinder reads are checked; GitHub adds fields freely. Check the signature first
 * (`isValidWebhookSignature`); this module trusts its input to come from GitHub.
 */
import { z } from 'zod';
import { InputError } from '../core/errors.ts';

/** A push to a branch. */
export interface PushEvent {
  kind: 'push';
  /** `owner/name`. */
  repo: string;
  branch: string;
  isDefaultBranch: boolean;
  /** The commit the branch now points to; read files at this ref to see exactly what was pushed. */
  headSha: string;
  /** Paths added, modified or removed by the pushed commits, sorted, each once. */
  touchedPaths: string[];
  /**
   * False when the push may have changed files not in `touchedPaths`: a force push, a new branch, or more commits than
   * GitHub lists (2,048). The sync should then re-read every catalog file of the repository.
   */
  touchedPathsComplete: boolean;
}

export const REPOSITORY_ACTIONS = [
  'created',
  'deleted',
  'archived',
  'unarchived',
  'renamed',
  'transferred',
  'publicized',
  'privatized',
  'edited',
] as const;

export type RepositoryAction = (typeof REPOSITORY_ACTIONS)[number];

/** Something happened to a repository itself. */
export interface RepositoryEvent {
  kind: 'repository';
  action: RepositoryAction;
  /** `owner/name` after the event. */
  repo: string;
  archived: boolean;
  /** For `renamed` and `transferred`: the `owner/name` the catalog may still know it by. */
  previousFullName?: string;
}

/** A delivery the sync has nothing to do for (a ping, a tag push, an event it does not use). */
export interface IgnoredEvent {
  kind: 'ignored';
  reason: string;
}

export type GitHubWebhookEvent = PushEvent | RepositoryEvent | IgnoredEvent;

/** GitHub lists at most this many commits in a push payload. */
const MAX_LISTED_COMMITS = 2048;

const RepositorySchema = z.object({
  full_name: z.string(),
  name: z.string(),
  owner: z.object({ login: z.string() }),
  default_branch: z.string(),
  archived: z.boolean().default(false),
});

const CommitPathsSchema = z.object({
  added: z.array(z.string()).default([]),
  modified: z.array(z.string()).default([]),
  removed: z.array(z.string()).default([]),
});

const PushSchema = z.object({
  ref: z.string(),
  after: z.string(),
  created: z.boolean().default(false),
  deleted: z.boolean().default(false),
  forced: z.boolean().default(false),
  repository: RepositorySchema,
  commits: z.array(CommitPathsSchema).default([]),
  head_commit: CommitPathsSchema.nullish(),
});

const AccountSchema = z.object({ login: z.string() });

const RepositoryEventSchema = z.object({
  action: z.string(),
  repository: RepositorySchema,
  changes: z
    .object({
      repository: z.object({ name: z.object({ from: z.string() }).optional() }).optional(),
      owner: z
        .object({ from: z.object({ organization: AccountSchema.optional(), user: AccountSchema.optional() }) })
        .optional(),
    })
    .optional(),
});

/**
 * Reads one delivery. `event` is the `X-GitHub-Event` header; `payload` the parsed JSON body.
 * Throws `InputError` naming each bad field and what was expected when a `push` or `repository` payload is malformed.
 */
export function parseGitHubWebhook(opts: { event: string; payload: unknown }): GitHubWebhookEvent {
  switch (opts.event) {
    case 'push':
      return parsePush(parse(PushSchema, opts.payload, 'push'));
    case 'repository':
      return parseRepositoryEvent(parse(RepositoryEventSchema, opts.payload, 'repository'));
    case 'ping':
      return { kind: 'ignored', reason: 'ping: GitHub checking that the webhook is reachable' };
    default:
      return { kind: 'ignored', reason: `the ${opts.event} event is not used` };
  }
}

function parsePush(push: z.output<typeof PushSchema>): PushEvent | IgnoredEvent {
  const repo = push.repository.full_name;
  if (!push.ref.startsWith('refs/heads/')) return { kind: 'ignored', reason: `a push to ${push.ref}, not a branch` };
  const branch = push.ref.slice('refs/heads/'.length);
  if (push.deleted) return { kind: 'ignored', reason: `branch ${branch} of ${repo} was deleted` };
  const paths = new Set<string>();
  for (const commit of [...push.commits, ...(push.head_commit ? [push.head_commit] : [])]) {
    for (const path of [...commit.added, ...commit.modified, ...commit.removed]) paths.add(path);
  }
  return {
    kind: 'push',
    repo,
    branch,
    isDefaultBranch: branch === push.repository.default_branch,
    headSha: push.after,
    touchedPaths: [...paths].sort(),
    touchedPathsComplete: !push.forced && !push.created && push.commits.length < MAX_LISTED_COMMITS,
  };
}

function parseRepositoryEvent(payload: z.output<typeof RepositoryEventSchema>): RepositoryEvent | IgnoredEvent {
  const action = REPOSITORY_ACTIONS.find((known) => known === payload.action);
  const repo = payload.repository.full_name;
  if (!action) return { kind: 'ignored', reason: `repository action ${payload.action} is not used` };
  const event: RepositoryEvent = { kind: 'repository', action, repo, archived: payload.repository.archived };
  if (action === 'renamed') {
    const from = payload.changes?.repository?.name?.from;
    if (!from) throw invalid('repository', ['changes', 'repository', 'name', 'from'], 'expected the previous name');
    event.previousFullName = `${payload.repository.owner.login}/${from}`;
  }
  if (action === 'transferred') {
    const from = payload.changes?.owner?.from;
    const previousOwner = from?.organization?.login ?? from?.user?.login;
    if (!previousOwner) {
      throw invalid('repository', ['changes', 'owner', 'from'], 'expected the previous organization or user');
    }
    event.previousFullName = `${previousOwner}/${payload.repository.name}`;
  }
  return event;
}

/**
 * True when the push may have changed one of `catalogPaths` (the configured descriptor paths plus any other
 * descriptor files the sync knows in that repository, such as a Location's targets). Paths are compared exactly, as
 * git does (case-sensitive), relative to the repository root.
 */
export function pushTouchesCatalog(opts: { push: PushEvent; catalogPaths: readonly string[] }): boolean {
  return !opts.push.touchedPathsComplete || touchedCatalogPaths(opts).length > 0;
}

/** The catalog paths among the push's touched paths. */
export function touchedCatalogPaths(opts: { push: PushEvent; catalogPaths: readonly string[] }): string[] {
  const wanted = new Set(opts.catalogPaths.map((path) => path.replace(/^\/+/, '')));
  return opts.push.touchedPaths.filter((path) => wanted.has(path));
}

function parse<T extends z.ZodType>(schema: T, payload: unknown, event: string): z.output<T> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || 'payload'} ${issue.message.replace(/^Invalid input: /, '')}`,
  );
  throw new InputError(`The GitHub ${event} payload is not valid: ${problems.join('; ')}`, { cause: result.error });
}

function invalid(event: string, path: string[], expected: string): InputError {
  return new InputError(`The GitHub ${event} payload is not valid: ${path.join('.')} ${expected}`);
}
