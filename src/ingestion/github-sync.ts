/**
 * Keeps the catalog in step with a GitHub organisation: each repository's descriptor files (and the files their
 * Location entities name) and the organisation's teams and members, imported through the same validation as
 * `catalog import`.
 *
 * Cheap when nothing changed: the repository listing is read with ETags (all 304s when unchanged), and a repository
 * GitHub lists with the same push time and default branch as at its last sync is not read at all. A repository that
 * is read asks for its files with ETags too.
 *
 * Each repository is a scope (`github:acme/payments-api`) and the teams are one (`github-teams:acme`): an entity of a
 * scope read again that is no longer in it becomes an orphan, and so do all entities of a repository that is gone
 * (deleted, archived, transferred away, no longer matching the filters). A repository GitHub fails on is left as it
 * was, and is read again at the next sync.
 */

import { posix } from 'node:path';
import { locationSpecOf } from '../core/catalog/descriptor.ts';
import type { RefreshOutcome, SourceScope } from '../core/catalog/records.ts';
import type { EntityRef, ImportCounts, IngestError, ProcessedEntity } from '../core/catalog/types.ts';
import { isWayfinderError } from '../core/errors.ts';
import { mapConcurrently } from '../core/map-concurrently.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { GitHubGateway, GitHubRepository } from '../core/ports/github-gateway.ts';
import type { RepositorySyncState, SyncStateStore } from '../core/ports/sync-state-store.ts';
import { formatNumber } from '../core/text.ts';
import type { Logger } from '../logger.ts';
import { readGitHubTeams, type SourceRead } from './github-teams.ts';
import { createGitHubUrlReader } from './github-url-reader.ts';
import { countFailedDocuments } from './import-catalog.ts';
import { collectDescriptorText, createDescriptorLoad, type DescriptorLoad } from './load-descriptors.ts';

/** Requests in flight at once; octokit's throttling allows ten per client. */
const CONCURRENCY = 8;

export interface GitHubSyncSettings {
  org: string;
  /** Descriptor files in each repository, relative to its root (`catalog-info.yaml`). */
  catalogPaths: readonly string[];
  includeForks: boolean;
  /** Only repositories with this topic. */
  topic?: string;
}

export interface SyncSummary {
  /** Repositories of the organisation that match the filters. */
  repositories: number;
  /** Of those, read this time; the others were unchanged since their last sync. */
  read: number;
  /** Repositories whose entities were orphaned: deleted, archived, transferred or filtered out since. */
  gone: number;
  /**
   * The repositories read this time, as GitHub listed them, and the full names of those gone: what the docs from
   * GitHub refresh after a sync (`src/docs/github-docs.ts`).
   */
  changes: { read: GitHubRepository[]; gone: string[] };
  /** Repositories (or the teams) GitHub failed on; their entities were left as they were. */
  failed: { source: string; reason: string }[];
  /** Descriptor files read (including those GitHub answered 304 for). */
  files: number;
  counts: ImportCounts;
  errors: IngestError[];
  /**
   * GitHub requests made (every one GitHub received, retries included), how many were answered 304 (free of rate
   * limit), and the rate limit left.
   */
  requests: number;
  notModified: number;
  rateLimitRemaining: number | null;
}

export type SyncProgress = (event: { done: number; total: number }) => void;

interface RepositoryRead extends SourceRead {
  repository: GitHubRepository;
  descriptorPaths: string[];
}

type Outcome<T> = { ok: true; value: T } | { ok: false; source: string; reason: string };

export class GitHubCatalogSync {
  readonly #gateway: GitHubGateway;
  readonly #store: CatalogStore;
  readonly #state: SyncStateStore;
  readonly #settings: GitHubSyncSettings;
  readonly #logger: Logger;

  constructor(opts: {
    gateway: GitHubGateway;
    store: CatalogStore;
    state: SyncStateStore;
    settings: GitHubSyncSettings;
    logger: Logger;
  }) {
    this.#gateway = opts.gateway;
    this.#store = opts.store;
    this.#state = opts.state;
    this.#settings = opts.settings;
    this.#logger = opts.logger;
  }

