/**
 * `wayfinder docs index <dir> --entity <name> [--base-url <url>]`, `wayfinder docs index --github`,
 * `wayfinder docs status`, `wayfinder docs forget <dir|source>` and
 * `wayfinder ask "<question>" [--entity <name> | --team <name>]`, registered on the program `src/cli.ts` builds.
 * The wiring is passed in (`open`), so this file knows no database.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { repositoryUrl } from '../core/catalog/facts.ts';
import { explainResolution, SUGGESTIONS } from '../core/commands/resolve.ts';
import { InputError } from '../core/errors.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { DocsIndexStatus } from '../core/ports/docs-index-store.ts';
import { countOf, plural } from '../core/text.ts';
import type { Message } from '../core/view-model.ts';
import { DEMO_DOCS_PREFIX } from './demo-docs.ts';
import { formatGitHubDocsSummary, type GitHubDocs, TECHDOCS_SOURCE_PREFIX } from './github-docs.ts';
import { type IndexSummary, indexDocs } from './indexer.ts';
import { readLocalDocs } from './local-source.ts';
import type { Docs } from './services.ts';

/** The key prefix of a folder's source (`dir:/srv/docs/payments`, the folder's absolute path). */
const DIR_SOURCE_PREFIX = 'dir:';

export interface DocsCliDeps {
  setExitCode(code: number): void;
  /** Opens Wayfinder (database migrated, no demo loaded). */
  open(): Promise<{ store: CatalogStore; docs: Docs; githubDocs?: GitHubDocs; close(): Promise<void> }>;
  /** Answers a command line as `wayfinder run` does, returning its exit code. */
  ask(line: string): Promise<number>;
  /** A message as the terminal shows it (the explanation of an unknown or ambiguous `--entity`). */
  renderMessage(message: Message): string;
}

export function registerDocsCommands(program: Command, deps: DocsCliDeps): void {
  const docs = program.command('docs').description('index markdown docs for /ask and show what is indexed');
  docs
    .command('index')
    .description(
      'index a folder of markdown (or one with an mkdocs.yml) as the docs of a catalog entity, or with --github the docs every backstage.io/techdocs-ref names',
    )
    .argument('[dir]', 'the folder')
    .option('--entity <name>', 'the catalog entity the docs describe (ref or name: payments-api)')
    .option(
      '--base-url <url>',
      "where the folder's pages are published (default: the entity's GitHub repository's docs/ folder)",
    )
    .option('--github', 'read the docs of every entity with backstage.io/techdocs-ref from GitHub now', false)
    .action(async (dir: string | undefined, options: { entity?: string; baseUrl?: string; github: boolean }) => {
      if (options.github) {
        if (dir !== undefined || options.entity !== undefined) {
          console.error('docs index --github takes no folder and no --entity: it reads every techdocs-ref.');
          deps.setExitCode(2);
          return;
        }
        deps.setExitCode(await indexGitHubCommand(deps));
        return;
      }
      if (dir === undefined || options.entity === undefined) {
        console.error(
          'docs index needs a folder and --entity (wayfinder docs index ./docs --entity payments-api), or --github.',
        );
        deps.setExitCode(2);
        return;
      }
      deps.setExitCode(await indexCommand(deps, dir, { ...options, entity: options.entity }));
    });
  docs
    .command('status')
    .description('what is indexed: sources, files, chunks, embeddings, and the helpful / not helpful votes')
    .action(async () => {
      const wayfinder = await deps.open();
      try {
        const embedder = wayfinder.docs.embedder;
        const embedding = embedder ? { model: embedder.model, dimensions: embedder.dimensions } : undefined;
        console.log(formatStatus(await wayfinder.docs.index.status(embedding ? { embedding } : {}), embedding));
        deps.setExitCode(0);
      } finally {
        await wayfinder.close();
      }
    });
  docs
    .command('forget')
    .description('remove a docs source and its files and chunks from the index (see docs status for the sources)')
    .argument('<source>', 'the folder given to docs index, or the source as docs status names it')
    .action(async (source: string) => {
      deps.setExitCode(await forgetCommand(deps, source));
    });
  program
    .command('ask')
    .description('ask the docs a question: /ask in the terminal')
    .argument('<question...>', 'the question, quoted: "how do I roll back payments-api?"')
    .option('--entity <name>', "only this entity's docs")
    .option('--team <name>', "only the team's own docs and those of what it owns")
    .action(async (words: string[], options: { entity?: string; team?: string }) => {
      const flags = [
        ...(options.entity ? [`--entity ${options.entity}`] : []),
        ...(options.team ? [`--team ${options.team}`] : []),
      ];
      deps.setExitCode(await deps.ask(['/ask', ...words, ...flags].join(' ')));
    });
}

