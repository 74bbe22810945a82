/**
 * Reads descriptor files and directories from disk (and, with a UrlReader, from GitHub) into validated entities.
 * Each file is read once per load, which also ends Location cycles. One bad document or file never stops the
 * others: it becomes an IngestError; what is left unread on purpose becomes a SkippedDocument with the reason.
 */
import type { Stats } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { type LocationSpec, locationSpecOf, processDocument, unreadDocumentOf } from '../core/catalog/descriptor.ts';
import type {
  EntityRef,
  IngestError,
  ProcessedEntity,
  SkippedDocument,
  SourcePosition,
} from '../core/catalog/types.ts';
import { errorCode, isInsideDirectory, walkFolder } from '../folder-files.ts';
import { type PlaceholderBase, resolvePlaceholders } from './placeholders.ts';

/**
 * Reads files named by absolute URL. An import given none reports url targets and URL placeholders as skipped;
 * wiring passes the GitHub one (github-url-reader.ts) when GitHub is configured.
 */
export interface UrlReader {
  /** Undefined when this reader reads `url`; else why not, shown as the reason it was skipped. */
  refuses(url: string): string | undefined;
  /** The text at `url` and the URL to record it under; `missing` when nothing is there. Throws when it cannot read. */
  read(url: string): Promise<{ text: string; url: string } | 'missing'>;
}

export interface LoadedDescriptors {
  entities: ProcessedEntity[];
  errors: IngestError[];
  /** Documents, targets and placeholders left unread on purpose, with the reason; not failures. */
  skipped: SkippedDocument[];
  /** Every descriptor file read, as `file:<absolute path>` (or `url:<GitHub URL>`), in the order read. */
  locations: string[];
}

/**
 * Loads the given files and directories, and the files their Location entities name.
 * A file named here or by a Location is always validated. In a directory (recursively, following symbolic links,
 * skipping `node_modules` and dot-directories), a `.yaml`/`.yml` file is a descriptor when it is named
 * `catalog-info.yaml` (or `.yml`) or one of its documents has a Backstage `apiVersion` (`backstage.io/…`,
 * `scaffolder.backstage.io/…`); anything else (a CI workflow, a Kubernetes manifest, a Helm values file) is passed
 * over without a word. A custom kind with an apiVersion of its own is read from a `catalog-info.yaml`, a file named
 * here, or a Location target; a kind Backstage defines but Wayfinder does not read is skipped with the reason.
 * A glob target (`./apis/*.yaml`) reads the matching files as a directory's; a url target is read through `reader`
 * when given, else skipped with the reason. `$text`, `$json` and `$yaml` placeholders are resolved (placeholders.ts).
 * A given path that holds no descriptor at all is an error, as is a symbolic link that loops (followed once).
 */
export async function loadDescriptors(opts: {
  paths: string[];
  reader?: UrlReader;
}): Promise<LoadedDescriptors & { unread: string[] }> {
  const load: Load = { ...createDescriptorLoad(opts.reader ? { reader: opts.reader } : {}), documents: 0 };
  const unread: string[] = [];
  for (const given of opts.paths) {
    const absolutePath = path.resolve(given);
    const before = { documents: load.documents, errors: load.errors.length, skipped: load.skipped.length };
    // A path an earlier one already covered (`dir dir/catalog-info.yaml`) reads nothing new, but holds descriptors.
    const real = await realpath(absolutePath).catch(() => absolutePath);
    const covered = [...load.readFiles].some((read) => read === real || read.startsWith(`${real}${path.sep}`));
    const read = await loadPath(load, absolutePath, { root: await directoryOf(absolutePath), walking: [] });
    if (!read) unread.push(absolutePath);
    const nothing =
      !covered &&
      load.documents === before.documents &&
      load.errors.length === before.errors &&
      load.skipped.length === before.skipped;
    if (nothing) {
      load.errors.push({ location: fileLocation(absolutePath), message: await noDescriptorsMessage(absolutePath) });
    }
  }
  return { entities: load.entities, errors: load.errors, skipped: load.skipped, locations: load.locations, unread };
}

