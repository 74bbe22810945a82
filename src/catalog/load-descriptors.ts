/**
 * Reads descriptor files and directories from disk into validated entities. Each file is read once per load,
 * which also ends Location cycles. One bad document or file never stops the others: it becomes an IngestError.
 */
import type { Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Document, isMap, LineCounter, parseAllDocuments } from 'yaml';
import { type LocationSpec, locationSpecOf, processDocument } from '../core/catalog/descriptor.ts';
import type { EntityRef, IngestError, ProcessedEntity, SourcePosition } from '../core/catalog/types.ts';

export interface LoadedDescriptors {
  entities: ProcessedEntity[];
  errors: IngestError[];
  /** Every descriptor file read, as `file:<absolute path>`, in the order read. */
  locations: string[];
}

/**
 * Loads the given files and directories, and the files their Location entities name.
 * A file named here or by a Location is always validated. In a directory (recursively, skipping `node_modules`
 * and dot-directories), a `.yaml`/`.yml` file is a descriptor when it is named `catalog-info.yaml` (or `.yml`) or
 * one of its documents has a Backstage `apiVersion` (`backstage.io/…`, `scaffolder.backstage.io/…`); anything
 * else (a CI workflow, a Kubernetes manifest, a Helm values file) is skipped without a word. A custom kind with
 * an apiVersion of its own is read from a `catalog-info.yaml`, a file named here, or a Location target.
 */
export async function loadDescriptors(opts: { paths: string[] }): Promise<LoadedDescriptors> {
  const load = createDescriptorLoad();
  for (const given of opts.paths) {
    await loadPath(load, path.resolve(given));
  }
  return { entities: load.entities, errors: load.errors, locations: load.locations };
}

/** One load in progress: what was read so far. Shared with the GitHub sync, which reads files from repositories. */
export interface DescriptorLoad extends LoadedDescriptors {
  /** Files already read (by path or URL), which also ends Location cycles. */
  readFiles: Set<string>;
  /** Where each ref was first defined in this load. */
  definedAt: Map<EntityRef, SourcePosition>;
}

export function createDescriptorLoad(): DescriptorLoad {
  return { entities: [], errors: [], locations: [], readFiles: new Set(), definedAt: new Map() };
}

/**
 * Validates every document of one descriptor file read as `location`, recording entities and errors in `load`;
 * returns the file's Location entities, whose targets the caller follows (a file on disk and a file in a repository
 * resolve targets differently).
 */
export function collectDescriptorText(
  load: DescriptorLoad,
  opts: { text: string; location: string },
): ProcessedEntity[] {
  return collectDocuments(load, parseYamlDocuments(opts.text), opts.location);
}

function collectDocuments(load: DescriptorLoad, documents: YamlDocument[], location: string): ProcessedEntity[] {
  load.locations.push(location);
  const locationEntities: ProcessedEntity[] = [];
  for (const document of documents) {
    const entity = processYamlDocument(load, document, location);
    if (entity?.kind === 'Location') {
      locationEntities.push(entity);
    }
  }
  return locationEntities;
}

type Load = DescriptorLoad;

async function loadPath(load: Load, absolutePath: string): Promise<void> {
  const stats = await statOrError(load, absolutePath);
  if (stats === 'missing') {
    load.errors.push({
      location: fileLocation(absolutePath),
      message: `${absolutePath} does not exist; expected a descriptor file or a directory of them.`,
    });
  } else if (stats?.isDirectory()) {
    await loadDirectory(load, absolutePath);
  } else if (stats) {
    await loadFile(load, absolutePath, { explicit: true });
  }
}

async function loadDirectory(load: Load, directory: string): Promise<void> {
  const files = await listYamlFiles(load, directory);
  for (const file of files) {
    await loadFile(load, file, { explicit: false });
  }
}

/**
 * The `.yaml`/`.yml` files under a directory, sorted by name at each level so every load reads them in the
 * same order. Symbolic links are not followed here (a link can loop); name a linked file explicitly instead.
 */
async function listYamlFiles(load: Load, directory: string): Promise<string[]> {
  const entries = await readdirOrError(load, directory);
  const files: string[] = [];
  for (const entry of entries.sort(byName)) {
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
      files.push(...(await listYamlFiles(load, entryPath)));
    } else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) {
      files.push(entryPath);
    }
  }
  return files;
}

const CATALOG_FILE_NAME = /^catalog-info\.ya?ml$/i;
const BACKSTAGE_API_VERSION = /^(scaffolder\.)?backstage\.io\//;

async function loadFile(load: Load, file: string, opts: { explicit: boolean }): Promise<void> {
  if (load.readFiles.has(file)) {
    return;
  }
  load.readFiles.add(file);
  const text = await readFileOrError(load, file);
  if (text === undefined) {
    return;
  }
  const documents = parseYamlDocuments(text);
  if (
    !opts.explicit &&
    !CATALOG_FILE_NAME.test(path.basename(file)) &&
    !documents.some((document) => document.hasBackstageApiVersion)
  ) {
    return;
  }
  const locationEntities = collectDocuments(load, documents, fileLocation(file));
  for (const entity of locationEntities) {
    await followLocation(load, entity, path.dirname(file));
  }
}

/** Validates one document and records the entity or the errors; an empty document (a stray `---`) is nothing. */
function processYamlDocument(load: Load, document: YamlDocument, location: string): ProcessedEntity | undefined {
  const position = { location, line: document.line };
  if (document.syntaxError) {
    load.errors.push({ ...position, message: document.syntaxError });
    return undefined;
  }
  if (document.value === null || document.value === undefined) {
    return undefined;
  }
  const result = processDocument({ document: document.value, position });
  if (!result.ok) {
    load.errors.push(...result.errors);
    return undefined;
  }
  return recordEntity(load, result.entity);
}

