import type { ImportCounts, IngestError, SkippedDocument } from '../core/catalog/types.ts';
import type { CatalogStore } from '../core/ports.ts';
import { loadDescriptors, type UrlReader } from './load-descriptors.ts';

export interface ImportResult {
  counts: ImportCounts;
  errors: IngestError[];
  /** Documents, targets and placeholders left unread on purpose, with the reason (not counted as failed). */
  skipped: SkippedDocument[];
}

/**
 * Reads descriptors from files and directories and stores what changed. Documents that fail validation are
 * counted and recorded per file; they never stop the others. `reader` reads url targets and URL placeholders
 * (GitHub's, when configured); without it they are skipped with the reason.
 */
export async function importCatalog(opts: {
  paths: readonly string[];
  store: CatalogStore;
  reader?: UrlReader;
}): Promise<ImportResult> {
  const loaded = await loadDescriptors({ paths: [...opts.paths], ...(opts.reader ? { reader: opts.reader } : {}) });
  const written = await opts.store.importEntities(loaded);
  return {
    counts: { ...written, failed: countFailedDocuments(loaded.errors) },
    errors: loaded.errors,
    skipped: loaded.skipped,
  };
}

/** Checks descriptors without storing them, for a repository's CI. */
export async function validateCatalog(opts: {
  paths: readonly string[];
  reader?: UrlReader;
}): Promise<{ valid: number; failed: number; errors: IngestError[]; skipped: SkippedDocument[] }> {
  const loaded = await loadDescriptors({ paths: [...opts.paths], ...(opts.reader ? { reader: opts.reader } : {}) });
  return {
    valid: loaded.entities.length,
    failed: countFailedDocuments(loaded.errors),
    errors: loaded.errors,
    skipped: loaded.skipped,
  };
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

/** `apis/spotify-api.yaml:1: spec.definition: skipped: Placeholder $text … was not read: …`, as formatIngestError. */
export function formatSkippedDocument(skipped: SkippedDocument, cwd: string): string {
  const { reason, ...where } = skipped;
  return formatIngestError({ ...where, message: `skipped: ${reason}` }, cwd);
}
