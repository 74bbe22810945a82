/**
 * A folder of markdown on disk as a docs source (`wayfinder docs index <dir>`). With an `mkdocs.yml` in the folder,
 * the pages are those under its `docs_dir` and the nav names them; else every `.md` or `.markdown` file (in any
 * case) under the folder. The folder is walked as catalog import walks one (`folder-files.ts`): hidden files and
 * folders and `node_modules` are skipped, symbolic links are followed, a link that loops is reported and not followed
 * again, and each real file is read once (under the first of its paths, in path order). Unlike catalog import, a link
 * to anything outside the folder is reported and not read: the index would quote it to anyone who asks.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../core/errors.ts';
import { isInsideDirectory, walkFolder } from '../folder-files.ts';
import type { DocFile } from './indexer.ts';
import { parseMkDocs } from './mkdocs.ts';

/** A markdown file's name: `.md` or `.markdown` in any case (`Page.MD`), and not hidden. */
const MARKDOWN_FILE = /^[^.].*\.(md|markdown)$/i;

/**
 * The folder's markdown files, paths relative to the docs root with `/`, sorted, and warnings, one a line for the
 * user: each file that is not UTF-8 (read with the bytes that are not replaced by U+FFFD), and each link or entry not
 * read, with why. Throws InputError for a bad folder, or an mkdocs.yml whose docs_dir leaves it.
 */
export async function readLocalDocs(dir: string): Promise<{ root: string; files: DocFile[]; warnings: string[] }> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new InputError(`${dir} is not a folder; expected a folder of markdown files (or one with an mkdocs.yml).`);
  }
  const warnings: string[] = [];
  let root = dir;
  let navTitles = new Map<string, string>();
  const mkdocs = await readFile(path.join(dir, 'mkdocs.yml'), 'utf8').catch(() => undefined);
  if (mkdocs !== undefined) {
    const config = parseMkDocs(mkdocs);
    root = path.join(dir, config.docsDir);
    navTitles = config.navTitles;
    const realRoot = await realpath(root).catch(() => undefined);
    // A docs_dir that does not exist holds no markdown, which the caller reports.
    if (realRoot === undefined) return { root, files: [], warnings };
    if (!(await isInsideDirectory(realRoot, dir))) {
      throw new InputError(
        `${path.join(dir, 'mkdocs.yml')}: docs_dir ${config.docsDir} leaves the folder; expected a folder inside it.`,
      );
    }
  }
  const walk = await walkFolder({
    directory: path.resolve(root),
    within: dir,
    accept: (name) => MARKDOWN_FILE.test(name),
  });
  for (const { path: at, reason } of walk.skipped) warnings.push(`${at}: ${reason}`);
  for (const { path: at, message } of walk.unreadable) warnings.push(`${at}: ${message}`);
  const found = walk.files
    .map((file) => ({ relative: path.relative(path.resolve(root), file.path).split(path.sep).join('/'), ...file }))
    .sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  // A file reached by two paths (a link to it, a link to its folder) is read once, under the first.
  const byRealPath = new Map<string, (typeof found)[number]>();
  for (const file of found) if (!byRealPath.has(file.realPath)) byRealPath.set(file.realPath, file);
  const unique = [...byRealPath.values()];
  const files = await Promise.all(
    unique.map(async ({ relative, realPath }) => {
      const title = navTitles.get(relative);
      return {
        path: relative,
        markdown: decodeUtf8(await readFile(realPath), () =>
          warnings.push(
            `${path.join(root, relative)} is not UTF-8 text; indexed with the characters that could not be read replaced (save it as UTF-8).`,
          ),
        ),
        ...(title ? { title } : {}),
      };
    }),
  );
  return { root, files, warnings };
}

/** `bytes` as UTF-8 text; when they are not valid UTF-8, calls `onInvalid` and replaces what cannot be read. */
function decodeUtf8(bytes: Uint8Array, onInvalid: () => void): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    onInvalid();
    return new TextDecoder('utf-8').decode(bytes);
  }
}