/**
 * `--base-url`: where the folder's pages are published, made into every answer's links, so only an http(s) address
 * with a host (`javascript:` or a bare word would become a link in Slack and in `--format json`).
 */
const BaseUrl = z.url({ protocol: /^https?$/, hostname: /./ });

async function indexCommand(deps: DocsCliDeps, dir: string, options: { entity: string; baseUrl?: string }) {
  if (options.baseUrl !== undefined && !BaseUrl.safeParse(options.baseUrl).success) {
    console.error(
      `--base-url ${options.baseUrl}: expected an http:// or https:// address where the folder's pages are published, such as https://github.com/acme/payments-api/blob/main/docs/.`,
    );
    return 2;
  }
  let local: Awaited<ReturnType<typeof readLocalDocs>>;
  try {
    local = await readLocalDocs(dir);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    console.error(error.message);
    return 2;
  }
  for (const warning of local.warnings) console.error(warning);
  if (local.files.length === 0) {
    console.error(
      `${dir} holds no markdown; expected .md or .markdown files (or an mkdocs.yml whose docs_dir holds them). Nothing was indexed.`,
    );
    return 1;
  }
  const wayfinder = await deps.open();
  try {
    const resolution = await wayfinder.store.resolveName({ text: options.entity, suggestionLimit: SUGGESTIONS });
    const resolved = explainResolution(
      {
        command: 'wayfinder docs index',
        name: options.entity,
        commandFor: (name) => `wayfinder docs index ${dir} --entity ${name}`,
      },
      resolution,
    );
    if (resolved.message) {
      console.error(`--entity ${options.entity}: ${resolved.message.summary}`);
      if (resolution.status === 'missing' && resolution.suggestions.length === 0) {
        console.error('Import the catalog first (wayfinder catalog import), or check the name.');
      } else {
        console.error(deps.renderMessage(resolved.message));
      }
      return 1;
    }
    const entity = resolved.entity;
    const repository = repositoryUrl(entity);
    const baseUrl = options.baseUrl ?? (repository ? `${repository}/blob/HEAD/docs/` : undefined);
    const summary = await indexDocs({
      store: wayfinder.docs.index,
      source: {
        key: `${DIR_SOURCE_PREFIX}${path.resolve(dir)}`,
        entityRef: entity.ref,
        ...(baseUrl ? { baseUrl } : {}),
      },
      files: local.files,
      ...(wayfinder.docs.embedder ? { embedder: wayfinder.docs.embedder } : {}),
    });
    console.log(formatIndexSummary(dir, entity.ref, summary));
    if (!baseUrl)
      console.error(
        'No --base-url and no repository on the entity: answers will cite these docs by their path in the folder, without links.',
      );
    if (summary.embeddingFailure) {
      console.error(
        `Embeddings failed (${summary.embeddingFailure}); indexed for keyword search only. Run it again to embed.`,
      );
      return 1;
    }
    return 0;
  } finally {
    await wayfinder.close();
  }
}

/**
 * `wayfinder docs forget <dir|source>`: removes the source (the folder given to `docs index`, or a key as
 * `docs status` shows it) with its files and chunks. Exits 1 naming the sources there are when none matches.
 */
