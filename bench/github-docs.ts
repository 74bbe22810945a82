/**
 * Docs from GitHub: N repositories, each a Component with `backstage.io/techdocs-ref: dir:.`, an mkdocs.yml and P
 * markdown pages, served by the fake GitHub with a fixed latency per request, synced and indexed through the real
 * octokit client into a fresh PGlite database (keyword index, no embeddings). Measures the first `indexAll`, a second
 * one with nothing changed (every read a 304), and the refresh after one page of one repository changed.
 *
 *     node --import tsx bench/github-docs.ts [--sources 100] [--pages 10] [--latency 20]
 */
import { parseArgs } from 'node:util';
import { createDatabase, migrateDatabase } from '../src/db/client.ts';
import { DrizzleCatalogStore } from '../src/db/DrizzleCatalogStore.ts';
import { DrizzleConditionalCache } from '../src/db/DrizzleConditionalCache.ts';
import { DrizzleDocsIndexStore } from '../src/db/DrizzleDocsIndexStore.ts';
import { DrizzleSyncStateStore } from '../src/db/DrizzleSyncStateStore.ts';
import { GitHubDocs, type GitHubDocsSummary } from '../src/docs/github-docs.ts';
import { OctokitGitHubGateway } from '../src/github/OctokitGitHubGateway.ts';
import { createOctokit } from '../src/github/octokit.ts';
import { GitHubCatalogSync } from '../src/ingestion/github-sync.ts';
import type { Logger } from '../src/logger.ts';
import { startFakeGitHubApi } from '../test/fakes/github-api.ts';

const { values } = parseArgs({
  options: {
    sources: { type: 'string', default: '100' },
    pages: { type: 'string', default: '10' },
    latency: { type: 'string', default: '20' },
  },
});
const sources = Number(values.sources);
const pages = Number(values.pages);
const latencyMs = Number(values.latency);
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const github = await startFakeGitHubApi({ latencyMs });
const database = await createDatabase({ inMemory: true });
try {
  await migrateDatabase(database);
  for (let n = 0; n < sources; n += 1) {
    const files: Record<string, string> = {
      'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: service-${n}\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: team-${n % 10}\n`,
      'mkdocs.yml': `site_name: Service ${n}\nnav:\n  - Home: page-0.md\n`,
    };
    for (let p = 0; p < pages; p += 1) {
      files[`docs/page-${p}.md`] =
        `# Service ${n} page ${p}\n\n## Deploy\n\nDeploy service ${n} with the pipeline, stage ${p}.\n\n## Roll back\n\nRoll back with the previous tag.\n`;
    }
    github.addRepos({ fullName: `acme/service-${n}`, files });
  }
  const octokit = createOctokit({ auth: { token: 'ghp_bench' }, logger: quiet, apiUrl: github.url });
  const gateway = new OctokitGitHubGateway({ octokit, cache: new DrizzleConditionalCache({ db: database.db }) });
  const store = new DrizzleCatalogStore({ db: database.db });
  const sync = new GitHubCatalogSync({
    gateway,
    store,
    state: new DrizzleSyncStateStore({ db: database.db }),
    settings: { org: 'acme', catalogPaths: ['catalog-info.yaml'], includeForks: false },
    logger: quiet,
  });
  const docs = new GitHubDocs({
    gateway,
    catalog: store,
    index: new DrizzleDocsIndexStore({ db: database.db }),
    privateRepos: false,
    logger: quiet,
  });
  await sync.syncOrganisation();

  const measure = async (name: string, run: () => Promise<GitHubDocsSummary>) => {
    github.resetLog();
    const started = performance.now();
    const summary = await run();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `| ${name} | ${seconds.toFixed(2)} s | ${github.requests} | ${github.notModified} | ${summary.read} | ${summary.files.indexed} | ${summary.files.unchanged} |`,
    );
  };
  console.log(`${sources} sources × ${pages} pages, ${latencyMs} ms per GitHub request`);
  console.log('| run | time | GitHub requests | 304 | sources read | files indexed | unchanged |');
  console.log('|---|---|---|---|---|---|---|');
  await measure('first index --github', () => docs.indexAll());
  await measure('again, nothing changed', () => docs.indexAll());
  github.setFile({ repo: 'acme/service-0', path: 'docs/page-1.md', text: '# Changed\n\nA new page text.\n' });
  await measure('push to one repository (refresh)', () => docs.refresh({ touched: ['acme/service-0'] }));
} finally {
  await database.close();
  await github.close();
}
