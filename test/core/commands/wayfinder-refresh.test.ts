import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../../src/core/commands/index.ts';
import { plainText } from '../../../src/core/view-model.ts';
import { importCatalog } from '../../../src/ingestion/import-catalog.ts';
import { type DemoCatalog, openDemoCatalog } from '../../helpers/demo-catalog.ts';
import { blocksOf, buttonCommands, component, importFromGitHub, rendered } from './answers.ts';

let demo: DemoCatalog;
let scratch: string;
beforeAll(async () => {
  demo = await openDemoCatalog();
  scratch = await realpath(await mkdtemp(path.join(tmpdir(), 'wayfinder-refresh-')));
});
afterAll(async () => {
  await demo.close();
  await rm(scratch, { recursive: true, force: true });
});

const ask = (line: string) => runCommandLine(demo.context, line);

/** A service and its queue in one file; the queue's document starts on line 11. */
function descriptors(name: string, opts: { description?: string; queueName?: string } = {}): string {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  description: ${opts.description ?? 'Copies ledger entries to the warehouse.'}
spec:
  type: service
  lifecycle: production
  owner: payments
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: ${opts.queueName ?? `${name}-queue`}
spec:
  type: queue
  owner: payments
`;
}

/** Writes `<scratch>/<name>/catalog-info.yaml` and imports it as `wayfinder catalog import` does. */
async function importScratchCatalog(name: string): Promise<string> {
  const file = path.join(scratch, name, 'catalog-info.yaml');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, descriptors(name));
  const { errors } = await importCatalog({ paths: [file], store: demo.store });
  expect(errors).toEqual([]);
  return file;
}

describe('/wayfinder refresh', () => {
  it('re-reads an edited file and counts what changed', async () => {
    const file = await importScratchCatalog('ledger-sync');
    await writeFile(file, descriptors('ledger-sync', { description: 'Streams ledger entries to the warehouse.' }));

    const message = await ask('/wayfinder refresh ledger-sync');

    // The file as answers show it: from the folder it was imported from, never its path on the server.
    expect(message.summary).toBe(
      'Refreshed ledger-sync from ledger-sync/catalog-info.yaml: 0 created, 1 updated, 1 unchanged.',
    );
    expect(plainText(blocksOf(message, 'text')[0]?.text ?? [])).toBe(
      'Read ledger-sync/catalog-info.yaml: 0 created, 1 updated, 1 unchanged.',
    );
    expect(JSON.stringify(message)).not.toContain(scratch);
    expect(blocksOf(message, 'list')).toEqual([]);
    expect((await ask('/service ledger-sync')).summary).toContain('Streams ledger entries to the warehouse.');
  });

  it('shows each error of a broken document as file:line field: message, and keeps the last good entity', async () => {
    const file = await importScratchCatalog('ledger-audit');
    await writeFile(file, descriptors('ledger-audit', { queueName: 'Ledger Audit Queue' }));

    const message = await ask('/wayfinder refresh ledger-audit');

    expect(message.summary).toBe(
      'Refreshed ledger-audit from ledger-audit/catalog-info.yaml: 0 created, 0 updated, 1 unchanged, 1 failed. 1 error.',
    );
    const [errors] = blocksOf(message, 'list');
    expect(errors?.title).toBe('1 error');
    expect(errors?.items.map((item) => plainText(item.text))).toEqual([
      `ledger-audit/catalog-info.yaml:14: metadata.name: "metadata.name" is not valid; expected a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total but found "Ledger Audit Queue".`,
    ]);
    expect(buttonCommands(message)).toEqual(['/service ledger-audit', '/wayfinder errors']);
    expect((await ask('/service ledger-audit-queue')).summary).toBe('ledger-audit-queue: Resource · queue');
    expect(rendered(message, scratch)).toMatchSnapshot();
  });

  it('says the file is gone and changes nothing when it was deleted', async () => {
    const file = await importScratchCatalog('ledger-export');
    await rm(file);

    const message = await ask('/wayfinder refresh ledger-export');

    expect(message.summary).toBe(
      'Could not refresh ledger-export: ledger-export/catalog-info.yaml no longer exists on this machine; import its new location with `wayfinder catalog import`. Nothing was changed.',
    );
    expect(plainText(blocksOf(message, 'context')[0]?.text ?? [])).toBe(
      'Nothing was changed: ledger-export stays as last read from ledger-export/catalog-info.yaml.',
    );
    expect(JSON.stringify(message)).not.toContain(scratch);
    expect((await ask('/service ledger-export')).summary).toBe(
      'ledger-export: Component · service — Copies ledger entries to the warehouse.',
    );
    expect(rendered(message, scratch)).toMatchSnapshot();
  });

  it('says GitHub is not configured when the entity was synced from GitHub', async () => {
    await importFromGitHub(demo.store, 'acme/ledger-reports', [component('ledger-reports', { owner: 'payments' })]);

    const message = await ask('/wayfinder refresh ledger-reports');

    expect(message.summary).toBe(
      'Wayfinder cannot refresh ledger-reports: component:default/ledger-reports was synced from GitHub (github:acme/ledger-reports), and GitHub is not configured here: set GITHUB_ORG and GITHUB_TOKEN (or the GitHub App keys). Nothing was changed.',
    );
    const kept = blocksOf(message, 'context')[0]?.text ?? [];
    expect(kept).toContainEqual({
      kind: 'link',
      text: 'github.com/acme/ledger-reports/…/catalog-info.yaml',
      url: 'https://github.com/acme/ledger-reports/blob/main/catalog-info.yaml',
    });
    expect(rendered(message)).toMatchSnapshot();
  });

  it('answers a missing name with its usage', async () => {
    expect((await ask('/wayfinder refresh')).summary).toBe('Usage: /wayfinder refresh <name>');
  });

  it('suggests close names as buttons that refresh them', async () => {
    const message = await ask('/wayfinder refresh paymnts-api');

    expect(message.summary).toMatch(/^No entity named paymnts-api\. Closest: payments-api/);
    expect(buttonCommands(message)).toContain('/wayfinder refresh payments-api');
    expect(buttonCommands(message).every((command) => command.startsWith('/wayfinder refresh '))).toBe(true);
  });
});