  /** The scope of the organisation's teams and people. */
  get teamsScope(): string {
    return `github-teams:${this.#settings.org.toLowerCase()}`;
  }

  /** Lists the organisation and reads what changed since the last sync (everything with `force`), and the teams. */
  async syncOrganisation(opts: { force?: boolean; onProgress?: SyncProgress } = {}): Promise<SyncSummary> {
    const start = this.#gateway.stats();
    const listing = await this.#gateway.listRepositories({ org: this.#settings.org });
    const wanted = listing.value.filter((repository) => this.#wants(repository));
    const known = new Map((await this.#state.listRepositories()).map((state) => [key(state.fullName), state]));
    const wantedKeys = new Set(wanted.map((repository) => key(repository.fullName)));
    const toRead = opts.force
      ? wanted
      : wanted.filter((repository) => hasChanged(known.get(key(repository.fullName)), repository));
    const gone = [...known.values()]
      .filter((state) => !wantedKeys.has(key(state.fullName)))
      .map((state) => state.fullName);

    let done = 0;
    const total = toRead.length + 1;
    const progress = () => opts.onProgress?.({ done: ++done, total });
    const [reads, teams] = await Promise.all([
      mapConcurrently(toRead, CONCURRENCY, async (repository) => {
        const read = await this.#attempt(repository.fullName, () => this.#readRepository(repository));
        progress();
        return read;
      }),
      this.#attempt('teams', () => this.#readTeams()).finally(progress),
    ]);
    return this.#import({ start, repositories: wanted.length, reads, teams, gone });
  }

  /**
   * Reads the named repositories now, whatever changed (a webhook, `/wayfinder refresh`). A repository that no
   * longer exists, is archived, or left the organisation has its entities orphaned; a renamed one is read under its
   * new name and its old name forgotten.
   */
  async syncRepositories(opts: { fullNames: readonly string[] }): Promise<SyncSummary> {
    const start = this.#gateway.stats();
    const found = await mapConcurrently(opts.fullNames, CONCURRENCY, async (fullName) => ({
      fullName,
      repository: await this.#attempt(fullName, () => this.#gateway.getRepository({ fullName })),
    }));
    const gone: string[] = [];
    const toRead: GitHubRepository[] = [];
    const failed: Outcome<never>[] = [];
    for (const { fullName, repository } of found) {
      if (!repository.ok) {
        failed.push(repository);
        continue;
      }
      const current = repository.value;
      if (!current || !this.#wants(current)) {
        gone.push(fullName);
        continue;
      }
      if (key(current.fullName) !== key(fullName)) gone.push(fullName);
      toRead.push(current);
    }
    const reads = await mapConcurrently(toRead, CONCURRENCY, (repository) =>
      this.#attempt(repository.fullName, () => this.#readRepository(repository)),
    );
    return this.#import({ start, repositories: toRead.length, reads: [...reads, ...failed], gone });
  }

  /** Orphans the entities of repositories that are gone (a `repository` webhook: deleted, archived, transferred). */
  async forgetRepositories(opts: { fullNames: readonly string[] }): Promise<SyncSummary> {
    return this.#import({ start: this.#gateway.stats(), repositories: 0, reads: [], gone: [...opts.fullNames] });
  }

  /** Reads the organisation's teams and people again. */
  async syncTeams(): Promise<SyncSummary> {
    const start = this.#gateway.stats();
    const teams = await this.#attempt('teams', () => this.#readTeams());
    return this.#import({ start, repositories: 0, reads: [], teams, gone: [] });
  }

  /** `/wayfinder refresh` for an entity synced from GitHub. */
  async refreshScope(opts: { scope: string }): Promise<RefreshOutcome> {
    const fullName = opts.scope.startsWith('github:') ? opts.scope.slice('github:'.length) : undefined;
    if (!fullName && opts.scope !== this.teamsScope) {
      return {
        status: 'unsupported',
        reason: `${opts.scope} is not a source this Wayfinder syncs (GITHUB_ORG is ${this.#settings.org}).`,
      };
    }
    const summary = fullName ? await this.syncRepositories({ fullNames: [fullName] }) : await this.syncTeams();
    const source = fullName ?? `the teams of ${this.#settings.org}`;
    const [failure] = summary.failed;
    if (failure) return { status: 'unavailable', source, reason: failure.reason };
    return { status: 'refreshed', source, counts: summary.counts, errors: summary.errors };
  }

  #wants(repository: GitHubRepository): boolean {
    const { includeForks, topic, org } = this.#settings;
    return (
      !repository.archived &&
      (includeForks || !repository.fork) &&
      (!topic || repository.topics.includes(topic)) &&
      key(repository.owner) === key(org)
    );
  }

  /** Runs one source's reads; GitHub failing on it is an outcome for that source, not the end of the sync. */
  async #attempt<T>(source: string, read: () => Promise<T>): Promise<Outcome<T>> {
    try {
      return { ok: true, value: await read() };
    } catch (error) {
      if (!isWayfinderError(error)) throw error;
      this.#logger.warn(`GitHub sync: ${source} left as it was: ${error.message}`);
      return { ok: false, source, reason: error.message };
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Repositories

  async #readRepository(repository: GitHubRepository): Promise<RepositoryRead> {
    // `$text: ./openapi.yaml` and the like are read from the repository (or any GitHub URL) through the gateway.
    const load = createDescriptorLoad({ reader: createGitHubUrlReader({ gateway: this.#gateway }) });
    const descriptorPaths: string[] = [];
    for (const path of this.#settings.catalogPaths) {
      await this.#readDescriptorFile(load, repository, path, { descriptorPaths, required: false });
    }
    return {
      scope: repositoryScope(repository.fullName),
      repository,
      descriptorPaths,
      entities: load.entities,
      errors: load.errors,
      locations: load.locations,
    };
  }

  /** Reads one descriptor file of the repository, then the files its Location entities name. */
  async #readDescriptorFile(
    load: DescriptorLoad,
    repository: GitHubRepository,
    path: string,
    opts: { descriptorPaths: string[]; required: boolean },
  ): Promise<'missing' | undefined> {
    if (load.readFiles.has(path)) return undefined;
    load.readFiles.add(path);
    const file = await this.#gateway.readFile({ repo: repository.fullName, path, ref: repository.defaultBranch });
    if ('missing' in file) return opts.required ? 'missing' : undefined;
    opts.descriptorPaths.push(path);
    for (const entity of await collectDescriptorText(load, { text: file.value.text, url: file.value.htmlUrl })) {
      const spec = locationSpecOf(entity);
      for (const { field, target } of spec.targets) {
        const resolved = resolveTarget({ repository, from: path, target });
        if ('problem' in resolved) {
          load.errors.push({ ...entity.source, field, entityRef: entity.ref, message: resolved.problem });
          continue;
        }
        const result = await this.#readDescriptorFile(load, repository, resolved.path, {
          ...opts,
          required: spec.presence === 'required',
        });
        if (result === 'missing') {
          load.errors.push({
            ...entity.source,
            field,
            entityRef: entity.ref,
            message: `Target "${target}" does not exist in ${repository.fullName} on ${repository.defaultBranch} (${resolved.path}); expected a descriptor file, or presence: optional if it may be missing.`,
          });
        }
      }
    }
    return undefined;
  }

  /** The organisation's teams and people, as Groups and Users (`github-teams.ts`). */
  #readTeams(): Promise<SourceRead> {
    return readGitHubTeams({
      gateway: this.#gateway,
      org: this.#settings.org,
      scope: this.teamsScope,
      concurrency: CONCURRENCY,
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Storing

  async #import(opts: {
    start: { requests: number; notModified: number };
    repositories: number;
    reads: readonly Outcome<RepositoryRead>[];
    teams?: Outcome<SourceRead>;
    gone: readonly string[];
  }): Promise<SyncSummary> {
    const failed = [...opts.reads, ...(opts.teams ? [opts.teams] : [])].flatMap((outcome) =>
      outcome.ok ? [] : [{ source: outcome.source, reason: outcome.reason }],
    );
    const repositories = opts.reads.flatMap((outcome) => (outcome.ok ? [outcome.value] : []));
    const teams = opts.teams?.ok ? opts.teams.value : undefined;
    const files = repositories.flatMap((read) => read.entities);
    const fileErrors = repositories.flatMap((read) => read.errors);

    // Files first, then people: a Group or User defined in a file wins over the one made from a GitHub team.
    const fromFiles = keepFirstDefinitions(files, fileErrors);
    const storedScopes = await this.#store.listSourceScopes({
      refs: (teams?.entities ?? []).map((entity) => entity.ref),
    });
    const fileRefs = new Set(fromFiles.map((entity) => entity.ref));
    const fromTeams = (teams?.entities ?? []).filter((entity) => {
      const stored = storedScopes.get(entity.ref);
      return !fileRefs.has(entity.ref) && (!stored || stored.orphan || stored.scope === this.teamsScope);
    });

    const scopes: SourceScope[] = [
      ...repositories.map((read) => ({ scope: read.scope, refs: refsIn(fromFiles, read.entities) })),
      ...opts.gone.map((fullName) => ({ scope: repositoryScope(fullName), refs: [] })),
      ...(teams ? [{ scope: teams.scope, refs: fromTeams.map((entity) => entity.ref) }] : []),
    ];
    const errors = [...fileErrors, ...(teams?.errors ?? [])];
    const locations = [
      ...repositories.flatMap((read) => read.locations),
      ...(teams?.locations ?? []),
      ...(await this.#staleErrorLocations([...repositories.map((read) => read.repository.fullName), ...opts.gone])),
    ];
    // An entity another repository already defines (not orphaned, and not read or gone in this sync: a renamed
    // repository's entities move) is refused under the write lock, so two replicas syncing at once keep one.
    const { refused, ...written } = await this.#store.importEntities({
      entities: [...fromFiles, ...fromTeams],
      errors,
      locations,
      scopes,
      firstDefinitionWins: {
        scopePrefix: 'github:',
        describeDefinition: ({ scope }) => describeRepositoryScope(scope),
      },
    });
    errors.push(...refused);

    await this.#state.saveRepositories({ states: repositories.map(toSyncState) });
    await this.#state.forgetRepositories({ fullNames: opts.gone });
    const stats = this.#gateway.stats();
    return {
      repositories: opts.repositories,
      read: repositories.length,
      gone: opts.gone.length,
      changes: { read: repositories.map((read) => read.repository), gone: [...opts.gone] },
      failed,
      files: repositories.reduce((sum, read) => sum + read.descriptorPaths.length, 0),
      counts: { ...written, failed: countFailedDocuments(errors) },
      errors,
      requests: stats.requests - opts.start.requests,
      notModified: stats.notModified - opts.start.notModified,
      rateLimitRemaining: stats.rateLimitRemaining,
    };
  }