/** One load in progress: what was read so far. Shared with the GitHub sync, which reads files from repositories. */
export interface DescriptorLoad extends LoadedDescriptors {
  /** Files already read (by path or URL), which also ends Location cycles. */
  readFiles: Set<string>;
  /** Where each ref was first defined in this load. */
  definedAt: Map<EntityRef, SourcePosition>;
  /** Reads URL targets and placeholders; without one they are skipped with the reason. */
  reader?: UrlReader;
}

export function createDescriptorLoad(opts: { reader?: UrlReader } = {}): DescriptorLoad {
  return {
    entities: [],
    errors: [],
    skipped: [],
    locations: [],
    readFiles: new Set(),
    definedAt: new Map(),
    ...(opts.reader ? { reader: opts.reader } : {}),
  };
}

/**
 * Validates every document of one descriptor file read from `url` (a repository's file, the GitHub sync), recording
 * entities, errors and skipped documents in `load`; returns the file's Location entities, whose targets the caller
 * follows (a file on disk and a file in a repository resolve targets differently). Placeholders are resolved relative
 * to `url` through `load.reader`, as Backstage's UrlReader processors do.
 */
export async function collectDescriptorText(
  load: DescriptorLoad,
  opts: { text: string; url: string },
): Promise<ProcessedEntity[]> {
  return collectDocuments(load, parseYamlDocuments(opts.text), {
    location: `url:${opts.url}`,
    base: { type: 'url', url: opts.url },
  });
}

/** A load from disk: how many documents it met (to tell a path that holds none). */
interface Load extends DescriptorLoad {
  /** Non-empty documents met so far, read or not. */
  documents: number;
}

/** Where a read happens within one given path. */
interface Within {
  /** Relative placeholders must stay inside this directory: the given path's (or a file's own, outside it). */
  root: string;
  /** Real paths of the directories being walked, outermost first: a link back to one of them is a loop. */
  walking: readonly string[];
}

/** Resolves each document's placeholders, then validates it; returns the file's Location entities. */
async function collectDocuments(
  load: DescriptorLoad & { documents?: number },
  documents: YamlDocument[],
  opts: { location: string; base: PlaceholderBase },
): Promise<ProcessedEntity[]> {
  load.locations.push(opts.location);
  const locationEntities: ProcessedEntity[] = [];
  for (const document of documents) {
    const resolved = await resolveDocument(load, document, opts);
    const entity = resolved && processYamlDocument(load, resolved, opts.location);
    if (entity?.kind === 'Location') {
      locationEntities.push(entity);
    }
  }
  return locationEntities;
}

/**
 * The document with its placeholders filled in; undefined when one could not be read (the errors are recorded, at
 * the document, as Backstage fails the entity). URL placeholders no reader reads are kept and recorded as skipped.
 */
async function resolveDocument(
  load: DescriptorLoad & { documents?: number },
  document: YamlDocument,
  opts: { location: string; base: PlaceholderBase },
): Promise<YamlDocument | undefined> {
  if (document.syntaxError || document.value === null || document.value === undefined) {
    return document;
  }
  const outcome = await resolvePlaceholders({
    value: document.value,
    base: opts.base,
    ...(load.reader ? { reader: load.reader } : {}),
  });
  if (outcome.problems.length === 0 && outcome.skipped.length === 0) {
    return { ...document, value: outcome.value };
  }
  const position = { location: opts.location, line: document.line };
  const entityRef = processDocumentRef(document.value);
  const at = { ...position, ...(entityRef ? { entityRef } : {}) };
  load.skipped.push(
    ...outcome.skipped.map(({ field, reason }) => ({ ...at, field, reason, placeholder: true as const })),
  );
  if (outcome.problems.length > 0) {
    countDocument(load);
    load.errors.push(...outcome.problems.map(({ field, message }) => atFieldLine({ ...at, field, message }, document)));
    return undefined;
  }
  return { ...document, value: outcome.value };
}

