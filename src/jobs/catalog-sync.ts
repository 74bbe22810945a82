import type { SyncSummary } from '../ingestion/github-sync.ts';
import type { Logger } from '../logger.ts';

/**
 * Syncs the GitHub organisation (only what changed since the last sync), then hands the summary to `notify` (the
 * error notices: `notifyErrorOwners`). A repository GitHub fails on is in `summary.failed`, already logged by the sync,
 * and read again next time; only a failure of the whole sync (the listing, the database) fails the job.
 */
export function createCatalogSyncJob(opts: {
  sync: { syncOrganisation(): Promise<SyncSummary> };
  notify?: (summary: SyncSummary) => Promise<void>;
  logger: Logger;
}): () => Promise<void> {
  return async () => {
    const started = Date.now();
    const summary = await opts.sync.syncOrganisation();
    opts.logger.info(`Catalog sync: ${describeSync(summary)} in ${Date.now() - started} ms`);
    await opts.notify?.(summary);
  };
}

/** One line for the log: what was read, written and refused. */
export function describeSync(summary: SyncSummary): string {
  const { counts } = summary;
  return [
    `${summary.read}/${summary.repositories} repositories read`,
    `${summary.gone} gone`,
    `${counts.created} created, ${counts.updated} updated, ${counts.orphaned} orphaned`,
    `${summary.errors.length} errors`,
    `${summary.failed.length} failed`,
    `${summary.requests} GitHub requests (${summary.notModified} not modified)`,
  ].join(', ');
}