  /** Locations with stored errors in the given repositories: read again (or gone), their old errors are replaced. */
  async #staleErrorLocations(fullNames: readonly string[]): Promise<string[]> {
    if (fullNames.length === 0) return [];
    const names = new Set(fullNames.map(key));
    const stored = await this.#store.listIngestErrors();
    return [...new Set(stored.map((error) => error.location))].filter((location) => {
      const fullName = repositoryOfLocation(location);
      return fullName !== undefined && names.has(key(fullName));
    });
  }
}

/** The CLI's closing lines: what was seen, read and written, and what it cost in GitHub requests. */
export function formatSyncSummary(org: string, summary: SyncSummary): string {
  const n = formatNumber;
  const { counts } = summary;
  const unchanged = summary.repositories - summary.read;
  return [
    `Synced ${org}: ${n(summary.repositories)} repositories (${n(summary.read)} read, ${n(unchanged)} unchanged since the last sync, ${n(summary.gone)} gone, ${n(summary.failed.length)} failed), ${n(summary.files)} descriptor files.`,
    `Entities: ${n(counts.created)} created, ${n(counts.updated)} updated, ${n(counts.unchanged)} unchanged, ${n(counts.orphaned)} orphaned; ${n(counts.failed)} documents failed.`,
    `GitHub: ${n(summary.requests)} requests, ${n(summary.notModified)} answered 304 Not Modified (free of rate limit); rate limit left: ${summary.rateLimitRemaining === null ? 'unknown' : n(summary.rateLimitRemaining)}.`,
  ].join('\n');
}