async function forgetCommand(deps: DocsCliDeps, given: string): Promise<number> {
  const wayfinder = await deps.open();
  try {
    const { sources } = await wayfinder.docs.index.status();
    const candidates = [given, `${DIR_SOURCE_PREFIX}${path.resolve(given)}`, `${TECHDOCS_SOURCE_PREFIX}${given}`];
    const source = sources.find((known) => candidates.includes(known.key));
    if (!source) {
      console.error(
        sources.length === 0
          ? `No docs source ${given}: nothing is indexed.`
          : `No docs source ${given}; expected a folder given to docs index or one of: ${sources.map((known) => known.key).join(', ')}.`,
      );
      return 1;
    }
    await wayfinder.docs.index.removeSource({ key: source.key });
    console.log(
      `Forgot ${source.key}: ${countOf(source.files, 'file')} and ${countOf(source.chunks, 'chunk')} removed from the index.`,
    );
    if (source.key.startsWith(TECHDOCS_SOURCE_PREFIX)) {
      console.error(
        'Docs from GitHub are read again at the next sync while the entity keeps its backstage.io/techdocs-ref.',
      );
    }
    return 0;
  } finally {
    await wayfinder.close();
  }
}

/**
 * `wayfinder docs index --github`: exits 1 when a source could not be read, so a CI job notices; a private repository
 * left out is said on stderr, but is no failure.
 */
async function indexGitHubCommand(deps: DocsCliDeps): Promise<number> {
  const wayfinder = await deps.open();
  try {
    if (!wayfinder.githubDocs) {
      console.error(
        'docs index --github reads the docs from GitHub: set GITHUB_ORG and GITHUB_TOKEN (or the GitHub App keys).',
      );
      return 1;
    }
    const summary = await wayfinder.githubDocs.indexAll();
    for (const skipped of summary.skipped) console.error(`${skipped.entityRef}: ${skipped.message}`);
    for (const problem of summary.problems) console.error(`${problem.entityRef}: ${problem.message}`);
    console.log(formatGitHubDocsSummary(summary));
    if (summary.embeddingFailure) {
      console.error(
        `Embeddings failed (${summary.embeddingFailure}); indexed for keyword search only. Run it again to embed.`,
      );
    }
    return summary.problems.length > 0 || summary.embeddingFailure ? 1 : 0;
  } finally {
    await wayfinder.close();
  }
}

/** What `wayfinder docs forget` is given for a source: a folder's path, a GitHub source's entity, else its key. */
function forgetArgument(source: DocsIndexStatus['sources'][number]): string {
  if (source.key.startsWith(DIR_SOURCE_PREFIX)) return shellWord(source.key.slice(DIR_SOURCE_PREFIX.length));
  if (source.key.startsWith(TECHDOCS_SOURCE_PREFIX)) return shellWord(source.key.slice(TECHDOCS_SOURCE_PREFIX.length));
  return shellWord(source.key);
}

/** How a source is indexed again, as a sentence part: the command for a folder or GitHub's docs. */
function reindexHint(source: DocsIndexStatus['sources'][number]): string {
  if (source.key.startsWith(TECHDOCS_SOURCE_PREFIX)) return 'Run wayfinder docs index --github';
  if (source.key.startsWith(DEMO_DOCS_PREFIX)) return 'the demo docs are indexed again at the next start';
  if (source.key.startsWith(DIR_SOURCE_PREFIX)) {
    return `Run wayfinder docs index ${shellWord(source.key.slice(DIR_SOURCE_PREFIX.length))} --entity ${source.entityRef ?? '<name>'}`;
  }
  return `Index ${source.key} again`;
}

