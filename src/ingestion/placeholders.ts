/**
 * Backstage's `$text`, `$json` and `$yaml` substitutions in descriptors (PlaceholderProcessor in
 * `plugins/catalog-backend/src/modules/core/PlaceholderProcessor.ts`): an object whose only key is one of them is
 * replaced by the content of the file or URL it names, as text, parsed JSON or parsed YAML. A relative target is
 * relative to the descriptor that holds it (a file beside it, or a URL beside the URL it was read from).
 * As in Backstage, any other `$`-key (such as JSON Schema's `$ref`), an object with more keys than the placeholder,
 * and a placeholder whose value is not a string are left as written; a target that cannot be read is an error.
 */
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { errorMessage } from '../core/errors.ts';
import { isInsideDirectory } from '../folder-files.ts';

/** Where the descriptor holding the placeholders was read from. */
export type PlaceholderBase =
  | {
      type: 'file';
      /** The descriptor's directory. */
      directory: string;
      /** Relative targets must resolve inside this directory (the import root), so a descriptor cannot read any file of the server. */
      root: string;
    }
  | { type: 'url'; url: string };

/** Reads an absolute URL; `refuses` says why a URL is not read (no GitHub configured, another host). */
export interface PlaceholderUrlReader {
  refuses(url: string): string | undefined;
  read(url: string): Promise<{ text: string; url: string } | 'missing'>;
}

export interface PlaceholderOutcome {
  /** The value with every placeholder that could be read replaced. */
  value: unknown;
  /** Placeholders that could not be read or parsed: each fails the document. */
  problems: { field: string; message: string }[];
  /** URL placeholders left as written because no reader reads them, with the reason. */
  skipped: { field: string; reason: string }[];
}

const RESOLVERS = ['text', 'json', 'yaml'] as const;
type ResolverKey = (typeof RESOLVERS)[number];

/**
 * Replaces the placeholders in `value` (a document as plain data). Field paths in problems are the document's,
 * e.g. `spec.definition`. Never throws for bad input: what cannot be read becomes a problem.
 */
export async function resolvePlaceholders(opts: {
  value: unknown;
  base: PlaceholderBase;
  reader?: PlaceholderUrlReader;
}): Promise<PlaceholderOutcome> {
  const outcome: PlaceholderOutcome = { value: opts.value, problems: [], skipped: [] };
  outcome.value = await walk(opts.value, [], { ...opts, outcome });
  return outcome;
}

interface Walk {
  base: PlaceholderBase;
  reader?: PlaceholderUrlReader;
  outcome: PlaceholderOutcome;
}

async function walk(value: unknown, at: readonly (string | number)[], context: Walk): Promise<unknown> {
  // A value without placeholders is returned as it is, not copied.
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const [index, item] of value.entries()) items.push(await walk(item, [...at, index], context));
    return items.every((item, index) => item === value[index]) ? value : items;
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (!keys.some((key) => key.startsWith('$'))) {
    const entries: [string, unknown][] = [];
    for (const key of keys) entries.push([key, await walk(record[key], [...at, key], context)]);
    return entries.every(([key, item]) => item === record[key]) ? value : Object.fromEntries(entries);
  }
  const [only] = keys;
  const resolver = only?.slice(1) as ResolverKey;
  const target = only === undefined ? undefined : record[only];
  if (keys.length !== 1 || !RESOLVERS.includes(resolver) || typeof target !== 'string') {
    return value;
  }
  const field = fieldPath(at);
  const read = await readTarget({ key: resolver, target, context, field });
  if (read === undefined) {
    return value;
  }
  const parsed = parse(resolver, target, read);
  if ('problem' in parsed) {
    context.outcome.problems.push({ field, message: parsed.problem });
    return value;
  }
  return parsed.value;
}

/** The target's text; undefined when it was not read (a problem or a skip is recorded). */
async function readTarget(opts: {
  key: ResolverKey;
  target: string;
  context: Walk;
  field: string;
}): Promise<string | undefined> {
  const { key, target, context, field } = opts;
  const { base, reader, outcome } = context;
  // Backstage's own words, then what Wayfinder knows about why.
  const cannotRead = (why: string) => `Placeholder $${key} could not read location ${target}, ${why}`;
  const url = absoluteUrlOf(target, base);
  if (url) {
    const refusal = reader ? reader.refuses(url) : 'no GitHub is configured to read it through';
    if (refusal) {
      outcome.skipped.push({
        field,
        reason: `Placeholder $${key} ${url} was not read: ${refusal}. It is kept as written.`,
      });
      return undefined;
    }
    try {
      const read = await (reader as PlaceholderUrlReader).read(url);
      if (read === 'missing') {
        outcome.problems.push({ field, message: cannotRead(`${url} does not exist; expected a file at that URL.`) });
        return undefined;
      }
      return read.text;
    } catch (error) {
      outcome.problems.push({ field, message: cannotRead(`${url} could not be read: ${errorMessage(error)}.`) });
      return undefined;
    }
  }
  if (base.type !== 'file') {
    outcome.problems.push({
      field,
      message: cannotRead('expected an absolute URL or a path relative to the descriptor.'),
    });
    return undefined;
  }
  const file = path.resolve(base.directory, target);
  try {
    const real = await realpath(file);
    if (!(await isInsideDirectory(real, base.root))) {
      outcome.problems.push({
        field,
        message: cannotRead('it is outside the imported directory; expected a file inside it, or an absolute URL.'),
      });
      return undefined;
    }
    return await readFile(real, 'utf8');
  } catch (error) {
    const code = codeOf(error);
    const why =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'it does not exist, relative to the folder of this file; expected a file there, or an absolute URL.'
        : `it could not be read (${code ?? errorMessage(error)}).`;
    outcome.problems.push({ field, message: cannotRead(why) });
    return undefined;
  }
}

/** An absolute http(s) URL, or a relative target of a descriptor read from a URL; undefined for a file path. */
function absoluteUrlOf(target: string, base: PlaceholderBase): string | undefined {
  if (/^https?:\/\//i.test(target)) return target;
  if (base.type === 'url' && !/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    try {
      return new URL(target, base.url).toString();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Parses as Backstage's text, JSON and YAML resolvers do, with their messages. */
function parse(key: ResolverKey, target: string, text: string): { value: unknown } | { problem: string } {
  if (key === 'text') return { value: text };
  if (key === 'json') {
    try {
      return { value: JSON.parse(text) };
    } catch (error) {
      return { problem: `Placeholder $json failed to parse JSON data at ${target}, ${errorMessage(error)}` };
    }
  }
  const documents = parseAllDocuments(text);
  if (documents.length !== 1) {
    return {
      problem: `Placeholder $yaml expected to find exactly one document of data at ${target}, found ${documents.length}`,
    };
  }
  const [document] = documents;
  const [error] = document?.errors ?? [];
  if (error) {
    return { problem: `Placeholder $yaml found an error in the data at ${target}, ${error.message.split('\n')[0]}` };
  }
  try {
    return { value: document?.toJS() };
  } catch (failure) {
    return { problem: `Placeholder $yaml failed to parse YAML data at ${target}, ${errorMessage(failure)}` };
  }
}

function fieldPath(at: readonly (string | number)[]): string {
  return at.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