// -----------------------------------------------------------------------------------------------------------------
// Helpers

function key(name: string): string {
  return name.toLowerCase();
}

export function repositoryScope(fullName: string): string {
  return `github:${key(fullName)}`;
}

function hasChanged(known: RepositorySyncState | undefined, repository: GitHubRepository): boolean {
  return !known || known.pushedAt !== repository.pushedAt || known.defaultBranch !== repository.defaultBranch;
}

function toSyncState(read: RepositoryRead): RepositorySyncState {
  return {
    fullName: read.repository.fullName,
    defaultBranch: read.repository.defaultBranch,
    pushedAt: read.repository.pushedAt,
    descriptorPaths: read.descriptorPaths,
  };
}

/** `acme/payments-api` from `url:https://github.com/acme/payments-api/blob/main/catalog-info.yaml`. */
function repositoryOfLocation(location: string): string | undefined {
  const match = /^url:https?:\/\/[^/]+\/(?:[^/]+\/)*?([^/]+\/[^/]+)\/blob\//.exec(location);
  return match?.[1];
}

function refsIn(kept: readonly ProcessedEntity[], read: readonly ProcessedEntity[]): EntityRef[] {
  const keptSet = new Set(kept);
  return read.filter((entity) => keptSet.has(entity)).map((entity) => entity.ref);
}

