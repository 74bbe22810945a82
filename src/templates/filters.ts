/**
 * Backstage's built-in template filters (`plugins/scaffolder-backend/src/lib/templating/filters.ts`), with the same
 * names, arguments and results: `parseRepoUrl`, `parseEntityRef`, `pick` and `projectSlug`.
 */
import { parseEntityRef as parseRef } from '../core/catalog/refs.ts';
import { InputError } from '../core/errors.ts';

/** What `parseRepoUrl` gives for a RepoUrlPicker value: `github.com?owner=acme&repo=payments-api`. */
export interface RepoUrlParts {
  host: string;
  owner: string;
  repo: string;
}

const REPO_URL_FORM = 'host?owner=<owner>&repo=<repo>, as the RepoUrlPicker writes it (github.com?owner=acme&repo=web)';

/**
 * Parses the RepoUrlPicker's value (`<host>?owner=<owner>&repo=<repo>`), as Backstage's `parseRepoUrl` does for
 * GitHub hosts. Throws InputError naming the form expected when a part is missing.
 */
export function parseRepoUrl(repoUrl: unknown): RepoUrlParts {
  if (typeof repoUrl !== 'string' || repoUrl === '') {
    throw new InputError(`Repository URL ${JSON.stringify(repoUrl)} is not valid; expected ${REPO_URL_FORM}.`);
  }
  let url: URL;
  try {
    url = new URL(`https://${repoUrl}`);
  } catch {
    throw new InputError(`Repository URL "${repoUrl}" is not valid; expected ${REPO_URL_FORM}.`);
  }
  const owner = url.searchParams.get('owner') ?? url.searchParams.get('organization');
  const repo = url.searchParams.get('repo');
  if (!owner || !repo) {
    throw new InputError(
      `Repository URL "${repoUrl}" names no ${owner ? 'repo' : 'owner'}; expected ${REPO_URL_FORM}.`,
    );
  }
  return { host: url.host, owner, repo };
}

/** `owner/repo` of a RepoUrlPicker value. */
export function projectSlug(repoUrl: unknown): string {
  const { owner, repo } = parseRepoUrl(repoUrl);
  return `${owner}/${repo}`;
}

/** lodash `get`: a dotted path (`metadata.name`, `a[0].b`) into an object; undefined when any part is missing. */
export function pick(value: unknown, key: unknown): unknown {
  const path = String(key)
    .replace(/\[(\w+)\]/g, '.$1')
    .split('.')
    .filter((part) => part !== '');
  let current: unknown = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** `{ kind, namespace, name }` of an entity ref; `context` may give `defaultKind` and `defaultNamespace`. */
export function parseEntityRefFilter(
  ref: unknown,
  context?: unknown,
): { kind: string; namespace: string; name: string } {
  const options = (context && typeof context === 'object' ? context : {}) as Record<string, unknown>;
  return parseRef(String(ref ?? ''), {
    ...(typeof options.defaultKind === 'string' ? { defaultKind: options.defaultKind } : {}),
    ...(typeof options.defaultNamespace === 'string' ? { defaultNamespace: options.defaultNamespace } : {}),
  });
}

export const TEMPLATE_FILTERS: Record<string, (...args: unknown[]) => unknown> = {
  parseRepoUrl: (url) => parseRepoUrl(url),
  parseEntityRef: (ref, context) => parseEntityRefFilter(ref, context),
  pick: (value, key) => pick(value, key),
  projectSlug: (url) => projectSlug(url),
};