/** The first definition of a ref wins; a later one is an error at the later document. */
function recordEntity(load: Load, entity: ProcessedEntity): ProcessedEntity | undefined {
  const first = load.definedAt.get(entity.ref);
  if (first) {
    load.errors.push({
      ...entity.source,
      field: 'metadata.name',
      entityRef: entity.ref,
      message: `${entity.ref} is already defined at ${filePathOf(first.location)}:${first.line}; each entity may be defined once.`,
    });
    return undefined;
  }
  load.definedAt.set(entity.ref, entity.source);
  load.entities.push(entity);
  return entity;
}

// ---------------------------------------------------------------------------------------------------------------
// Locations

/** Reads the targets of a Location entity, relative to the directory of the file that holds it. */
async function followLocation(load: Load, entity: ProcessedEntity, baseDirectory: string): Promise<void> {
  const spec = locationSpecOf(entity);
  for (const { field, target } of spec.targets) {
    const problem = await followTarget(load, { spec, target, baseDirectory, entity });
    if (problem) {
      load.errors.push({ ...entity.source, field, entityRef: entity.ref, message: problem });
    }
  }
}

/** Loads one target; answers what is wrong with it, if anything. */
async function followTarget(
  load: Load,
  opts: { spec: LocationSpec; target: string; baseDirectory: string; entity: ProcessedEntity },
): Promise<string | undefined> {
  const { spec, target, entity } = opts;
  // Without a type, a target inherits the type of the location that read it: here always `file`.
  const type = spec.type ?? (/^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? 'url' : 'file');
  if (type === 'url') {
    return `Target "${target}" is a url location; url locations are read by \`wayfinder catalog sync\`, not by import.`;
  }
  if (type !== 'file') {
    return `Target "${target}" has type ${type}, which import does not read; expected type file (or url, read by \`wayfinder catalog sync\`).`;
  }
  if (/[*?[\]{}]/.test(target)) {
    return `Target "${target}" is a glob pattern, which import does not expand; expected a file or a directory (directories are read recursively).`;
  }
  const targetPath = path.resolve(opts.baseDirectory, target);
  const stats = await statOrError(load, targetPath);
  if (stats === 'missing') {
    if (spec.presence === 'optional') {
      return undefined;
    }
    const where = `${filePathOf(entity.source.location)}:${entity.source.line}`;
    return `Target "${target}" of ${entity.ref} at ${where} does not exist (${targetPath}); expected a descriptor file, or presence: optional if it may be missing.`;
  }
  if (stats?.isDirectory()) {
    await loadDirectory(load, targetPath);
  } else if (stats) {
    await loadFile(load, targetPath, { explicit: true });
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// YAML

interface YamlDocument {
  /** 1-based line of the document's content (after its `---` and leading comments). */
  line: number;
  /** The document as plain data; what could be read of it when it has a syntax error. */
  value: unknown;
  /** Read from the syntax tree, so that it holds even when the document cannot become data. */
  hasBackstageApiVersion: boolean;
  syntaxError?: string;
}

function parseYamlDocuments(text: string): YamlDocument[] {
  const lineCounter = new LineCounter();
  return parseAllDocuments(text, { lineCounter }).map((document) => {
    const start = document.contents?.range?.[0] ?? document.range[0];
    const line = lineCounter.linePos(start).line;
    const read = toPlainData(document);
    const syntaxError = describeSyntaxError(document) ?? read.error;
    const apiVersion = isMap(document.contents) ? document.contents.get('apiVersion') : undefined;
    const hasBackstageApiVersion = typeof apiVersion === 'string' && BACKSTAGE_API_VERSION.test(apiVersion);
    return { line, value: read.value, hasBackstageApiVersion, ...(syntaxError ? { syntaxError } : {}) };
  });
}

/** toJS throws on input such as an undefined alias or an alias bomb; that is a problem of the file, not a bug. */
function toPlainData(document: Document.Parsed): { value: unknown; error?: string } {
  try {
    return { value: document.toJS() };
  } catch (error) {
    return {
      value: undefined,
      error: `YAML could not be read: ${error instanceof Error ? error.message : String(error)}.`,
    };
  }
}

/** The first syntax error of a document (later ones usually follow from it), with its own line and column. */
function describeSyntaxError(document: Document.Parsed): string | undefined {
  const [error] = document.errors;
  if (!error) {
    return undefined;
  }
  const summary = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? error.code;
  const at = error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
  return `YAML syntax error${at}: ${summary}.`;
}

// ---------------------------------------------------------------------------------------------------------------
// Files

/** Code-point order, so the order never depends on the machine's locale. */
function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function fileLocation(absolutePath: string): string {
  return `file:${absolutePath}`;
}

function filePathOf(location: string): string {
  return location.replace(/^file:/, '');
}

/** The file's stats, `missing` when nothing is there, undefined when it could not be read (an error is recorded). */
async function statOrError(load: Load, file: string): Promise<Stats | 'missing' | undefined> {
  try {
    return await stat(file);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return 'missing';
    }
    load.errors.push({ location: fileLocation(file), message: `${file} could not be read (${code}).` });
    return undefined;
  }
}

async function readFileOrError(load: Load, file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    load.errors.push({ location: fileLocation(file), message: `${file} could not be read (${errorCode(error)}).` });
    return undefined;
  }
}

async function readdirOrError(load: Load, directory: string) {
  try {
    return await readdir(directory, { withFileTypes: true });
  } catch (error) {
    load.errors.push({
      location: fileLocation(directory),
      message: `${directory} could not be read (${errorCode(error)}).`,
    });
    return [];
  }
}

/** The errno code of a file-system error; anything else is a bug and is thrown on. */
function errorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  throw error;
}
