/**
 * Docs read from GitHub (issue 10): for each catalog entity with `backstage.io/techdocs-ref`, the markdown of the
 * folder it names (`src/core/catalog/techdocs.ts`), read through the GitHub gateway and indexed with `indexDocs` as
 * the source `techdocs:<entity ref>`, each page linked to GitHub (`https://github.com/acme/x/blob/main/docs/a.md#b`).
 *
 * Which files: with an `mkdocs.yml` (or `mkdocs.yaml`) in the folder, every markdown file under its `docs_dir`
 * (default `docs`), those its `nav` lists first, in nav order and titled as there (MkDocs builds the others too);
 * without one, every markdown file under the folder's `docs/`.
 *
 * Costs: one recursive tree read per source (which files, with their Git blob shas, and whether there is an
 * mkdocs.yml). A tree whose markdown and mkdocs.yml blobs are those of the last complete indexing (the source's
 * fingerprint) ends there: an unchanged repository costs its repository and tree requests. Otherwise the mkdocs.yml
 * is read (with its ETag), and only the pages whose blob sha (or nav title) changed: each stored page keeps the
 * version it was indexed at (`fileVersion`). A changed blob with the same text (a revert) writes nothing.
 *
 * Who may read them: docs of a private (or internal) repository are left out, and dropped if they were indexed,
 * unless `WAYFINDER_DOCS_PRIVATE_REPOS=true`: whoever asks `/ask` may not be able to see that repository on GitHub.
 *
 * Failures never stop the others: a ref Wayfinder cannot read, a missing docs folder or a malformed mkdocs.yml is
 * logged as a warning naming the entity and the file (and listed in the summary); GitHub failing leaves that
 * source as it was, for the next refresh.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { ANNOTATIONS } from '../core/catalog/annotations.ts';
import type { EntityRecord } from '../core/catalog/records.ts';
import { joinFolder, repositoryOfSource, resolveTechDocsRef, type TechDocsLocation } from '../core/catalog/techdocs.ts';
import type { EntityRef } from '../core/catalog/types.ts';
import { isWayfinderError } from '../core/errors.ts';
import { mapConcurrently } from '../core/map-concurrently.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { DocsIndexStore } from '../core/ports/docs-index-store.ts';
import type { Embedder } from '../core/ports/embedder.ts';
import type { GitHubGateway, GitHubRepository } from '../core/ports/github-gateway.ts';
import { countOf } from '../core/text.ts';
import type { Logger } from '../logger.ts';
import { addSummary } from './demo-docs.ts';
import { type DocFile, fileVersion, type IndexSummary, indexDocs, indexSettings } from './indexer.ts';
import { parseMkDocs } from './mkdocs.ts';

/** Prefix of the keys of the sources read from GitHub; the rest is the entity's ref. */
export const TECHDOCS_SOURCE_PREFIX = 'techdocs:';

/**
 * Sources read at once, and file reads in flight per source: at most 12 requests, which octokit's throttling (ten
 * per client) queues. Each source waits on a few reads one after another (repository, tree, mkdocs.yml).
 */
const SOURCE_CONCURRENCY = 4;
const CONCURRENCY = 3;

const MARKDOWN = /\.(md|markdown)$/i;

export interface GitHubDocsSummary extends IndexSummary {
  /** Sources read from GitHub this time. */
  read: number;
  /** Sources dropped: annotation, entity or repository gone, or the repository private. */
  dropped: number;
  /** What could not be read, by entity, each logged as a warning too. */
  problems: { entityRef: EntityRef; message: string }[];
  /** Sources left out on purpose (a private repository without `WAYFINDER_DOCS_PRIVATE_REPOS`), by entity. */
  skipped: { entityRef: EntityRef; message: string }[];
}

interface WantedSource {
  key: string;
  entity: EntityRecord;
  location: TechDocsLocation;
}

export class GitHubDocs {
  readonly #gateway: GitHubGateway;
  readonly #catalog: Pick<CatalogStore, 'listAnnotated'>;
  readonly #index: DocsIndexStore;
  readonly #embedder: Embedder | undefined;
  readonly #privateRepos: boolean;
  readonly #webUrl: string;
  readonly #logger: Logger;

