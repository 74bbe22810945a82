import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStatus } from '../../src/docs/cli.ts';
import { indexDocs } from '../../src/docs/indexer.ts';
import { type DemoDocs, openDemoDocs } from '../helpers/demo-docs.ts';

let demo: DemoDocs;
beforeAll(async () => {
  demo = await openDemoDocs();
});
afterAll(() => demo?.close());

describe('wayfinder docs status', () => {
  it('flags the sources whose entity is no longer in the catalog, naming the command that forgets them', async () => {
    await indexDocs({
      store: demo.index,
      source: { key: 'dir:/srv/docs/retired api', entityRef: 'component:default/retired-api' },
      files: [
        { path: 'runbook.md', markdown: '# Retired API\n\n## Restart\n\nRestart it with `retiredctl restart`.\n' },
      ],
    });
    const status = await demo.index.status();
    expect(status.sources.find((source) => source.key === 'dir:/srv/docs/retired api')?.entityMissing).toBe(true);
    expect(status.sources.filter((source) => source.entityMissing).map((source) => source.key)).toEqual([
      'dir:/srv/docs/retired api',
    ]);
    const lines = formatStatus(status, undefined).split('\n');
    const flagged = lines.findIndex((line) =>
      line.startsWith('dir:/srv/docs/retired api (component:default/retired-api):'),
    );
    expect(lines[flagged + 1]).toBe(
      "  component:default/retired-api is no longer in the catalog, but its docs still answer /ask: wayfinder docs forget '/srv/docs/retired api' removes them, or index them for another entity.",
    );
    expect(lines.filter((line) => line.includes('no longer in the catalog'))).toHaveLength(1);
  });
});
