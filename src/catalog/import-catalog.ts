import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ImportCounts, IngestError } from '../core/catalog/types.ts';
import type { CatalogStore } from '../core/ports.ts';
import { loadDescriptors } from './load-descriptors.ts';

export interface ImportResult {
  counts: ImportCounts;
  errors: IngestError[];
}

/**
 * Reads descriptors from files and directories and stores what changed. Documents that fail validation are
 * counted and recorded per file; they never stop the others. The paths are recorded as import roots (a file's own
 * directory for a file), so that answers show the files read relative to them, never as paths on the server.
 */
export async function importCatalog(opts: { paths: readonly string[]; store: CatalogStore }): Promise<ImportResult> {
  const loaded = await loadDescriptors({ paths: [...opts.paths] });
  const written = await opts.store.importEntities(loaded);
  await opts.store.recordImportRoots({ roots: await importRootsOf(opts.paths) });
  return { counts: { ...written, failed: countFailedDocuments(loaded.errors) }, errors: loaded.errors };
}

/** Each path as an absolute directory: a directory itself, a file its directory; a path that is gone, none. */
async function importRootsOf(paths: readonly string[]): Promise<string[]> {
  const roots: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(given);
    try {
      roots.push((await stat(absolute)).isDirectory() ? absolute : path.dirname(absolute));
    } catch {
      // Nothing was read from it; loadDescriptors has recorded why.
    }
  }
  return roots;
}

/** Checks descriptors without storing them, for a repository's CI. */
export async function validateCatalog(opts: {
  paths: readonly string[];
}): Promise<{ valid: number; failed: number; errors: IngestError[] }> {
  const loaded = await loadDescriptors({ paths: [...opts.paths] });
  return { valid: loaded.entities.length, failed: countFailedDocuments(loaded.errors), errors: loaded.errors };
}

/** A document with three bad fields is one failed document. */
export function countFailedDocuments(errors: readonly IngestError[]): number {
  return new Set(errors.map((error) => `${error.location}:${error.line ?? 0}`)).size;
}

/**
 * `catalog-info.yaml:12: spec.owner: "spec.owner" is required…`, paths shown relative to `cwd`; a file synced from
 * GitHub is shown as its URL.
 */
export function formatIngestError(error: IngestError, cwd: string): string {
  const file = error.location.replace(/^(file|url):/, '');
  const shown = file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
  const where = error.line ? `${shown}:${error.line}` : shown;
  return `${where}: ${error.field ? `${error.field}: ` : ''}${error.message}`;
}
