/**
 * `wayfinder docs index <dir> --entity <name> [--base-url <url>]`, `wayfinder docs index --github`,
 * `wayfinder docs status` and
 * `wayfinder ask "<question>" [--entity <name>] [--team <name>]`, registered on the program `src/cli.ts` builds.
 * The wiring is passed in (`open`), so this file knows no database.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { repositoryUrl } from '../core/catalog/facts.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { DocsIndexStatus } from '../core/ports/docs-index-store.ts';
import { formatGitHubDocsSummary, type GitHubDocs, TECHDOCS_SOURCE_PREFIX } from './github-docs.ts';
import { type IndexSummary, indexDocs } from './indexer.ts';
import { readLocalDocs } from './local-source.ts';
import type { Docs } from './services.ts';

export interface DocsCliDeps {
  setExitCode(code: number): void;
  /** Opens Wayfinder (database migrated, no demo loaded). */
  open(): Promise<{ store: CatalogStore; docs: Docs; githubDocs?: GitHubDocs; close(): Promise<void> }>;
  /** Answers a command line as `wayfinder run` does, returning its exit code. */
  ask(line: string): Promise<number>;
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
        console.log(formatStatus(await wayfinder.docs.index.status(), wayfinder.docs.embedder !== undefined));
        deps.setExitCode(0);
      } finally {
        await wayfinder.close();
      }
    });
  program
    .command('ask')
    .description('ask the docs a question: /ask in the terminal')
    .argument('<question...>', 'the question, quoted: "how do I roll back payments-api?"')
    .option('--entity <name>', "only this entity's docs")
    .option('--team <name>', 'only the docs of what this team owns')
    .action(async (words: string[], options: { entity?: string; team?: string }) => {
      const flags = [
        ...(options.entity ? [`--entity ${options.entity}`] : []),
        ...(options.team ? [`--team ${options.team}`] : []),
      ];
      deps.setExitCode(await deps.ask(['/ask', ...words, ...flags].join(' ')));
    });
}

async function indexCommand(deps: DocsCliDeps, dir: string, options: { entity: string; baseUrl?: string }) {
  const wayfinder = await deps.open();
  try {
    const resolution = await wayfinder.store.resolveName({ text: options.entity, suggestionLimit: 3 });
    if (resolution.status !== 'found') {
      console.error(
        `--entity ${options.entity}: ${resolution.status === 'ambiguous' ? 'names several entities; give its full ref, such as component:default/payments-api' : 'no entity of that name in the catalog; import the catalog first, or check the name'}.`,
      );
      return 1;
    }
    const entity = resolution.entity;
    const repository = repositoryUrl(entity);
    const baseUrl = options.baseUrl ?? (repository ? `${repository}/blob/HEAD/docs/` : undefined);
    const { files } = await readLocalDocs(dir);
    const summary = await indexDocs({
      store: wayfinder.docs.index,
      source: { key: `dir:${path.resolve(dir)}`, entityRef: entity.ref, ...(baseUrl ? { baseUrl } : {}) },
      files,
      ...(wayfinder.docs.embedder ? { embedder: wayfinder.docs.embedder } : {}),
    });
    console.log(formatIndexSummary(dir, entity.ref, summary));
    if (!baseUrl)
      console.error('No --base-url and no repository on the entity: answers will cite these docs without links.');
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

export function formatIndexSummary(dir: string, entityRef: string, summary: IndexSummary): string {
  const { files, chunks } = summary;
  return `Indexed ${dir} for ${entityRef}: ${files.indexed} files indexed, ${files.unchanged} unchanged, ${files.removed} removed; ${chunks.written} chunks written (${chunks.embedded} embedded, ${chunks.reused} embeddings reused).`;
}

export function formatStatus(status: DocsIndexStatus, embedding: boolean): string {
  const counts = (source: DocsIndexStatus['sources'][number]) =>
    `${source.files} files, ${source.chunks} chunks, ${source.embedded} embedded; indexed ${source.indexedAt.toISOString()}`;
  const fromGitHub = status.sources.filter((source) => source.key.startsWith(TECHDOCS_SOURCE_PREFIX));
  const lines = status.sources
    .filter((source) => !source.key.startsWith(TECHDOCS_SOURCE_PREFIX))
    .map((source) => `${source.key}${source.entityRef ? ` (${source.entityRef})` : ''}: ${counts(source)}`);
  if (fromGitHub.length > 0) {
    lines.push(`From GitHub (backstage.io/techdocs-ref): ${fromGitHub.length} sources`);
    for (const source of fromGitHub) {
      lines.push(
        `  ${source.key.slice(TECHDOCS_SOURCE_PREFIX.length)} from ${source.baseUrl ?? 'GitHub'}: ${counts(source)}`,
      );
    }
  }
  if (lines.length === 0)
    lines.push(
      'Nothing is indexed yet: run wayfinder docs index <dir> --entity <name>, or wayfinder docs index --github.',
    );
  const search = embedding
    ? `keyword and semantic (${status.vectorSearch === 'pgvector' ? 'pgvector HNSW index' : 'exact vector search: the database has no pgvector'})`
    : 'keyword only (no WAYFINDER_EMBEDDING_MODEL)';
  lines.push(`Search: ${search}.`);
  lines.push(
    `Questions answered: ${status.questions}; helpful: ${status.feedback.helpful}, not helpful: ${status.feedback.notHelpful}.`,
  );
  return lines.join('\n');
}
