import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../../src/core/commands/index.ts';
import { plainText } from '../../../src/core/view-model.ts';
import { type DemoCatalog, openDemoCatalog } from '../../helpers/demo-catalog.ts';
import { blocksOf, component, githubLocation, importFromGitHub, rendered } from './answers.ts';

let demo: DemoCatalog;
beforeAll(async () => {
  demo = await openDemoCatalog();
  await importFromGitHub(demo.store, 'acme/ledger-reports', [
    component('ledger-reports', { owner: 'payments' }),
    component('ledger-archive', { owner: 'payments' }),
  ]);
  // The repository is read again and no longer holds ledger-archive.
  await importFromGitHub(demo.store, 'acme/ledger-reports', [component('ledger-reports', { owner: 'payments' })]);
});
afterAll(() => demo.close());

const ask = (line: string) => runCommandLine(demo.context, line);
const FILE_URL = githubLocation('acme/ledger-reports').slice('url:'.length);
const FILE_LINK = { kind: 'link', text: 'github.com/acme/ledger-reports/…/catalog-info.yaml', url: FILE_URL };

describe('where an entity came from', () => {
  it('/service links a file synced from GitHub in "Defined in"', async () => {
    const message = await ask('/service ledger-reports');

    const [context] = blocksOf(message, 'context');
    expect(plainText(context?.text ?? [])).toBe('Defined in github.com/acme/ledger-reports/…/catalog-info.yaml');
    expect(context?.text).toContainEqual(FILE_LINK);
    expect(blocksOf(message, 'context')).toHaveLength(1);
  });

  it('/service warns that an orphan’s source is gone, links to where it was and says when it goes', async () => {
    const message = await ask('/service ledger-archive');

    const [warning] = blocksOf(message, 'context');
    expect(message.blocks[1]).toBe(warning);
    expect(plainText(warning?.text ?? [])).toBe(
      '⚠ Orphaned: its source is gone. It was defined in github.com/acme/ledger-reports/…/catalog-info.yaml, and will be deleted after the grace period unless the file comes back.',
    );
    expect(warning?.text).toContainEqual(FILE_LINK);
    expect(rendered(message)).toMatchSnapshot();
  });

  it('/owner shows an orphan with one ⚠ Orphaned line under the header', async () => {
    const message = await ask('/owner ledger-archive');

    expect(message.blocks[0]).toEqual({ type: 'header', text: 'ledger-archive is owned by Payments Team' });
    expect(message.blocks[1]).toEqual({
      type: 'context',
      text: [
        { kind: 'text', text: '⚠ Orphaned: its source is gone (it was defined in ' },
        FILE_LINK,
        { kind: 'text', text: ').' },
      ],
    });
    expect(rendered(message).text).toContain(
      `⚠ Orphaned: its source is gone (it was defined in github.com/acme/ledger-reports/…/catalog-info.yaml (${FILE_URL})).`,
    );
  });

  it('/owner shows no orphan line for an entity its source still holds', async () => {
    const message = await ask('/owner ledger-reports');

    const contexts = blocksOf(message, 'context').map((block) => plainText(block.text));
    expect(contexts.some((text) => text.includes('Orphaned'))).toBe(false);
  });
});

describe('orphans in lists', () => {
  it('/find, /owner of its team, /deps and /service mark an orphan "(orphaned)" and nothing else', async () => {
    await importFromGitHub(demo.store, 'acme/old-jobs', [
      component('old-job', { owner: 'payments', dependsOn: ['component:ledger-service'] }),
      component('new-job', { owner: 'payments', dependsOn: ['component:ledger-service'] }),
    ]);
    await importFromGitHub(demo.store, 'acme/old-jobs', [
      component('new-job', { owner: 'payments', dependsOn: ['component:ledger-service'] }),
    ]);
    const items = async (line: string) =>
      blocksOf(await ask(line), 'list').flatMap((list) => list.items.map((item) => plainText(item.text)));

    expect(await items('/find job')).toEqual(expect.arrayContaining(['old-job (orphaned)', 'new-job']));
    expect(await items('/owner group:default/payments')).toEqual(
      expect.arrayContaining(['old-job (orphaned)', 'new-job', 'ledger-archive (orphaned)', 'ledger-reports']),
    );
    expect(await items('/deps ledger-service --reverse')).toEqual(
      expect.arrayContaining(['old-job (orphaned)', 'new-job', 'payments-api']),
    );
    expect(await items('/deps old-job')).toEqual(['ledger-service', 'ledger-db']);
    const text = rendered(await ask('/find job')).text;
    expect(text).toContain('• old-job (orphaned) — Component');
  });
});