  constructor(opts: {
    gateway: GitHubGateway;
    catalog: Pick<CatalogStore, 'listAnnotated'>;
    index: DocsIndexStore;
    embedder?: Embedder;
    /** `WAYFINDER_DOCS_PRIVATE_REPOS`. */
    privateRepos: boolean;
    /** The GitHub pages are on (`https://github.com`, or a GitHub Enterprise Server's address). */
    webUrl?: string;
    logger: Logger;
  }) {
    this.#gateway = opts.gateway;
    this.#catalog = opts.catalog;
    this.#index = opts.index;
    this.#embedder = opts.embedder;
    this.#privateRepos = opts.privateRepos;
    this.#webUrl = (opts.webUrl ?? 'https://github.com').replace(/\/+$/, '');
    this.#logger = opts.logger;
  }

  /** Reads every source now (`wayfinder docs index --github`), and drops those no longer wanted. */
  indexAll(): Promise<GitHubDocsSummary> {
    return this.#run({ all: true, repositories: new Set(), known: new Map() });
  }

  /**
   * After a sync or a push: reads the sources whose docs or catalog file are in the repositories `read` (as GitHub
   * listed them) or `touched` (full names), and those never indexed; drops the sources no longer wanted (annotation
   * removed, entity orphaned, repository gone or private).
   */
  refresh(opts: {
    read?: readonly GitHubRepository[];
    touched?: readonly string[];
    gone?: readonly string[];
  }): Promise<GitHubDocsSummary> {
    const read = opts.read ?? [];
    const names = [...read.map((repository) => repository.fullName), ...(opts.touched ?? []), ...(opts.gone ?? [])];
    return this.#run({
      all: false,
      repositories: new Set(names.map((name) => name.toLowerCase())),
      known: new Map(read.map((repository) => [repository.fullName.toLowerCase(), repository])),
    });
  }

  async #run(opts: {
    all: boolean;
    repositories: ReadonlySet<string>;
    known: ReadonlyMap<string, GitHubRepository>;
  }): Promise<GitHubDocsSummary> {
    const summary: GitHubDocsSummary = {
      files: { indexed: 0, unchanged: 0, removed: 0 },
      chunks: { written: 0, embedded: 0, reused: 0 },
      read: 0,
      dropped: 0,
      problems: [],
      skipped: [],
    };
    const inScope = (entity: EntityRecord, repo?: string) =>
      opts.all ||
      opts.repositories.has(repositoryOfSource(entity.sourceLocation, this.#webUrl) ?? '') ||
      (repo !== undefined && opts.repositories.has(repo.toLowerCase()));

    const wanted: WantedSource[] = [];
    for (const entity of await this.#catalog.listAnnotated({ annotation: ANNOTATIONS.techdocsRef })) {
      const value = entity.envelope.metadata.annotations?.[ANNOTATIONS.techdocsRef] ?? '';
      const resolution = resolveTechDocsRef({
        value,
        ...(entity.sourceLocation ? { sourceLocation: entity.sourceLocation } : {}),
        webUrl: this.#webUrl,
      });
      if (resolution.status === 'github') {
        wanted.push({ key: `${TECHDOCS_SOURCE_PREFIX}${entity.ref}`, entity, location: resolution.location });
      } else if (resolution.status === 'invalid' && inScope(entity)) {
        this.#problem(summary, entity.ref, resolution.message);
      }
    }

    const stored = new Map(
      (await this.#index.listSources({ prefix: TECHDOCS_SOURCE_PREFIX })).map((source) => [source.key, source]),
    );
    const wantedKeys = new Set(wanted.map((source) => source.key));
    for (const key of stored.keys()) {
      if (wantedKeys.has(key)) continue;
      await this.#index.removeSource({ key });
      summary.dropped += 1;
      this.#logger.info(
        `Docs of ${key.slice(TECHDOCS_SOURCE_PREFIX.length)} dropped: the entity or its ${ANNOTATIONS.techdocsRef} is gone.`,
      );
    }

    const toRead = wanted.filter((source) => inScope(source.entity, source.location.repo) || !stored.has(source.key));
    await mapConcurrently(toRead, SOURCE_CONCURRENCY, async (source) => {
      try {
        await this.#indexSource(source, {
          summary,
          known: opts.known,
          storedBaseUrl: stored.get(source.key)?.baseUrl,
          storedFingerprint: stored.get(source.key)?.fingerprint,
          stored: stored.has(source.key),
        });
      } catch (error) {
        if (!isWayfinderError(error)) throw error;
        this.#problem(summary, source.entity.ref, `GitHub failed (${error.message}); its docs were left as they were.`);
      }
    });
    return summary;
  }

  async #indexSource(
    source: WantedSource,
    opts: {
      summary: GitHubDocsSummary;
      known: ReadonlyMap<string, GitHubRepository>;
      storedBaseUrl: string | undefined;
      storedFingerprint: string | undefined;
      stored: boolean;
    },
  ): Promise<void> {
    const { entity, location } = source;
    const { summary } = opts;
    const drop = async () => {
      if (!opts.stored) return;
      await this.#index.removeSource({ key: source.key });
      summary.dropped += 1;
    };
    const repository =
      opts.known.get(location.repo.toLowerCase()) ?? (await this.#gateway.getRepository({ fullName: location.repo }));
    if (!repository) {
      await drop();
      this.#problem(
        summary,
        entity.ref,
        `${ANNOTATIONS.techdocsRef} names ${location.repo}, which does not exist on GitHub (or the credentials cannot see it); its docs are dropped.`,
      );
      return;
    }
    if (repository.private && !this.#privateRepos) {
      await drop();
      // Debug: a private source never indexed is looked at again by every refresh.
      this.#logger.debug(
        `Docs of ${entity.ref} left out: ${repository.fullName} is private (WAYFINDER_DOCS_PRIVATE_REPOS=true indexes them, for anyone who can /ask).`,
      );
      summary.skipped.push({
        entityRef: entity.ref,
        message: `${repository.fullName} is private; left out (WAYFINDER_DOCS_PRIVATE_REPOS=true indexes it).`,
      });
      return;
    }
    const ref = location.ref ?? repository.defaultBranch;
    const where = `${repository.fullName} on ${ref}`;
    const tree = await this.#gateway.listFiles({ repo: repository.fullName, ref });
    if ('missing' in tree) {
      await drop();
      this.#problem(summary, entity.ref, `${where}: no such branch, tag or commit; its docs are dropped.`);
      return;
    }
    if (tree.value.truncated) {
      this.#problem(
        summary,
        entity.ref,
        `${where}: GitHub listed only part of the repository (too many files); some pages may be missing.`,
      );
    }
    const fingerprint = treeFingerprint({
      files: tree.value.files,
      where: `${this.#webUrl}/${repository.fullName}@${ref}:${location.folder}`,
      settings: indexSettings(this.#embedder),
    });
    if (!tree.value.truncated && opts.storedFingerprint === fingerprint) {
      // The same markdown and mkdocs.yml as at the last complete indexing: nothing to read.
      summary.files.unchanged += (await this.#index.fileVersions({ sourceKey: source.key })).size;
      summary.read += 1;
      return;
    }
    const shas = new Map(tree.value.files.map((file) => [file.path, file.sha]));
    const paths = new Set(shas.keys());
    const inFolder = (name: string) => (location.folder ? `${location.folder}/${name}` : name);
    const mkdocsPath = ['mkdocs.yml', 'mkdocs.yaml'].map(inFolder).find((path) => paths.has(path));

    let root = inFolder('docs');
    let navTitles = new Map<string, string>();
    if (mkdocsPath) {
      const file = await this.#gateway.readFile({ repo: repository.fullName, path: mkdocsPath, ref });
      if ('missing' in file) return;
      try {
        const config = parseMkDocs(file.value.text);
        const docsRoot = joinFolder(location.folder, config.docsDir);
        if (docsRoot === undefined) throw new Error(`docs_dir ${config.docsDir} is outside the repository`);
        root = docsRoot;
        navTitles = config.navTitles;
      } catch (error) {
        this.#problem(
          summary,
          entity.ref,
          `${repository.fullName}/${mkdocsPath} on ${ref} is not a valid mkdocs.yml (${firstLine(error)}); its docs were left as they were.`,
        );
        return;
      }
    }

    const prefix = root ? `${root}/` : '';
    const pages = [...paths].filter((path) => path.startsWith(prefix) && MARKDOWN.test(path));
    const relative = (path: string) => path.slice(prefix.length);
    const navOrder = [...navTitles.keys()];
    const rank = (path: string) => {
      const index = navOrder.indexOf(relative(path));
      return index < 0 ? navOrder.length : index;
    };
    pages.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    if (pages.length === 0) {
      this.#problem(
        summary,
        entity.ref,
        `${repository.fullName}/${prefix || ''} on ${ref} holds no markdown files; expected the docs as ${prefix || ''}*.md${mkdocsPath ? ` (docs_dir of ${mkdocsPath})` : ` (or an mkdocs.yml in ${location.folder || 'the repository root'})`}.`,
      );
    }
    for (const missing of navOrder.filter((page) => !paths.has(`${prefix}${page}`))) {
      this.#logger.warn(
        `Docs of ${entity.ref}: the nav of ${repository.fullName}/${mkdocsPath} names ${posix.join(root, missing)}, which is not on ${ref}.`,
      );
    }

    const baseUrl = `${this.#webUrl}/${repository.fullName}/blob/${[ref, ...root.split('/')].filter(Boolean).map(encodeURIComponent).join('/')}/`;
    // Pages whose text is unchanged keep their chunks, links included: a new address means indexing them afresh.
    const moved = opts.storedBaseUrl !== undefined && opts.storedBaseUrl !== baseUrl;
    if (moved) await this.#index.removeSource({ key: source.key });
    const versions =
      opts.stored && !moved ? await this.#index.fileVersions({ sourceKey: source.key }) : new Map<string, string>();
    // A page whose blob (and nav title) is the one indexed last time is not read: its version says it is unchanged.
    const unchanged: string[] = [];
    const toRead: { path: string; blobSha: string; title: string | undefined }[] = [];
    for (const path of pages) {
      const title = navTitles.get(relative(path));
      const blobSha = shas.get(path) ?? '';
      if (versions.get(relative(path)) === fileVersion(blobSha, title)) unchanged.push(relative(path));
      else toRead.push({ path, blobSha, title });
    }
    let complete = !tree.value.truncated;
    const files: DocFile[] = (
      await mapConcurrently(toRead, CONCURRENCY, async ({ path, blobSha, title }): Promise<DocFile | undefined> => {
        const file = await this.#gateway.readFile({ repo: repository.fullName, path, ref });
        if ('missing' in file) {
          complete = false;
          return undefined;
        }
        return { path: relative(path), markdown: file.value.text, blobSha, ...(title ? { title } : {}) };
      })
    ).filter((file): file is DocFile => file !== undefined);

    const indexed = await indexDocs({
      store: this.#index,
      source: { key: source.key, entityRef: entity.ref, baseUrl },
      files,
      unchanged,
      ...(this.#embedder ? { embedder: this.#embedder } : {}),
    });
    // Only a complete indexing of this tree lets the next run with the same tree skip it.
    await this.#index.setSourceFingerprint({
      key: source.key,
      fingerprint: complete && indexed.embeddingFailure === undefined ? fingerprint : null,
    });
    addSummary(summary, indexed);
    summary.read += 1;
  }

  #problem(summary: GitHubDocsSummary, entityRef: EntityRef, message: string): void {
    summary.problems.push({ entityRef, message });
    this.#logger.warn(`Docs of ${entityRef}: ${message}`);
  }
}

