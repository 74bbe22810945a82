import { describe, expect, it } from 'vitest';
import type { SyncSummary } from '../../src/ingestion/github-sync.ts';
import { createCatalogSyncJob } from '../../src/jobs/catalog-sync.ts';
import type { Logger } from '../../src/logger.ts';

const summary: SyncSummary = {
  repositories: 3,
  read: 1,
  gone: 0,
  changes: { read: [], gone: [] },
  failed: [],
  files: 1,
  counts: { created: 1, updated: 0, unchanged: 0, orphaned: 0, failed: 0 },
  errors: [],
  requests: 4,
  notModified: 3,
  rateLimitRemaining: 4990,
};

describe('createCatalogSyncJob', () => {
  it('syncs the organisation, logs one line, and hands the summary to the error notices', async () => {
    const lines: string[] = [];
    const logger: Logger = { debug() {}, info: (line) => lines.push(line), warn() {}, error() {} };
    const notified: SyncSummary[] = [];

    await createCatalogSyncJob({
      sync: { syncOrganisation: async () => summary },
      notify: async (done) => {
        notified.push(done);
      },
      logger,
    })();

    expect(notified).toEqual([summary]);
    expect(lines).toEqual([
      expect.stringMatching(/^Catalog sync: 1\/3 repositories read, 0 gone, 1 created, .* in \d+ ms$/),
    ]);
  });
});
