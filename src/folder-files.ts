/**
 * Walking a folder on disk the way every reader of local files does: catalog import (`ingestion/load-descriptors.ts`,
 * `ingestion/placeholders.ts`) and `wayfinder docs index <dir>` (`docs/local-source.ts`). One walk, one set of rules
 * and messages:
 *
 * - Entries are listed in code-point order of their names at each level, so every run reads them in the same order
 *   whatever the machine's locale.
 * - `node_modules` and hidden folders (`.git`) are passed over.
 * - Symbolic links are followed, to files and to folders. A link to a folder being walked (itself or one that holds
 *   it) would loop: it is reported as skipped and not followed again, so its files are read once. A dangling link,
 *   or a chain of links that loops, is reported as skipped.
 * - With `within`, a link whose target lies outside that folder is reported as skipped and not read: what a folder
 *   holds must not make Wayfinder read, index or quote a file such as /etc/passwd.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** A file met in the walk: its path as reached (through links, under the walked folder) and its real path. */
export interface WalkedFile {
  path: string;
  realPath: string;
}

/** What a walk found: the files accepted, what it left out on purpose and why, and what it could not read. */
export interface FolderWalk {
  files: WalkedFile[];
  /** Links not followed, with the reason (a sentence for the user). */
  skipped: { path: string; reason: string }[];
  /** Folders that could not be listed and entries that could not be resolved, with the message to show. */
  unreadable: { path: string; message: string }[];
}

/**
 * The files under `directory` (absolute) whose name `accept`s, by the rules above. `walking` holds the real paths of
 * the folders that hold this one (outermost first), for a walk that continues one begun elsewhere; `within` is the
 * folder links must stay inside (links resolved in it too). Never throws for a file-system error (it becomes
 * `unreadable`), except what `realpath(within)` throws: a `within` that does not exist is the caller's bug.
 */
export async function walkFolder(opts: {
  directory: string;
  accept: (name: string) => boolean;
  walking?: readonly string[];
  within?: string;
}): Promise<FolderWalk> {
  const walk: FolderWalk = { files: [], skipped: [], unreadable: [] };
  const realWithin = opts.within === undefined ? undefined : await realpath(opts.within);
  const real = await realpathOrNote(walk, opts.directory);
  if (real !== undefined) {
    await walkInto(walk, { ...opts, realWithin }, opts.directory, [...(opts.walking ?? []), real]);
  }
  return walk;
}

async function walkInto(
  walk: FolderWalk,
  opts: { accept: (name: string) => boolean; realWithin: string | undefined },
  directory: string,
  walking: readonly string[],
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    walk.unreadable.push({ path: directory, message: `This folder could not be read (${errorCode(error)}).` });
    return;
  }
  for (const entry of entries.sort(byName)) {
    const entryPath = path.join(directory, entry.name);
    const link = entry.isSymbolicLink();
    const kind = link ? await linkedKind(walk, entryPath) : entry.isDirectory() ? 'directory' : 'file';
    if (kind === undefined) continue;
    if (kind === 'directory' && (entry.name === 'node_modules' || entry.name.startsWith('.'))) continue;
    if (kind === 'file' && !opts.accept(entry.name)) continue;
    const real = link ? await realpathOrNote(walk, entryPath) : path.join(walking.at(-1) ?? directory, entry.name);
    if (real === undefined) continue;
    if (link && opts.realWithin !== undefined && !isInside(real, opts.realWithin)) {
      walk.skipped.push({
        path: entryPath,
        reason: `Not read: it is a symbolic link to ${kind === 'directory' ? 'a folder' : 'a file'} outside the folder read, which must stay inside it.`,
      });
      continue;
    }
    if (kind === 'file') {
      walk.files.push({ path: entryPath, realPath: real });
    } else if (walking.includes(real)) {
      walk.skipped.push({
        path: entryPath,
        reason:
          'A symbolic link to a folder that holds it: a loop. It was not followed again (its files are read once).',
      });
    } else {
      await walkInto(walk, opts, entryPath, [...walking, real]);
    }
  }
}

/**
 * Whether `realPath` (links already resolved) is `root` or lies under it, links in `root` resolved too. What a hand
 * import or a docs index reads stays inside the folder given: a file there must not make the server read, and quote
 * in an error or an answer, a file such as /etc/passwd. Throws what `realpath(root)` throws.
 */
export async function isInsideDirectory(realPath: string, root: string): Promise<boolean> {
  return isInside(realPath, await realpath(root));
}

function isInside(realPath: string, realRoot: string): boolean {
  return realPath === realRoot || realPath.startsWith(`${realRoot}${path.sep}`);
}

/** What a symbolic link points at; a dangling link or a loop of links is reported as skipped and read as nothing. */
async function linkedKind(walk: FolderWalk, link: string): Promise<'directory' | 'file' | undefined> {
  try {
    const stats = await stat(link);
    return stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : undefined;
  } catch (error) {
    const code = errorCode(error);
    const why =
      code === 'ELOOP'
        ? 'a chain of symbolic links that loops'
        : code === 'ENOENT'
          ? 'a symbolic link to something that does not exist'
          : `a symbolic link that could not be followed (${code})`;
    walk.skipped.push({ path: link, reason: `Not read: it is ${why}.` });
    return undefined;
  }
}

async function realpathOrNote(walk: FolderWalk, file: string): Promise<string | undefined> {
  try {
    return await realpath(file);
  } catch (error) {
    walk.unreadable.push({ path: file, message: `This file could not be read (${errorCode(error)}).` });
    return undefined;
  }
}

/** Code-point order, so the order never depends on the machine's locale. */
function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The errno code of a file-system error; anything else is a bug and is thrown on. */
export function errorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  throw error;
}