/**
 * What a source's indexing reads from its tree: the blob shas of every markdown file and mkdocs.yml of the
 * repository (whichever folder the docs turn out to be in), where they are read from, and the indexing settings.
 */
function treeFingerprint(opts: {
  files: readonly { path: string; sha: string }[];
  where: string;
  settings: string;
}): string {
  const hash = createHash('sha256').update(`${opts.where}\u0000${opts.settings}\u0000`);
  const read = opts.files
    .filter((file) => MARKDOWN.test(file.path) || /(^|\/)mkdocs\.ya?ml$/.test(file.path))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of read) hash.update(`${file.path}\u0000${file.sha}\n`);
  return hash.digest('hex');
}

/** An error's message up to its first line break (YAML's errors go on with a picture of the line). */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? message;
}

/** The CLI's and the log's line for a run. */
export function formatGitHubDocsSummary(summary: GitHubDocsSummary): string {
  const { files, chunks } = summary;
  return `Docs from GitHub: ${countOf(summary.read, 'source')} read, ${summary.dropped} dropped, ${summary.skipped.length} private left out, ${countOf(summary.problems.length, 'problem')}; ${countOf(files.indexed, 'file')} indexed, ${files.unchanged} unchanged, ${files.removed} removed; ${countOf(chunks.written, 'chunk')} written (${chunks.embedded} embedded, ${countOf(chunks.reused, 'embedding')} reused).`;
}
