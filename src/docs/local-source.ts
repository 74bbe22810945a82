/**
 * A folder of markdown on disk as a docs source (`wayfinder docs index <dir>`). With an `mkdocs.yml` in the folder,
 * the pages are those under its `docs_dir` and the nav names them; else every `.md` file under the folder. Hidden
 * folders and `node_modules` are skipped.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { InputError } from '../core/errors.ts';
import type { DocFile } from './indexer.ts';
import { parseMkDocs } from './mkdocs.ts';

/**
 * The folder's markdown files, paths relative to the docs root with `/`, sorted, and a warning naming each file that
 * is not UTF-8 (read with the bytes that are not replaced by U+FFFD). Throws InputError for a bad folder.
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
  }
  const paths = await glob(['**/*.md', '**/*.markdown'], { cwd: root, ignore: ['**/node_modules/**'], dot: false });
  paths.sort();
  const files = await Promise.all(
    paths.map(async (relative) => {
      const title = navTitles.get(relative);
      return {
        path: relative,
        markdown: decodeUtf8(await readFile(path.join(root, relative)), () =>
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
