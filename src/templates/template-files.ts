/**
 * Where a template lives, and reading the files its fetch actions name. A template's relative URLs (`./skeleton`)
 * resolve against its own location, as in Backstage: a local folder, or a folder of a GitHub repository (read through
 * the `GitHubProvisioner`). An absolute GitHub URL (`https://github.com/<owner>/<repo>/tree/<ref>/<path>`, or `blob`
 * for one file) is read from GitHub too.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../core/errors.ts';
import type { GitHubProvisioner } from '../core/ports/github-provisioner.ts';
import type { WorkspaceFile } from './workspace.ts';

export type TemplateLocation =
  | {
      type: 'dir';
      /** Absolute path of the folder holding the template file (or the folder a URL names). */
      dir: string;
      /** Relative URLs may not leave this folder (the templates folder). */
      root: string;
    }
  | {
      type: 'github';
      repo: string;
      ref: string /** Folder in the repository, '' for its root. */;
      dir: string;
      webHost: string;
    };

const GITHUB_FORMS = 'https://<host>/<owner>/<repo>/tree/<ref>/<path> (or /blob/ for one file)';

/** Where `url` (relative or a GitHub URL) points, seen from `base`. Throws InputError for anything else. */
export function resolveLocation(base: TemplateLocation, url: string): TemplateLocation {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InputError(`URL ${JSON.stringify(url)} is not valid; expected a relative path or ${GITHUB_FORMS}.`);
    }
    const parts = parsed.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const webHost = base.type === 'github' ? base.webHost : 'github.com';
    if (
      parsed.protocol === 'https:' &&
      parsed.host === webHost &&
      (parts[2] === 'tree' || parts[2] === 'blob') &&
      parts.length >= 4
    ) {
      const [owner, repo, , ref, ...rest] = parts;
      return { type: 'github', repo: `${owner}/${repo}`, ref: ref as string, dir: rest.join('/'), webHost };
    }
    throw new InputError(
      `URL ${JSON.stringify(url)} cannot be read; expected a path relative to the template or ${GITHUB_FORMS}.`,
    );
  }
  if (base.type === 'dir') {
    const dir = path.resolve(base.dir, url);
    if (dir !== base.root && !dir.startsWith(`${base.root}${path.sep}`)) {
      throw new InputError(
        `URL ${JSON.stringify(url)} leaves the templates folder; expected a path inside ${base.root}.`,
      );
    }
    return { ...base, dir };
  }
  const dir = path.posix.normalize(path.posix.join(base.dir || '.', url));
  if (dir.startsWith('..')) {
    throw new InputError(`URL ${JSON.stringify(url)} leaves the repository ${base.repo}; expected a path inside it.`);
  }
  return { ...base, dir: dir === '.' ? '' : dir };
}

/** A location as people read it: a path, or a GitHub URL. */
export function describeLocation(location: TemplateLocation): string {
  if (location.type === 'dir') return location.dir;
  return `https://${location.webHost}/${location.repo}/tree/${location.ref}/${location.dir}`.replace(/\/$/, '');
}

/**
 * The files at `location`: a folder's files recursively (paths relative to it), or one file (its name). Throws
 * InputError when there is nothing there, naming the place.
 */
export async function readLocation(
  location: TemplateLocation,
  github: GitHubProvisioner | undefined,
): Promise<WorkspaceFile[]> {
  if (location.type === 'dir') {
    const info = await stat(location.dir).catch(() => undefined);
    if (!info)
      throw new InputError(`${location.dir} does not exist; expected the folder (or file) the template names.`);
    if (info.isFile()) return [{ path: path.basename(location.dir), content: await readFile(location.dir) }];
    const files: WorkspaceFile[] = [];
    const walk = async (relative: string) => {
      for (const entry of await readdir(path.join(location.dir, relative), { withFileTypes: true })) {
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) await walk(child);
        else if (entry.isFile()) files.push({ path: child, content: await readFile(path.join(location.dir, child)) });
      }
    };
    await walk('');
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }
  if (!github) {
    throw new InputError(
      `${describeLocation(location)} is on GitHub, and GitHub is not configured here: set GITHUB_TOKEN (or the GitHub App keys).`,
    );
  }
  const listed = await github.listFiles({ repo: location.repo, ref: location.ref, path: location.dir });
  if (!listed) {
    const single = location.dir
      ? await github.readFile({ repo: location.repo, ref: location.ref, path: location.dir })
      : undefined;
    if (single) return [{ path: path.posix.basename(location.dir), content: single }];
    throw new InputError(
      `${describeLocation(location)} holds no files; expected the folder (or file) the template names.`,
    );
  }
  const files: WorkspaceFile[] = [];
  for (const file of listed) {
    const content = await github.readFile({ repo: location.repo, ref: location.ref, path: file });
    if (content) files.push({ path: location.dir ? file.slice(location.dir.length + 1) : file, content });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
