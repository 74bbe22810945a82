import type { CatalogStore } from '../core/ports/catalog-store.ts';

/**
 * Deletes the entities orphaned more than `graceMs` before `now`; returns how many. Run by the served schedule
 * (hourly), and at the end of `wayfinder catalog import` and `/wayfinder refresh`, so that a catalog kept without the
 * server loses its orphans too.
 */
export async function purgeExpiredOrphans(opts: {
  store: Pick<CatalogStore, 'purgeOrphans'>;
  graceMs: number;
  now: Date;
}): Promise<{ purged: number; before: Date }> {
  const before = new Date(opts.now.getTime() - opts.graceMs);
  return { purged: await opts.store.purgeOrphans({ before }), before };
}
