/** A test database holding the demo organisation, with the shipped scorecards over it and an injected clock. */
import { fileURLToPath } from 'node:url';
import { localViewer } from '../../src/core/commands/asker.ts';
import type { CommandContext } from '../../src/core/commands/types.ts';
import type { ScorecardSource } from '../../src/core/ports/scorecard-source.ts';
import type { Scorecard } from '../../src/core/scorecards/format.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { DrizzleScorecardStore } from '../../src/db/DrizzleScorecardStore.ts';
import { createCatalogRefresher } from '../../src/ingestion/catalog-refresher.ts';
import { importCatalog } from '../../src/ingestion/import-catalog.ts';
import { loadScorecards } from '../../src/scorecards/load.ts';
import { createScorecardSource } from '../../src/scorecards/scorecard-source.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { DEMO_CATALOG } from '../helpers/demo-catalog.ts';

export const SHIPPED_SCORECARDS = fileURLToPath(new URL('../../scorecards', import.meta.url));

export interface ScorecardCatalog {
  database: Database;
  catalog: DrizzleCatalogStore;
  store: DrizzleScorecardStore;
  scorecards: Scorecard[];
  source: ScorecardSource;
  context: CommandContext;
  /** Moves the injected clock. */
  setNow(date: Date): void;
  close(): Promise<void>;
}

export async function openScorecardCatalog(opts: { now: Date; paths?: string[] }): Promise<ScorecardCatalog> {
  const database = await openTestDatabase();
  const catalog = new DrizzleCatalogStore({ db: database.db });
  const { errors } = await importCatalog({ paths: opts.paths ?? [DEMO_CATALOG], store: catalog });
  if (errors.length > 0) throw new Error(`The catalog did not import: ${JSON.stringify(errors)}`);
  const store = new DrizzleScorecardStore({ db: database.db });
  const { scorecards, problems } = await loadScorecards(SHIPPED_SCORECARDS);
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  let now = opts.now;
  const source = createScorecardSource({ scorecards, store, clock: () => now });
  return {
    database,
    catalog,
    store,
    scorecards,
    source,
    context: {
      store: catalog,
      refresher: createCatalogRefresher({ store: catalog }),
      viewer: localViewer,
      scorecards: source,
    },
    setNow: (date) => {
      now = date;
    },
    close: () => database.close(),
  };
}
