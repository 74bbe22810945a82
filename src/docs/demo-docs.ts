/**
 * The demo organisation's docs (`demo/docs`): runbooks, an API guide and onboarding pages, attached to demo
 * entities by `demo/docs/sources.yaml`, so that `/ask` answers out of the box in the console. Indexed when the demo
 * loads; unchanged files cost nothing on later starts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { DocsIndexStore } from '../core/ports/docs-index-store.ts';
import type { Embedder } from '../core/ports/embedder.ts';
import { type IndexSummary, indexDocs } from './indexer.ts';
import { readLocalDocs } from './local-source.ts';

/** The key prefix of the demo docs' sources in the index (`demo:<dir>`). */
export const DEMO_DOCS_PREFIX = 'demo:';

const sourcesSchema = z.array(z.object({ dir: z.string().min(1), entity: z.string().min(1), url: z.url() }));

/** Indexes every source `sources.yaml` in `dir` lists; returns the summaries added up. */
export async function indexDemoDocs(opts: {
  dir: string;
  store: DocsIndexStore;
  embedder?: Embedder;
}): Promise<IndexSummary> {
  const sources = sourcesSchema.parse(parseYaml(await readFile(path.join(opts.dir, 'sources.yaml'), 'utf8')));
  const total: IndexSummary = {
    files: { indexed: 0, unchanged: 0, removed: 0 },
    chunks: { written: 0, embedded: 0, reused: 0 },
  };
  for (const source of sources) {
    const { files } = await readLocalDocs(path.join(opts.dir, source.dir));
    const summary = await indexDocs({
      store: opts.store,
      source: { key: `${DEMO_DOCS_PREFIX}${source.dir}`, entityRef: source.entity, baseUrl: source.url },
      files,
      ...(opts.embedder ? { embedder: opts.embedder } : {}),
    });
    addSummary(total, summary);
  }
  return total;
}

/** Adds `summary`'s counts into `total` (and keeps the first embedding failure). */
export function addSummary(total: IndexSummary, summary: IndexSummary): void {
  for (const key of ['indexed', 'unchanged', 'removed'] as const) total.files[key] += summary.files[key];
  for (const key of ['written', 'embedded', 'reused'] as const) total.chunks[key] += summary.chunks[key];
  total.embeddingFailure ??= summary.embeddingFailure;
}