/**
 * Loads a file or a directory. False when the path itself could not be read: it does not exist, cannot be
 * inspected, or is a directory that cannot be listed (what is in it may only be broken, or gone).
 */
async function loadPath(load: Load, absolutePath: string, within: Within): Promise<boolean> {
  const stats = await statOrError(load, absolutePath);
  if (stats === 'missing') {
    load.errors.push({
      location: fileLocation(absolutePath),
      message: 'Nothing exists at this path; expected a descriptor file or a directory of them.',
    });
    return false;
  }
  if (stats?.isDirectory()) return loadDirectory(load, absolutePath, within);
  if (!stats) return false;
  await loadFile(load, absolutePath, { explicit: true, within });
  return true;
}

/** False when the directory itself could not be resolved or listed (its failures are recorded at its location). */
async function loadDirectory(load: Load, directory: string, within: Within): Promise<boolean> {
  // The walk resolves the directory itself; one it cannot resolve or list is an error at its location.
  const errorsBefore = load.errors.length;
  const files = await listYamlFiles(load, directory, within.walking);
  const listed = !load.errors.slice(errorsBefore).some((error) => error.location === fileLocation(directory));
  for (const file of files) {
    await loadFile(load, file, { explicit: false, within });
  }
  return listed;
}

/**
 * The `.yaml`/`.yml` files under a directory, by the walk every local reader shares (`folder-files.ts`: sorted by
 * name at each level, links followed, a link that loops reported as skipped and not followed again). `walking` holds
 * the real paths of the directories from the outermost down to this one's parent.
 */
async function listYamlFiles(load: Load, directory: string, walking: readonly string[]): Promise<string[]> {
  const walk = await walkFolder({ directory, walking, accept: (name) => /\.ya?ml$/i.test(name) });
  load.skipped.push(...walk.skipped.map(({ path: at, reason }) => ({ location: fileLocation(at), reason })));
  load.errors.push(...walk.unreadable.map(({ path: at, message }) => ({ location: fileLocation(at), message })));
  return walk.files.map((file) => file.path);
}

const CATALOG_FILE_NAME = /^catalog-info\.ya?ml$/i;
const BACKSTAGE_API_VERSION = /^(scaffolder\.)?backstage\.io\//;

/**
 * Reads one file, once per load (by its real path, so a file reached through a link and directly is read once).
 * A file that is not `explicit` (met in a directory or through a glob) is read only when it is a descriptor.
 */
async function loadFile(load: Load, file: string, opts: { explicit: boolean; within: Within }): Promise<void> {
  const real = (await realpathOrError(load, file)) ?? file;
  if (load.readFiles.has(real)) {
    return;
  }
  load.readFiles.add(real);
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
  const directory = path.dirname(file);
  const inside = directory === opts.within.root || directory.startsWith(`${opts.within.root}${path.sep}`);
  const within = inside ? opts.within : { ...opts.within, root: directory };
  const base: PlaceholderBase = { type: 'file', directory, root: within.root };
  const locationEntities = await collectDocuments(load, documents, { location: fileLocation(file), base });
  for (const entity of locationEntities) {
    await followLocation(load, entity, { type: 'file', directory, within });
  }
}

/** Reads one descriptor file from a URL, then the files its Location entities name, relative to that URL. */
async function loadUrl(load: Load, read: { text: string; url: string }, within: Within): Promise<void> {
  if (load.readFiles.has(read.url)) {
    return;
  }
  load.readFiles.add(read.url);
  const base: PlaceholderBase = { type: 'url', url: read.url };
  const documents = parseYamlDocuments(read.text);
  const locationEntities = await collectDocuments(load, documents, { location: `url:${read.url}`, base });
  for (const entity of locationEntities) {
    await followLocation(load, entity, { type: 'url', url: read.url, within });
  }
}

/**
 * Validates one document and records the entity, the errors or the reason it was skipped; an empty document (a
 * stray `---`) is nothing.
 */
