import path from 'node:path';
import type { SourceScope } from '../core/catalog/records.ts';
import type { EntityRef, ImportCounts, IngestError, ProcessedEntity, SkippedDocument } from '../core/catalog/types.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import {
  duplicateDefinitionError,
  type LoadedDescriptors,
  loadDescriptors,
  type UrlReader,
} from './load-descriptors.ts';

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
 *
 * Each path given is a root, read as a whole, and the scope (`file:<absolute path>`) of the entities read from it,
 * Location targets included: an entity of that scope that a later import of the same root no longer finds becomes
 * an orphan (purged after the grace period, restored if it comes back), as with the GitHub sync. Importing another
 * root orphans nothing of this one, but a root inside one imported before refreshes that part of it (its entities
 * keep the outer root's scope), and a root holding roots imported before answers for their entities too. Two exceptions keep what is stored: a file read with errors keeps its last good
 * entities (its document may only be broken, not gone), and a root that does not exist or cannot be read is not
 * read at all (a typo or an unmounted disk must not orphan a catalog). A directory that holds no descriptors any
 * more is an error (the import exits non-zero) and, having been read, orphans what it held.
 */
export async function importCatalog(opts: {
  paths: readonly string[];
  store: CatalogStore;
  reader?: UrlReader;
}): Promise<ImportResult> {
  const roots = [...new Set(opts.paths.map((given) => path.resolve(given)))];
  const loads: { root: string; loaded: LoadedDescriptors; read: boolean }[] = [];
  for (const root of roots) {
    const { unread, ...loaded } = await loadDescriptors({
      paths: [root],
      ...(opts.reader ? { reader: opts.reader } : {}),
    });
    // A root that does not exist or could not be listed orphans nothing; one found empty was read.
    loads.push({ root, loaded, read: unread.length === 0 });
  }
  const storedRoots = (await opts.store.listScopes({ prefix: 'file:' })).map((scope) => scope.slice('file:'.length));
  const { loaded, scopes } = mergeRoots(
    loads.map((load) => ({ ...load, scopeRoot: enclosingRoot(load.root, storedRoots) })),
  );
  // Another root's entity keeps its definition, as within one import (Backstage refuses such a conflict).
  const { refused, ...written } = await opts.store.importEntities({
    ...loaded,
    scopes,
    firstDefinitionWins: { scopePrefix: 'file:', describeDefinition: relativeToRefused },
  });
  const errors = [...loaded.errors, ...refused];
  return {
    counts: { ...written, failed: countFailedDocuments(errors) },
    errors,
    skipped: loaded.skipped,
  };
}

/**
 * Where another root keeps an entity, as its refusal names it: that file relative to the refused one's folder, so
 * that no server path reaches a chat answer (`/wayfinder errors`).
 */
function relativeToRefused(stored: { location: string | null }, entity: ProcessedEntity): string {
  const there = stored.location?.replace(/^file:/, '');
  if (!there) return 'another folder imported before';
  return path.relative(path.dirname(entity.source.location.replace(/^file:/, '')), there);
}

/** The scope of the entities imported by hand from `root` (an absolute path): `file:/srv/catalog`. */
export function fileScope(root: string): string {
  return `file:${root}`;
}

/**
 * The root whose scope the entities read from `root` belong to: the outermost root imported before that encloses it
 * (importing `catalog/payments` after `catalog` refreshes part of `catalog`, rather than moving its entities to a
 * scope of their own), else `root` itself.
 */
function enclosingRoot(root: string, storedRoots: readonly string[]): string {
  let outermost = root;
  for (const stored of storedRoots) {
    if (stored.length < outermost.length && root.startsWith(`${stored}${path.sep}`)) outermost = stored;
  }
  return outermost;
}

/**
 * One load of several roots, each entity in the scope of the first root that read it. A file two roots read (one
 * inside the other) counts once; a ref defined again elsewhere is an error at the later definition, as within a root.
 */
function mergeRoots(loads: readonly { root: string; scopeRoot: string; loaded: LoadedDescriptors; read: boolean }[]): {
  loaded: LoadedDescriptors;
  scopes: SourceScope[];
} {
  const first = new Map<EntityRef, ProcessedEntity>();
  const merged: LoadedDescriptors = { entities: [], errors: [], skipped: [], locations: [] };
  const errorKeys = new Set<string>();
  const addError = (error: IngestError) => {
    const key = JSON.stringify([error.location, error.line, error.field, error.entityRef, error.message]);
    if (errorKeys.has(key)) return;
    errorKeys.add(key);
    merged.errors.push(error);
  };
  const scopes: SourceScope[] = [];
  for (const { root, scopeRoot, loaded, read } of loads) {
    const refs: EntityRef[] = [];
    for (const entity of loaded.entities) {
      const earlier = first.get(entity.ref);
      if (!earlier) {
        first.set(entity.ref, entity);
        merged.entities.push(entity);
        refs.push(entity.ref);
      } else if (earlier.source.location !== entity.source.location || earlier.source.line !== entity.source.line) {
        addError(duplicateDefinitionError(entity, earlier.source));
      }
    }
    for (const error of loaded.errors) addError(error);
    merged.skipped.push(...loaded.skipped);
    // The root itself too: its own errors (missing, holds no descriptors) are replaced at each import, not piled up.
    merged.locations.push(`file:${root}`, ...loaded.locations);
    if (read) scopes.push({ scope: fileScope(scopeRoot), refs, covers: root });
  }
  merged.locations = [...new Set(merged.locations)];
  return { loaded: merged, scopes };
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
  const failures = errors.filter((error) => !error.warning);
  return new Set(failures.map((error) => `${error.location}:${error.documentLine ?? error.line ?? 0}`)).size;
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
