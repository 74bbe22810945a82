import { fileURLToPath } from 'node:url';
import { localViewer } from '../../src/core/commands/asker.ts';
import type { CommandContext } from '../../src/core/commands/types.ts';
import type { CatalogStore } from '../../src/core/ports/catalog-store.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { createCatalogRefresher } from '../../src/ingestion/catalog-refresher.ts';
import { importCatalog } from '../../src/ingestion/import-catalog.ts';
import { openTestDatabase } from './database.ts';

export const DEMO_CATALOG = fileURLToPath(new URL('../../demo/catalog', import.meta.url));

export interface DemoCatalog {
  store: CatalogStore;
  context: CommandContext;
  /** The database, for stores beside the catalog's (the docs index). */
  database: Database;
  close(): Promise<void>;
}

/** A test database holding the demo organisation that `npm start` loads. */
export async function openDemoCatalog(opts: { onQuery?: (query: string) => void } = {}): Promise<DemoCatalog> {
  const database = await openTestDatabase(opts);
  const store = new DrizzleCatalogStore({ db: database.db });
  const { counts, errors } = await importCatalog({ paths: [DEMO_CATALOG], store });
  if (errors.length > 0 || counts.created === 0) {
    throw new Error(`The demo catalog did not import cleanly: ${JSON.stringify(errors, null, 2)}`);
  }
  const refresher = createCatalogRefresher({ store });
  return { store, context: { store, refresher, viewer: localViewer }, database, close: () => database.close() };
}