function processYamlDocument(
  load: DescriptorLoad & { documents?: number },
  document: YamlDocument,
  location: string,
): ProcessedEntity | undefined {
  const position = { location, line: document.line };
  if (document.syntaxError) {
    countDocument(load);
    load.errors.push({ ...position, message: document.syntaxError });
    return undefined;
  }
  if (document.value === null || document.value === undefined) {
    return undefined;
  }
  countDocument(load);
  const unread = unreadDocumentOf(document.value);
  if (unread) {
    load.skipped.push({ ...position, ...unread });
    return undefined;
  }
  const result = processDocument({ document: document.value, position });
  if (!result.ok) {
    load.errors.push(...result.errors.map((error) => atFieldLine(error, document)));
    return undefined;
  }
  load.errors.push(...result.warnings.map((warning) => atFieldLine(warning, document)));
  return recordEntity(load, result.entity);
}

/** The error at the line of the field it names, when the document has it; else at the document's line. */
function atFieldLine(error: IngestError, document: YamlDocument): IngestError {
  const line = error.field ? document.lineOf(error.field) : undefined;
  return line === undefined || line === error.line ? error : { ...error, line, documentLine: document.line };
}

function countDocument(load: { documents?: number }): void {
  if (load.documents !== undefined) load.documents += 1;
}

/** The ref a document would have, for messages about it before it is validated. */
function processDocumentRef(value: unknown): EntityRef | undefined {
  const result = processDocument({ document: value, position: { location: '', line: 0 } });
  return result.ok ? result.entity.ref : result.errors.find((error) => error.entityRef)?.entityRef;
}

/**
 * The error at a later definition of a ref already defined at `first` (the first definition wins). The first file is
 * named relative to the folder of the file reported (`../one/catalog-info.yaml:1`), a GitHub file by its URL: chat
 * answers show this message too, and never a path on the server.
 */
export function duplicateDefinitionError(entity: ProcessedEntity, first: SourcePosition): IngestError {
  const here = filePathOf(entity.source.location);
  const there = filePathOf(first.location);
  const where =
    first.location === entity.source.location
      ? `earlier in this file (line ${first.line})`
      : first.location.startsWith('file:') && entity.source.location.startsWith('file:')
        ? `in ${path.relative(path.dirname(here), there)}:${first.line}`
        : `in ${there}:${first.line}`;
  return {
    ...entity.source,
    field: 'metadata.name',
    entityRef: entity.ref,
    message: `${entity.ref} is already defined ${where}; each entity may be defined once.`,
  };
}

/** The first definition of a ref wins; a later one is an error at the later document. */
function recordEntity(load: DescriptorLoad, entity: ProcessedEntity): ProcessedEntity | undefined {
  const first = load.definedAt.get(entity.ref);
  if (first) {
    load.errors.push(duplicateDefinitionError(entity, first));
    return undefined;
  }
  load.definedAt.set(entity.ref, entity.source);
  load.entities.push(entity);
  return entity;
}

// ---------------------------------------------------------------------------------------------------------------
// Locations

/** Where the file holding a Location entity was read from: its targets are relative to it. */
type TargetBase = { type: 'file'; directory: string; within: Within } | { type: 'url'; url: string; within: Within };

/** Reads the targets of a Location entity, relative to the file (or URL) that holds it. */
async function followLocation(load: Load, entity: ProcessedEntity, base: TargetBase): Promise<void> {
  const spec = locationSpecOf(entity);
  for (const { field, target } of spec.targets) {
    const outcome = await followTarget(load, { spec, target, base, entity });
    const at = { ...entity.source, field, entityRef: entity.ref };
    if (outcome && 'problem' in outcome) {
      load.errors.push({ ...at, message: outcome.problem });
    } else if (outcome) {
      load.skipped.push({ ...at, reason: outcome.skipped });
    }
  }
}

type TargetOutcome = { problem: string } | { skipped: string } | undefined;

