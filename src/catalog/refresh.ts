/**
 * `/wayfinder refresh <name>`: re-reads the source an entity came from, now. A file imported by hand is imported
 * again; an entity synced from GitHub has its repository (or its organisation's teams) synced again.
 */
import { stat } from 'node:fs/promises';
import { shownPath } from '../core/catalog/facts.ts';
import type { CatalogRefresher, CatalogStore, RefreshOutcome } from '../core/ports.ts';
import { importCatalog } from './import-catalog.ts';

/** Refreshes one GitHub scope (`github:acme/payments-api`, `github-teams:acme`); present when GitHub is configured. */
export type RefreshScope = (opts: { scope: string }) => Promise<RefreshOutcome>;

export function createCatalogRefresher(opts: { store: CatalogStore; refreshScope?: RefreshScope }): CatalogRefresher {
  return {
    async refresh({ entity }) {
      const scope = (await opts.store.listSourceScopes({ refs: [entity.ref] })).get(entity.ref)?.scope;
      if (scope) {
        if (!opts.refreshScope) {
          return {
            status: 'unsupported',
            reason: `${entity.ref} was synced from GitHub (${scope}), and GitHub is not configured here: set GITHUB_ORG and GITHUB_TOKEN (or the GitHub App keys).`,
          };
        }
        return opts.refreshScope({ scope });
      }
      const location = entity.sourceLocation;
      if (!location?.startsWith('file:')) {
        return {
          status: 'unsupported',
          reason: `${entity.ref} has no source Wayfinder can read again${location ? ` (${location})` : ''}.`,
        };
      }
      const file = location.slice('file:'.length);
      if (!(await isFile(file))) {
        return {
          status: 'unavailable',
          source: file,
          // The reason reaches chat: the file as answers show it, never its path on the server.
          reason: `${shownPath(file, entity.sourceRoot)} no longer exists on this machine; import its new location with \`wayfinder catalog import\`.`,
        };
      }
      const { counts, errors } = await importCatalog({ paths: [file], store: opts.store });
      return { status: 'refreshed', source: file, counts, errors };
    },
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
