/**
 * Where templates come from: the templates folder (`WAYFINDER_TEMPLATES_DIR`, default `./templates`, one
 * `<name>/template.yaml` per template) and `Template` entities in the catalog (imported files or the GitHub sync), as
 * Backstage registers them. Each found template knows its location, against which its relative URLs resolve.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { TemplateLocation } from './template-files.ts';

/** A template file found, not yet loaded: its document as text (a file) or as data (a catalog envelope). */
export type FoundTemplate = { file: string; location: TemplateLocation } & ({ text: string } | { document: unknown });

/** Templates in `<dir>/<name>/template.yaml` (or `.yml`), in name order; none when the folder does not exist. */
export async function findLocalTemplates(dir: string): Promise<FoundTemplate[]> {
  const root = path.resolve(dir);
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const found: FoundTemplate[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    for (const name of ['template.yaml', 'template.yml']) {
      const file = path.join(root, entry.name, name);
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      found.push({ file, text, location: { type: 'dir', dir: path.dirname(file), root } });
      break;
    }
  }
  return found;
}

/** One template file given by path (`wayfinder templates validate <path>`): a file, or a folder holding template.yaml. */
export async function findTemplateAt(given: string): Promise<FoundTemplate> {
  const resolved = path.resolve(given);
  const file = /\.ya?ml$/.test(resolved) ? resolved : path.join(resolved, 'template.yaml');
  const text = await readFile(file, 'utf8');
  const dir = path.dirname(file);
  return { file, text, location: { type: 'dir', dir, root: dir } };
}

/**
 * `Template` entities of the catalog, located by where they were read from: a GitHub file URL (its repository and
 * folder, read through the GitHub provisioner) or a file on this machine (its folder).
 */
export async function findCatalogTemplates(opts: {
  store: Pick<CatalogStore, 'search'>;
  /** GitHub's web host (`github.com`, or a GitHub Enterprise Server's). */
  githubHost: string;
  limit?: number;
}): Promise<FoundTemplate[]> {
  const { hits } = await opts.store.search({ text: '', kind: 'template', limit: opts.limit ?? 500 });
  const found: FoundTemplate[] = [];
  for (const { entity } of hits) {
    if (entity.orphan) continue;
    const location = locationOf(entity.sourceLocation, opts.githubHost);
    const file = entity.sourceLocation?.replace(/^(url|file):/, '') ?? entity.ref;
    found.push({
      file,
      document: entity.envelope,
      location: location ?? { type: 'dir', dir: '/nonexistent', root: '/nonexistent' },
    });
  }
  return found;
}

function locationOf(source: string | undefined, githubHost: string): TemplateLocation | undefined {
  if (source?.startsWith('file:')) {
    const dir = path.dirname(source.slice('file:'.length));
    return { type: 'dir', dir, root: dir };
  }
  if (!source?.startsWith('url:')) return undefined;
  let url: URL;
  try {
    url = new URL(source.slice('url:'.length));
  } catch {
    return undefined;
  }
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (url.host !== githubHost || parts[2] !== 'blob' || parts.length < 5) return undefined;
  const [owner, repo, , ref, ...rest] = parts;
  return {
    type: 'github',
    repo: `${owner}/${repo}`,
    ref: ref as string,
    dir: rest.slice(0, -1).join('/'),
    webHost: githubHost,
  };
}