/** Loads one target; answers what is wrong with it, or why it was skipped, if anything. */
async function followTarget(
  load: Load,
  opts: { spec: LocationSpec; target: string; base: TargetBase; entity: ProcessedEntity },
): Promise<TargetOutcome> {
  const { spec, target, base, entity } = opts;
  // Without a type, a target inherits the type of the location that read it, unless it is an absolute URL.
  const isAbsoluteUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
  const type = spec.type ?? (isAbsoluteUrl ? 'url' : base.type);
  if (type === 'url' || (type === 'file' && base.type === 'url')) {
    return followUrlTarget(load, opts);
  }
  if (type !== 'file') {
    return {
      problem: `Target "${target}" has type ${type}, which import does not read; expected type file or url.`,
    };
  }
  const directory = (base as { directory: string }).directory;
  if (isDynamicPattern(target)) {
    const matches = (await glob(target, { cwd: directory, absolute: true, onlyFiles: true, dot: false })).sort();
    if (matches.length === 0) {
      return spec.presence === 'optional'
        ? undefined
        : {
            // The error is reported at this file and line; the target is relative to its folder. No server path: chat
            // answers show this message too.
            problem: `Target "${target}" of ${entity.ref} matches no file, relative to the folder of this file; expected at least one descriptor file, or presence: optional if it may match none.`,
          };
    }
    const inside = await filterAsync(matches, (match) => insideImport(match, base.within));
    for (const match of inside) {
      await loadFile(load, match, { explicit: false, within: base.within });
    }
    return inside.length < matches.length ? outsideImport(target, entity) : undefined;
  }
  const targetPath = path.resolve(directory, target);
  const stats = await statOrError(load, targetPath);
  if (stats === 'missing') {
    if (spec.presence === 'optional') {
      return undefined;
    }
    return {
      problem: `Target "${target}" of ${entity.ref} does not exist, relative to the folder of this file; expected a descriptor file, or presence: optional if it may be missing.`,
    };
  }
  if (stats && !(await insideImport(targetPath, base.within))) return outsideImport(target, entity);
  if (stats?.isDirectory()) {
    await loadDirectory(load, targetPath, base.within);
  } else if (stats) {
    await loadFile(load, targetPath, { explicit: true, within: base.within });
  }
  return undefined;
}

/** Whether a Location target's file or folder lies inside the imported folder (see `isInsideDirectory`). */
async function insideImport(target: string, within: Within): Promise<boolean> {
  try {
    return await isInsideDirectory(await realpath(target), within.root);
  } catch {
    return false;
  }
}

function outsideImport(target: string, entity: ProcessedEntity): TargetOutcome {
  return {
    problem: `Target "${target}" of ${entity.ref} reaches outside the imported folder, which import does not read; expected files inside it (import the other folder on its own, or give a url target).`,
  };
}

async function filterAsync<T>(items: readonly T[], keep: (item: T) => Promise<boolean>): Promise<T[]> {
  const kept = await Promise.all(items.map(keep));
  return items.filter((_, index) => kept[index]);
}

