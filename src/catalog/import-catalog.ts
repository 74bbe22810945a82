import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { EntityRef, ImportCounts, IngestError, ProcessedEntity } from '../core/catalog/types.ts';
import type { CatalogStore, SourceScope } from '../core/ports.ts';
import { type LoadedDescriptors, loadDescriptors } from './load-descriptors.ts';

export interface ImportResult {
  counts: ImportCounts;
  errors: IngestError[];
}

/**
 * Reads descriptors from files and directories and stores what changed. Documents that fail validation are
 * counted and recorded per file; they never stop the others.
 *
 * Each path given is a root, read as a whole, and the scope (`file:<absolute path>`) of the entities read from it,
 * Location targets included: an entity of that scope that a later import of the same root no longer finds becomes
 * an orphan (purged after the grace period, restored if it comes back), as with the GitHub sync. Importing another
 * root orphans nothing of this one. Two exceptions keep what is stored: a file read with errors keeps its last good
 * entities (its document may only be broken, not gone), and a root that does not exist or cannot be read is not
 * read at all (a typo or an unmounted disk must not orphan a catalog).
 */
export async function importCatalog(opts: { paths: readonly string[]; store: CatalogStore }): Promise<ImportResult> {
  const roots = [...new Set(opts.paths.map((given) => path.resolve(given)))];
  const loads: { root: string; loaded: LoadedDescriptors; read: boolean }[] = [];
  for (const root of roots) {
    const loaded = await loadDescriptors({ paths: [root] });
    const kind = await stat(root).then(
      (stats) => (stats.isDirectory() ? 'directory' : 'file'),
      () => 'missing',
    );
    // A directory that could not be listed has its error at its own location.
    const read = kind === 'file' || (kind === 'directory' && !loaded.errors.some((e) => e.location === `file:${root}`));
    loads.push({ root, loaded, read });
  }
  const { loaded, scopes } = mergeRoots(loads);
  const written = await opts.store.importEntities({ ...loaded, scopes });
  return { counts: { ...written, failed: countFailedDocuments(loaded.errors) }, errors: loaded.errors };
}

/** The scope of the entities imported by hand from `root` (an absolute path): `file:/srv/catalog`. */
export function fileScope(root: string): string {
  return `file:${root}`;
}

/**
 * One load of several roots, each entity in the scope of the first root that read it. A file two roots read (one
 * inside the other) counts once; a ref defined again elsewhere is an error at the later definition, as within a root.
 */
function mergeRoots(loads: readonly { root: string; loaded: LoadedDescriptors; read: boolean }[]): {
  loaded: LoadedDescriptors;
  scopes: SourceScope[];
} {
  const first = new Map<EntityRef, ProcessedEntity>();
  const merged: LoadedDescriptors = { entities: [], errors: [], locations: [] };
  const errorKeys = new Set<string>();
  const addError = (error: IngestError) => {
    const key = JSON.stringify([error.location, error.line, error.field, error.entityRef, error.message]);
    if (errorKeys.has(key)) return;
    errorKeys.add(key);
    merged.errors.push(error);
  };
  const scopes: SourceScope[] = [];
  for (const { root, loaded, read } of loads) {
    const refs: EntityRef[] = [];
    for (const entity of loaded.entities) {
      const earlier = first.get(entity.ref);
      if (!earlier) {
        first.set(entity.ref, entity);
        merged.entities.push(entity);
        refs.push(entity.ref);
      } else if (earlier.source.location !== entity.source.location || earlier.source.line !== entity.source.line) {
        addError({
          ...entity.source,
          field: 'metadata.name',
          entityRef: entity.ref,
          message: `${entity.ref} is already defined at ${earlier.source.location.replace(/^file:/, '')}:${earlier.source.line}; each entity may be defined once.`,
        });
      }
    }
    for (const error of loaded.errors) addError(error);
    merged.locations.push(...loaded.locations);
    if (read) scopes.push({ scope: fileScope(root), refs });
  }
  merged.locations = [...new Set(merged.locations)];
  return { loaded: merged, scopes };
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
