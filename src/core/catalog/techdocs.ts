/**
 * Where an entity's docs live on GitHub, from its `backstage.io/techdocs-ref` annotation, as Backstage's TechDocs
 * resolves it (`@backstage/plugin-techdocs-node` `getLocationForEntity` and `transformDirLocation`; shared/reference/
 * backstage.md §1.6 and §5.2):
 * - `dir:<path>` is relative to the folder of the descriptor file the entity was read from (its
 *   `backstage.io/managed-by-location`), in the same repository and at the same branch: `dir:.` is that folder;
 * - `url:<address>` names a folder of a repository: `https://github.com/acme/docs`,
 *   `https://github.com/acme/docs/tree/main/payments` (or `/blob/`, as Backstage accepts both).
 * The folder is where `mkdocs.yml` is, or would be: the pages are under its `docs_dir` (default `docs`).
 */

/** A folder of a GitHub repository. */
export interface TechDocsLocation {
  /** `owner/name` as written. */
  repo: string;
  /** The branch, tag or commit; undefined for the repository's default branch. */
  ref?: string;
  /** Relative to the repository root, without leading or trailing `/`; `''` for the root. */
  folder: string;
}

export type TechDocsResolution =
  | { status: 'github'; location: TechDocsLocation }
  /** `dir:` on an entity read from a file on disk: those docs are indexed with `wayfinder docs index <dir>`. */
  | { status: 'local' }
  | { status: 'invalid'; message: string };

/**
 * Resolves `value` (the annotation) for an entity read from `sourceLocation` (`url:https://github.com/…/blob/main/
 * catalog-info.yaml` or `file:/…`). `webUrl` is the GitHub Wayfinder reads (`https://github.com`, or a GitHub
 * Enterprise Server's address): a URL on another host is invalid. Never throws; an invalid value comes back with a
 * message naming the annotation and what was expected.
 */
export function resolveTechDocsRef(opts: {
  value: string;
  sourceLocation?: string;
  webUrl: string;
}): TechDocsResolution {
  const value = opts.value.trim();
  const expected =
    'expected dir:<folder> (relative to the catalog file, such as dir:.) or url:https://github.com/<owner>/<repo>/tree/<branch>/<folder>';
  const colon = value.indexOf(':');
  const type = colon > 0 ? value.slice(0, colon) : '';
  const target = colon > 0 ? value.slice(colon + 1).trim() : '';
  if (type === 'url') {
    const location = parseGitHubFolderUrl(target, opts.webUrl);
    return 'problem' in location
      ? { status: 'invalid', message: `backstage.io/techdocs-ref "${value}": ${location.problem}` }
      : { status: 'github', location };
  }
  if (type !== 'dir' || target === '') {
    return { status: 'invalid', message: `backstage.io/techdocs-ref "${value}" is not valid; ${expected}.` };
  }
  const source = opts.sourceLocation ?? '';
  if (source.startsWith('file:')) return { status: 'local' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    const location = parseGitHubFolderUrl(target, opts.webUrl);
    return 'problem' in location
      ? { status: 'invalid', message: `backstage.io/techdocs-ref "${value}": ${location.problem}` }
      : { status: 'github', location };
  }
  const descriptor = source.startsWith('url:') ? parseGitHubFileUrl(source.slice('url:'.length), opts.webUrl) : {};
  if (!('repo' in descriptor) || descriptor.repo === undefined) {
    return {
      status: 'invalid',
      message: `backstage.io/techdocs-ref "${value}" is relative to the catalog file, but the entity was not read from a file on GitHub (${source || 'no location'}); use url:https://github.com/<owner>/<repo>/tree/<branch>/<folder>.`,
    };
  }
  // A path starting with `/` is from the repository root, as Backstage's GitHub integration resolves it.
  const folder = joinFolder(target.startsWith('/') ? '' : dirname(descriptor.path), target);
  if (folder === undefined) {
    return {
      status: 'invalid',
      message: `backstage.io/techdocs-ref "${value}" points outside ${descriptor.repo}; expected a folder inside the repository.`,
    };
  }
  return { status: 'github', location: { repo: descriptor.repo, ref: descriptor.ref, folder } };
}

/** `owner/name` of the repository a `url:` descriptor location is in, lowercase; undefined for anything else. */
export function repositoryOfSource(sourceLocation: string | undefined, webUrl: string): string | undefined {
  if (!sourceLocation?.startsWith('url:')) return undefined;
  const file = parseGitHubFileUrl(sourceLocation.slice('url:'.length), webUrl);
  return 'repo' in file ? file.repo?.toLowerCase() : undefined;
}

function parseGitHubFileUrl(
  url: string,
  webUrl: string,
): { repo?: string; ref: string; path: string } | Record<string, never> {
  const parts = splitOnHost(url, webUrl);
  if (!parts) return {};
  const [owner, name, kind, ref, ...rest] = parts;
  if (!owner || !name || kind !== 'blob' || !ref || rest.length === 0) return {};
  return { repo: `${owner}/${name}`, ref, path: rest.join('/') };
}

function parseGitHubFolderUrl(url: string, webUrl: string): TechDocsLocation | { problem: string } {
  const host = new URL(webUrl).host;
  const parts = splitOnHost(url, webUrl);
  if (!parts) {
    return {
      problem: `expected an address on ${host} (the GitHub Wayfinder reads), such as https://${host}/<owner>/<repo>/tree/<branch>/<folder>.`,
    };
  }
  const [owner, rawName, kind, ref, ...rest] = parts;
  const name = rawName?.replace(/\.git$/, '');
  if (!owner || !name) return { problem: `expected https://${host}/<owner>/<repo>, naming a repository.` };
  if (kind === undefined) return { repo: `${owner}/${name}`, folder: '' };
  if ((kind !== 'tree' && kind !== 'blob') || !ref) {
    return { problem: `expected https://${host}/${owner}/${name}/tree/<branch>/<folder> after the repository.` };
  }
  const folder = joinFolder('', rest.join('/') || '.');
  if (folder === undefined) return { problem: 'expected a folder inside the repository.' };
  return { repo: `${owner}/${name}`, ref, folder };
}

/** The path segments after the host, decoded; undefined when `url` is not on `webUrl`'s host or not a URL. */
function splitOnHost(url: string, webUrl: string): string[] | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!/^https?:$/.test(parsed.protocol) || parsed.host.toLowerCase() !== new URL(webUrl).host.toLowerCase()) {
    return undefined;
  }
  try {
    return parsed.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** `relative` joined to `base`, `.` and `..` resolved; undefined when it leaves the root. */
export function joinFolder(base: string, relative: string): string | undefined {
  const segments: string[] = [];
  for (const segment of [...base.split('/'), ...relative.split('/')]) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  return segments.join('/');
}
