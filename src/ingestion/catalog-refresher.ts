/**
 * `/wayfinder refresh <name>`: re-reads the source an entity came from, now. A hand import has the root it was
 * imported from (a file or a directory) imported again, so that an entity removed from it becomes an orphan, as with
 * `wayfinder catalog import`; an entity synced from GitHub has its repository (or its organisation's teams) synced
 * again.
 */
import { stat } from 'node:fs/promises';
import { shownPath } from '../core/catalog/facts.ts';
import type { EntityRecord, RefreshOutcome } from '../core/catalog/records.ts';
import type { CatalogRefresher } from '../core/ports/catalog-refresher.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import { importCatalog } from './import-catalog.ts';
import { purgeExpiredOrphans } from './purge-orphans.ts';

/** Refreshes one GitHub scope (`github:acme/payments-api`, `github-teams:acme`); present when GitHub is configured. */
export type RefreshScope = (opts: { scope: string }) => Promise<RefreshOutcome>;

/**
 * A refresher over `store`. With `orphanGraceMs` (`WAYFINDER_ORPHAN_GRACE`), every refresh that read its source ends by
 * deleting the orphans older than that (`purged` in the outcome), as the served schedule does hourly.
 */
export function createCatalogRefresher(opts: {
  store: CatalogStore;
  refreshScope?: RefreshScope;
  orphanGraceMs?: number;
  clock?: () => Date;
}): CatalogRefresher {
  const purgeAfter = async (outcome: RefreshOutcome): Promise<RefreshOutcome> => {
    if (outcome.status !== 'refreshed' || opts.orphanGraceMs === undefined) return outcome;
    const now = opts.clock?.() ?? new Date();
    const { purged } = await purgeExpiredOrphans({ store: opts.store, graceMs: opts.orphanGraceMs, now });
    return purged > 0 ? { ...outcome, purged } : outcome;
  };
  return {
    refresh: async (request) => purgeAfter(await refreshSource(request.entity)),
  };

  async function refreshSource(entity: EntityRecord): Promise<RefreshOutcome> {
    const scope = (await opts.store.listSourceScopes({ refs: [entity.ref] })).get(entity.ref)?.scope;
    if (scope && !scope.startsWith('file:')) {
      if (!opts.refreshScope) {
        return {
          status: 'unsupported',
          reason: `${entity.ref} was synced from GitHub (${scope}), and GitHub is not configured here: set GITHUB_ORG and GITHUB_TOKEN (or the GitHub App keys).`,
        };
      }
      return opts.refreshScope({ scope });
    }
    const location = entity.sourceLocation;
    if (!scope && !location?.startsWith('file:')) {
      return {
        status: 'unsupported',
        reason: `${entity.ref} has no source Wayfinder can read again${location ? ` (${location})` : ''}.`,
      };
    }
    // The root it was imported from; an entity imported before roots were recorded has only its file.
    const root = (scope ?? location ?? '').slice('file:'.length);
    if (!(await exists(root))) {
      return {
        status: 'unavailable',
        source: root,
        // The reason reaches chat: the path as answers show it, never its whole path on the server.
        reason: `${shownPath(root, root)} no longer exists on this machine; import its new location with \`wayfinder catalog import\`.`,
      };
    }
    const { counts, errors } = await importCatalog({ paths: [root], store: opts.store });
    return { status: 'refreshed', source: root, counts, errors };
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
