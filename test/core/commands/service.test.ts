import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../../src/console/render.ts';
import { runCommandLine } from '../../../src/core/commands/index.ts';
import { type Message, plainText } from '../../../src/core/view-model.ts';
import { type DemoCatalog, openDemoCatalog } from '../../helpers/demo-catalog.ts';
import { blocksOf, contextTexts, fieldTexts } from './answers.ts';

let demo: DemoCatalog;
beforeAll(async () => {
  demo = await openDemoCatalog();
});
afterAll(() => demo.close());

const ask = (line: string) => runCommandLine(demo.context, line);

function buttons(message: Message): { label: string; command: string }[] {
  return blocksOf(message, 'actions').flatMap((block) =>
    block.buttons.map((button) => ({ label: button.label, command: button.command })),
  );
}

describe('/service', () => {
  it('describes an entity: kind, lifecycle, owner, system, domain, APIs, links and tags', async () => {
    const message = await runCommandLine(demo.context, '/service payments-api');

    const fields = message.blocks.flatMap((block) => (block.type === 'fields' ? block.fields : []));
    expect(Object.fromEntries(fields.map((entry) => [entry.label, plainText(entry.value)]))).toEqual({
      Kind: 'Component · service',
      Lifecycle: 'production',
      Owner: 'Payments Team',
      System: 'Payments',
      // Titles, as the System beside it: the domain `commerce` is titled Commerce.
      Domain: 'Commerce',
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

  it('names a person by display name and offers what they own, not their dependencies', async () => {
    const message = await ask('/service Ada Lovelace');

    expect(message.blocks[0]).toEqual({ type: 'header', text: 'Ada Lovelace' });
    expect(message.summary).toBe('Ada Lovelace: User');
    expect(buttons(message)).toEqual([
      { label: 'Everything Ada Lovelace owns', command: '/owner user:default/ada.lovelace' },
    ]);
    const text = renderText(message);
    expect(text.split('\n')[0]).toBe('Ada Lovelace');
    expect(text).not.toContain('/deps');
    // What reaches her, and tells her apart from another Ada Lovelace.
    expect(text).toMatch(/Email: +ada@acme\.example/);
    expect(text).toMatch(/Ref: +user:default\/ada\.lovelace/);
  });

  it('names a team by display name and offers what it owns', async () => {
    const message = await ask('/service group:payments');
    expect(message.blocks[0]).toEqual({ type: 'header', text: 'Payments Team' });
    expect(buttons(message)).toEqual([
      { label: 'Everything Payments Team owns', command: '/owner group:default/payments' },
    ]);
  });

  it('shows the owner /owner names, through the system when the entity names none, and says so', async () => {
    const message = await ask('/service fraud-detector');
    expect(fieldTexts(message).Owner).toBe('Payments Team (through its system Payments)');
    expect((await ask('/owner fraud-detector')).summary).toBe('Fraud Detector is owned by Payments Team.');
  });

  it("says an owner it names is not in the catalog, and shows its domain's owner instead, as /owner does", async () => {
    const message = await ask('/service log-shipper');
    expect(fieldTexts(message)).toMatchObject({ Owner: 'Platform (through its domain Platform)', Domain: 'Platform' });
    expect(contextTexts(message)).toContain(
      'Log shipper names group:default/logging-guild, which is not in the catalog.',
    );
    expect((await ask('/owner log-shipper')).summary).toBe('Log shipper is owned by Platform.');
  });
});