/** `value` as one shell word: quoted (POSIX single quotes) when it holds anything but safe characters. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The line `docs index <dir>` prints: counts, and whether the folder moved to this entity or to new links. */
export function formatIndexSummary(dir: string, entityRef: string, summary: IndexSummary): string {
  const { files, chunks, moved, relinked } = summary;
  const from = moved
    ? ` Moved from ${moved.fromEntityRef ?? 'no entity'}${moved.fromBaseUrl ? ` (${moved.fromBaseUrl})` : ''}: every file's chunks now belong to ${entityRef}.`
    : relinked
      ? ` Links now go to ${relinked.toBaseUrl ?? "the files' paths in the folder"} (were ${relinked.fromBaseUrl ?? "the files' paths"}).`
      : '';
  return `Indexed ${dir} for ${entityRef}: ${countOf(files.indexed, 'file')} indexed, ${files.unchanged} unchanged, ${files.removed} removed; ${countOf(chunks.written, 'chunk')} written (${chunks.embedded} embedded, ${countOf(chunks.reused, 'embedding')} reused).${from}`;
}

/**
 * `wayfinder docs status`'s text. `embedding` is the configured model and size (undefined: none): a source's
 * "embedded" counts the vectors vector search compares, and the chunks without one are said to need indexing again.
 */
export function formatStatus(
  status: DocsIndexStatus,
  embedding: { model: string; dimensions: number } | undefined,
): string {
  const toEmbed = (source: DocsIndexStatus['sources'][number]) => (embedding ? source.chunks - source.embedded : 0);
  const counts = (source: DocsIndexStatus['sources'][number]) =>
    `${countOf(source.files, 'file')}, ${countOf(source.chunks, 'chunk')}, ${source.embedded} embedded${toEmbed(source) > 0 ? `, ${toEmbed(source)} to embed` : ''}; indexed ${source.indexedAt.toISOString()}`;
  const fromGitHub = status.sources.filter((source) => source.key.startsWith(TECHDOCS_SOURCE_PREFIX));
  const gone = (source: DocsIndexStatus['sources'][number], indent: string) =>
    source.entityMissing
      ? [
          `${indent}  ${source.entityRef} is no longer in the catalog, but its docs still answer /ask: wayfinder docs forget ${forgetArgument(source)} removes them, or index them for another entity.`,
        ]
      : [];
  const lines = status.sources
    .filter((source) => !source.key.startsWith(TECHDOCS_SOURCE_PREFIX))
    .flatMap((source) => [
      `${source.key}${source.entityRef ? ` (${source.entityRef})` : ''}: ${counts(source)}`,
      ...gone(source, ''),
    ]);
  if (fromGitHub.length > 0) {
    lines.push(`From GitHub (backstage.io/techdocs-ref): ${countOf(fromGitHub.length, 'source')}`);
    for (const source of fromGitHub) {
      lines.push(
        `  ${source.key.slice(TECHDOCS_SOURCE_PREFIX.length)} from ${source.baseUrl ?? 'GitHub'}: ${counts(source)}`,
        ...gone(source, '  '),
      );
    }
  }
  if (lines.length === 0)
    lines.push(
      'Nothing is indexed yet: run wayfinder docs index <dir> --entity <name>, or wayfinder docs index --github.',
    );
  const missing = status.sources.reduce((sum, source) => sum + toEmbed(source), 0);
  if (embedding && missing > 0) {
    const other = status.sources.reduce((sum, source) => sum + source.otherModel, 0);
    lines.push(
      `${countOf(missing, 'chunk')} ${plural(missing, 'needs', 'need')} indexing again: no vector of ${embedding.model} at ${embedding.dimensions} dimensions${other > 0 ? ` (${other} ${plural(other, 'has', 'have')} one of another model or size, which vector search leaves out)` : ''}. ${[...new Set(status.sources.filter((source) => toEmbed(source) > 0).map(reindexHint))].join('; ')}.`,
    );
  }
  const search = embedding
    ? `keyword and semantic (${status.vectorSearch === 'pgvector' ? 'pgvector HNSW index' : 'exact vector search: the database has no pgvector'})`
    : 'keyword only (no WAYFINDER_EMBEDDING_MODEL)';
  lines.push(`Search: ${search}.`);
  lines.push(
    `Questions answered in Slack: ${status.questions}; helpful: ${status.feedback.helpful}, not helpful: ${status.feedback.notHelpful}.`,
  );
  return lines.join('\n');
}
