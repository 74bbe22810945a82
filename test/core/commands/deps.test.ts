import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../../src/core/commands/index.ts';
import type { Message } from '../../../src/core/view-model.ts';
import { plainText } from '../../../src/core/view-model.ts';
import { type DemoCatalog, openDemoCatalog } from '../../helpers/demo-catalog.ts';

let demo: DemoCatalog;
beforeAll(async () => {
  demo = await openDemoCatalog();
});
afterAll(() => demo.close());

const ask = (line: string) => runCommandLine(demo.context, line);

function levels(message: Message): Record<string, string[]> {
  return Object.fromEntries(
    message.blocks.flatMap((block) =>
      block.type === 'list' ? [[block.title ?? '', block.items.map((item) => plainText(item.text)).sort()]] : [],
    ),
  );
}

describe('/deps', () => {
  it('lists what a service depends on, including the providers of the APIs it consumes', async () => {
    const message = await ask('/deps payments-api');

    expect(levels(message)).toEqual({
      Direct: ['identity-service', 'ledger-service', 'payments-db'],
      '2 hops away': ['identity-db', 'ledger-db'],
    });
    expect(message.summary).toBe('Payments API depends on 5 entities.');
  });

  it('stops at the depth asked', async () => {
    const message = await ask('/deps payments-api --depth 1');
    expect(Object.keys(levels(message))).toEqual(['Direct']);
  });

  it('with --reverse, lists what depends on it and counts the components affected, by type', async () => {
    const message = await ask('/deps ledger-service --reverse');

    expect(levels(message)).toEqual({
      Directly: ['payments-api', 'payments-worker'],
      '2 hops away': ['checkout-web', 'order-service'],
    });
    // checkout-web is a website: counted as a component, never called a service.
    expect(message.summary).toBe('4 entities depend on Ledger; blast radius 4 components (3 services, 1 website).');
    expect(plainText(message.blocks.flatMap((block) => (block.type === 'text' ? block.text : [])))).toBe(
      'Blast radius: 4 components (3 services, 1 website) within 2 hops would be affected if Ledger is down.',
    );
    expect((await ask('/deps payments-worker --reverse')).summary).toBe('Nothing depends on Payments Worker.');
  });

  it('offers --depth N+1 only when something lies further out', async () => {
    const hint = (message: Message) =>
      message.blocks.flatMap((block) => (block.type === 'context' ? [plainText(block.text)] : []));
    expect(hint(await ask('/deps ledger-db --reverse'))).toEqual([
      'There is more further out: /deps ledger-db --reverse --depth 3',
    ]);
    // Depth 3 reaches checkout-web and order-service, and nothing depends on them.
    const last = await ask('/deps ledger-db --reverse --depth 3');
    expect(Object.keys(levels(last))).toEqual(['Directly', '2 hops away', '3 hops away']);
    expect(hint(last)).toEqual([]);
    expect(hint(await ask('/deps payments-api --depth 1'))).toEqual([
      'There is more further out: /deps payments-api --depth 2',
    ]);
    expect(hint(await ask('/deps payments-api'))).toEqual([]);
  });

  it('refuses a depth outside 1 to 5 with the reason', async () => {
    expect((await ask('/deps payments-api --depth 9')).summary).toBe(
      '--depth: at most 5 (any deeper, and the answer is most of the catalog); got "9".',
    );
    expect((await ask('/deps payments-api --depth two')).summary).toBe(
      '--depth: expected a whole number from 1 to 5; got "two".',
    );
  });

  it('names an unknown option and the options it takes', async () => {
    expect((await ask('/deps payments-api --backwards')).summary).toBe(
      'Unknown option --backwards; /deps takes --reverse, --depth N and --offset N.',
    );
  });

  it('says when nothing depends on an entity', async () => {
    expect((await ask('/deps checkout-web --reverse')).summary).toBe('Nothing depends on Checkout web.');
  });

  it('tells a person or a team that dependencies are not theirs, and offers what they own', async () => {
    expect((await ask('/deps group:default/payments --reverse')).summary).toBe(
      'Payments Team is a team: dependencies run between components, APIs, resources and systems, not teams. What Payments Team owns: /owner group:default/payments',
    );
    const message = await ask('/deps Ada Lovelace');
    expect(message.summary).toBe(
      'Ada Lovelace is a person: dependencies run between components, APIs, resources and systems, not people. What Ada Lovelace owns: /owner user:default/ada.lovelace',
    );
    expect(
      message.blocks.flatMap((block) => (block.type === 'actions' ? block.buttons.map((b) => b.command) : [])),
    ).toEqual(['/owner user:default/ada.lovelace']);
  });
});
