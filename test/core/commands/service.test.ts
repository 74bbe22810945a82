import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../../src/core/commands/index.ts';
import { plainText } from '../../../src/core/view-model.ts';
import { type DemoCatalog, openDemoCatalog } from '../../helpers/demo-catalog.ts';

let demo: DemoCatalog;
beforeAll(async () => {
  demo = await openDemoCatalog();
});
afterAll(() => demo.close());

describe('/service', () => {
  it('describes an entity: kind, lifecycle, owner, system, domain, APIs, links and tags', async () => {
    const message = await runCommandLine(demo.context, '/service payments-api');

    const fields = message.blocks.flatMap((block) => (block.type === 'fields' ? block.fields : []));
    expect(Object.fromEntries(fields.map((entry) => [entry.label, plainText(entry.value)]))).toEqual({
      Kind: 'Component · service',
      Lifecycle: 'production',
      Owner: 'Payments Team',
      System: 'Payments',
      Domain: 'commerce',
    });
    const lists = Object.fromEntries(
      message.blocks.flatMap((block) =>
        block.type === 'list' ? [[block.title, block.items.map((item) => plainText(item.text))]] : [],
      ),
    );
    expect(lists['Provides APIs']).toEqual(['payments-rest']);
    expect(lists['Consumes APIs']).toEqual(['identity-rest']);
    expect(lists['Depends on']).toEqual(['ledger-service', 'payments-db']);
    expect(lists.Links).toEqual(['Repository', 'Runbook', 'Dashboard']);
    const context = message.blocks.flatMap((block) => (block.type === 'context' ? [plainText(block.text)] : []));
    expect(context.join(' ')).toContain('Tags: java payments pci');
    // Relative to the folder the demo was imported from: never the path on the server.
    expect(context.join(' ')).toMatch(/Defined in catalog\/payments\.yaml$/);
  });

  it('shows a dangling owner by its ref', async () => {
    const message = await runCommandLine(demo.context, '/service log-shipper');
    const owner = message.blocks
      .flatMap((block) => (block.type === 'fields' ? block.fields : []))
      .find((f) => f.label === 'Owner');
    expect(owner && plainText(owner.value)).toBe('group:default/logging-guild');
  });
});