/**
 * The first definition of each ref in this sync wins; a later one is an error at its document. Against the catalog,
 * `importEntities`' `firstDefinitionWins` decides, under the write lock.
 */
function keepFirstDefinitions(entities: readonly ProcessedEntity[], errors: IngestError[]): ProcessedEntity[] {
  const seen = new Map<EntityRef, ProcessedEntity>();
  const kept: ProcessedEntity[] = [];
  for (const entity of entities) {
    const first = seen.get(entity.ref);
    if (first) {
      errors.push({
        ...entity.source,
        field: 'metadata.name',
        entityRef: entity.ref,
        message: `${entity.ref} is already defined in ${first.source.location.replace(/^url:/, '')}; each entity may be defined once.`,
      });
      continue;
    }
    seen.set(entity.ref, entity);
    kept.push(entity);
  }
  return kept;
}

/** `github:acme/payments` → `repository acme/payments`, as a conflict names the repository that keeps an entity. */
function describeRepositoryScope(scope: string): string {
  return `repository ${scope.slice('github:'.length)}`;
}

/**
 * A Location target inside a repository: a path relative to the file that names it, or a URL of a file in the same
 * repository (`https://github.com/acme/x/blob/main/a/catalog-info.yaml`). Globs, directories outside the
 * repository and other repositories are refused with what to do instead.
 */
export function resolveTarget(opts: {
  repository: Pick<GitHubRepository, 'fullName' | 'htmlUrl'>;
  from: string;
  target: string;
}): { path: string } | { problem: string } {
  const { repository, target } = opts;
  if (/[*?[\]{}]/.test(target)) {
    return {
      problem: `Target "${target}" is a glob pattern, which Wayfinder does not expand in a repository; list each file.`,
    };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    const prefix = `${repository.htmlUrl.replace(/\/+$/, '')}/blob/`;
    if (!target.toLowerCase().startsWith(prefix.toLowerCase())) {
      return {
        problem: `Target "${target}" is outside ${repository.fullName}; Wayfinder reads each repository of the organisation on its own, so keep that file's Location in its own repository.`,
      };
    }
    // After /blob/ comes the ref, then the path; the sync always reads the default branch.
    const rest = target.slice(prefix.length).split('/').slice(1).join('/');
    return rest ? { path: decodeURIComponent(rest) } : { problem: `Target "${target}" names no file.` };
  }
  const path = posix.normalize(posix.join(posix.dirname(opts.from), target));
  if (path.startsWith('../') || path === '..' || path.startsWith('/')) {
    return {
      problem: `Target "${target}" points outside ${repository.fullName}; expected a path inside the repository.`,
    };
  }
  return { path };
}
