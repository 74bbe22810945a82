import type { CatalogStore } from '../core/ports/catalog-store.ts';
import { purgeExpiredOrphans } from '../ingestion/purge-orphans.ts';
import type { Logger } from '../logger.ts';

/**
 * Deletes entities that have been orphans (their repository or file gone) for longer than `graceMs`
 * (`WAYFINDER_ORPHAN_GRACE`); younger orphans stay, so a repository restored or unarchived in time keeps its entities.
 */
export function createOrphanPurgeJob(opts: {
  store: Pick<CatalogStore, 'purgeOrphans'>;
  graceMs: number;
  clock: () => Date;
  logger: Logger;
}): () => Promise<void> {
  return async () => {
    const { purged, before } = await purgeExpiredOrphans({ ...opts, now: opts.clock() });
    if (purged > 0)
      opts.logger.info(`Orphan purge: deleted ${purged} entities orphaned before ${before.toISOString()}`);
  };
}
