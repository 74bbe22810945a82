/**
 * Reads the files that descriptors name by URL (`url` Location targets, `$text`/`$json`/`$yaml` placeholders)
 * through the GitHub gateway the sync uses, so an import reads them with the same token, rate-limit handling and
 * conditional requests. Only GitHub file URLs are read:
 * `https://github.com/<owner>/<repo>/blob/<ref>/<path>` and `https://raw.githubusercontent.com/<owner>/<repo>/<ref>/<path>`.
 */
import type { GitHubGateway } from '../core/ports/github-gateway.ts';
import type { UrlReader } from './load-descriptors.ts';

const FILE_URL_FORMS =
  'https://github.com/<owner>/<repo>/blob/<ref>/<path> or https://raw.githubusercontent.com/<owner>/<repo>/<ref>/<path>';

/**
 * A UrlReader over `gateway`. `webUrl` is GitHub's web address (`https://github.com`, or a GitHub Enterprise
 * Server's). A branch name holding `/` cannot be told from the path in a URL; the first segment is taken as the ref.
 */
export function createGitHubUrlReader(opts: { gateway: GitHubGateway; webUrl?: string }): UrlReader {
  const webHost = new URL(opts.webUrl ?? 'https://github.com').host;
  const parse = (url: string) => parseGitHubFileUrl(url, webHost);
  return {
    refuses(url) {
      return parse(url) ? undefined : `it is not a GitHub file URL (${FILE_URL_FORMS}), and only GitHub is read`;
    },
    async read(url) {
      const file = parse(url);
      if (!file) throw new Error(`${url} is not a GitHub file URL; expected ${FILE_URL_FORMS}.`);
      const read = await opts.gateway.readFile(file);
      if ('missing' in read) return 'missing';
      return { text: read.value.text, url: read.value.htmlUrl };
    },
  };
}

/** `{ repo: 'owner/name', ref, path }` of a GitHub file URL, or undefined for any other URL. */
export function parseGitHubFileUrl(
  url: string,
  webHost = 'github.com',
): { repo: string; ref: string; path: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const parts = parsed.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  if (parsed.host === webHost && parts[2] === 'blob' && parts.length >= 5) {
    const [owner, name, , ref, ...rest] = parts;
    return { repo: `${owner}/${name}`, ref: ref as string, path: rest.join('/') };
  }
  if (parsed.host === 'raw.githubusercontent.com' && parts.length >= 4) {
    const [owner, name, ref, ...rest] = parts;
    return { repo: `${owner}/${name}`, ref: ref as string, path: rest.join('/') };
  }
  return undefined;
}