/** A url target (or a relative one of a file read from a URL): read through the reader, or skipped with why. */
async function followUrlTarget(
  load: Load,
  opts: { spec: LocationSpec; target: string; base: TargetBase; entity: ProcessedEntity },
): Promise<TargetOutcome> {
  const { spec, target, base, entity } = opts;
  let url: string;
  try {
    url = new URL(target, base.type === 'url' ? base.url : undefined).toString();
  } catch {
    return { problem: `Target "${target}" of ${entity.ref} is not a valid URL; expected an absolute URL.` };
  }
  if (isDynamicPattern(new URL(url).pathname)) {
    return {
      skipped: `Target "${target}" is a glob pattern in a URL, which Wayfinder does not expand; it was not read.`,
    };
  }
  if (!load.reader) {
    return {
      skipped: `Target "${target}" is a url location, read through GitHub, which is not configured (set GITHUB_TOKEN and GITHUB_ORG, or the GitHub App settings); it was not read.`,
    };
  }
  const refusal = load.reader.refuses(url);
  if (refusal) {
    return { skipped: `Target "${target}" was not read: ${refusal}.` };
  }
  let read: Awaited<ReturnType<UrlReader['read']>>;
  try {
    read = await load.reader.read(url);
  } catch (error) {
    return {
      problem: `Target "${target}" of ${entity.ref} could not be read from GitHub: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (read === 'missing') {
    return spec.presence === 'optional'
      ? undefined
      : {
          problem: `Target "${target}" of ${entity.ref} does not exist on GitHub; expected a descriptor file, or presence: optional if it may be missing.`,
        };
  }
  await loadUrl(load, read, base.within);
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
  /** The line of a field named as errors name it (see `lineOfField`); undefined when no part of its path is there. */
  lineOf(field: string): number | undefined;
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
    return {
      line,
      value: read.value,
      hasBackstageApiVersion,
      ...(syntaxError ? { syntaxError } : {}),
      lineOf: (field: string) => lineOfField(document, lineCounter, field),
    };
  });
}

/**
 * The 1-based line where `field` (`spec.owner`, `spec.dependsOn[1]`, `metadata.annotations.backstage.io/techdocs-ref`:
 * keys as written, so a key may hold dots) is written in `document`; for a field that is missing, the line of the
 * deepest part of its path that is there (a missing `spec.owner` points at `spec:`).
 */
function lineOfField(document: Document.Parsed, lineCounter: LineCounter, field: string): number | undefined {
  let node: unknown = document.contents;
  let rest = field;
  let offset: number | undefined;
  while (rest !== '') {
    if (isSeq(node)) {
      const index = /^\[(\d+)\]\.?/.exec(rest);
      const item: unknown = index ? node.items[Number(index[1])] : undefined;
      if (!index || !item) break;
      offset = (item as { range?: [number] }).range?.[0] ?? offset;
      node = item;
      rest = rest.slice(index[0].length);
    } else if (isMap(node)) {
      // The longest key the rest of the path starts with, followed by the end, a `.` or an index.
      const pair = node.items
        .filter((candidate) => {
          const key = isScalar(candidate.key) ? candidate.key.value : undefined;
          return typeof key === 'string' && rest.startsWith(key) && /^($|\.|\[)/.test(rest.slice(key.length));
        })
        .sort(
          (a, b) =>
            String((b.key as { value: string }).value).length - String((a.key as { value: string }).value).length,
        )[0];
      if (!pair || !isScalar(pair.key)) break;
      offset = pair.key.range?.[0] ?? offset;
      rest = rest.slice(String(pair.key.value).length).replace(/^\./, '');
      node = pair.value;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
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

/** The directory a given path stands for: itself, or the directory of a file (or of a path that is missing). */
async function directoryOf(absolutePath: string): Promise<string> {
  try {
    return (await stat(absolutePath)).isDirectory() ? absolutePath : path.dirname(absolutePath);
  } catch {
    return path.dirname(absolutePath);
  }
}

async function noDescriptorsMessage(absolutePath: string): Promise<string> {
  const isDirectory = await stat(absolutePath).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  return isDirectory
    ? `This folder holds no descriptors; expected a catalog-info.yaml, or .yaml files whose documents have an apiVersion such as backstage.io/v1alpha1 (other YAML, such as CI workflows, is not read).`
    : `This file holds no descriptors; expected at least one YAML document with apiVersion, kind, metadata and spec.`;
}

function fileLocation(absolutePath: string): string {
  return `file:${absolutePath}`;
}

function filePathOf(location: string): string {
  return location.replace(/^(file|url):/, '');
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
    load.errors.push({ location: fileLocation(file), message: `This file could not be read (${code}).` });
    return undefined;
  }
}

/** The real path (links resolved); undefined when it cannot be resolved (an error is recorded). */
async function realpathOrError(load: Load, file: string): Promise<string | undefined> {
  try {
    return await realpath(file);
  } catch (error) {
    load.errors.push({ location: fileLocation(file), message: `This file could not be read (${errorCode(error)}).` });
    return undefined;
  }
}

async function readFileOrError(load: Load, file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    load.errors.push({ location: fileLocation(file), message: `This file could not be read (${errorCode(error)}).` });
    return undefined;
  }
}
