import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestError } from '../../../src/core/catalog/types.ts';
import { localViewer } from '../../../src/core/commands/asker.ts';
import { runCommandLine } from '../../../src/core/commands/index.ts';
import type { CommandContext } from '../../../src/core/commands/types.ts';
import { plainText } from '../../../src/core/view-model.ts';
import { DrizzleCatalogStore } from '../../../src/db/DrizzleCatalogStore.ts';
import { createCatalogRefresher } from '../../../src/ingestion/catalog-refresher.ts';
import { importCatalog } from '../../../src/ingestion/import-catalog.ts';
import { openTestDatabase } from '../../helpers/database.ts';
import { type DemoCatalog, openDemoCatalog } from '../../helpers/demo-catalog.ts';
import { blocksOf, githubLocation, rendered } from './answers.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/catalog', import.meta.url));

let demo: DemoCatalog;
beforeAll(async () => {
  demo = await openDemoCatalog();
});
afterAll(() => demo.close());

const ask = (line: string) => runCommandLine(demo.context, line);

describe('/wayfinder errors', () => {
  it('says every file was valid when the catalog has no errors', async () => {
    const message = await ask('/wayfinder errors');

    expect(message.summary).toBe('No catalog errors: every file read at the last import or sync was valid.');
    expect(rendered(message)).toMatchSnapshot();
  });

  it('lists every error by file, files then lines in order, under a count of errors and files', async () => {
    await importCatalog({
      paths: ['syntax-error', 'cli', 'location-missing'].map((dir) => `${FIXTURES}/${dir}`),
      store: demo.store,
    });
    const synced = githubLocation('acme/ledger-reports');
    await demo.store.importEntities({
      entities: [],
      errors: [
        { location: synced, line: 21, field: 'spec.owner', message: 'expected a string, found a list.' },
        { location: synced, line: 4, field: 'metadata.name', message: 'expected a name, found "Ledger Reports".' },
      ],
      locations: [synced],
    });

    const message = await ask('/wayfinder errors');

    expect(message.summary).toBe('7 catalog errors in 4 files.');
    const files = blocksOf(message, 'text').map((block) => plainText(block.text));
    expect(files).toEqual([
      // A file on the server: its folder and name, never its path on the server.
      'cli/catalog-info.yaml — 2 errors',
      'location-missing/catalog-info.yaml — 1 error',
      'syntax-error/catalog-info.yaml — 2 errors',
      'github.com/acme/ledger-reports/…/catalog-info.yaml — 2 errors',
    ]);
    const lists = blocksOf(message, 'list').map((list) => list.items.map((item) => plainText(item.text)));
    expect(lists[2]).toEqual([
      'line 9: YAML syntax error at line 12, column 9: Nested mappings are not allowed in compact mappings.',
      'line 21: metadata.name: "metadata.name" is not valid; expected a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total but found "Not A Valid Name".',
    ]);
    expect(lists[3]).toEqual([
      'line 4: metadata.name: expected a name, found "Ledger Reports".',
      'line 21: spec.owner: expected a string, found a list.',
    ]);
    expect(rendered(message)).toMatchSnapshot();

    // The file synced from GitHub links to it, and each of its errors to its line.
    const fileUrl = 'https://github.com/acme/ledger-reports/blob/main/catalog-info.yaml';
    expect(blocksOf(message, 'text').at(-1)?.text[0]).toEqual({
      kind: 'link',
      text: 'github.com/acme/ledger-reports/…/catalog-info.yaml',
      url: fileUrl,
    });
    expect(blocksOf(message, 'list').at(-1)?.items[0]?.text[0]).toEqual({
      kind: 'link',
      text: 'line 4',
      url: `${fileUrl}#L4`,
    });
  });
});

describe('/wayfinder errors with many broken files', () => {
  let context: CommandContext;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const database = await openTestDatabase();
    const store = new DrizzleCatalogStore({ db: database.db });
    context = { store, refresher: createCatalogRefresher({ store }), viewer: localViewer };
    close = () => database.close();
    const locations = Array.from({ length: 40 }, (_, i) =>
      githubLocation(`acme/service-${String(i).padStart(2, '0')}`),
    );
    const errors: IngestError[] = locations.flatMap((location, i) =>
      Array.from({ length: i === 0 ? 60 : 3 }, (_, line) => ({
        location,
        line: line * 10 + 1,
        field: 'spec.owner',
        message: '"spec.owner" must be a string; expected an entity reference such as group:payments.',
      })),
    );
    await store.importEntities({ entities: [], errors, locations });
  });
  afterAll(() => close());

  it("shows the first files within Slack's limits, cuts long lists and counts the files left out", async () => {
    const message = await runCommandLine(context, '/wayfinder errors');

    expect(message.summary).toBe('177 catalog errors in 40 files.');
    expect(blocksOf(message, 'list')).toHaveLength(15);
    const notes = blocksOf(message, 'context').map((block) => plainText(block.text));
    expect(notes[0]).toBe('…and 25 more files with 75 errors; wayfinder catalog errors on the server lists them all.');
    const { slack } = rendered(message);
    const json = JSON.stringify(slack.blocks);
    expect(json).toContain('…and 10 more');
    expect(json).toContain('github.com/acme/service-14/…/catalog-info.yaml');
    expect(json).toContain('…and 25 more files with 75 errors');
  });
});
