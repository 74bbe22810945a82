import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../../src/console/render.ts';
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

function names(message: Message): string[] {
  return message.blocks.flatMap((block) =>
    block.type === 'list' ? block.items.map((item) => plainText(item.text)) : [],
  );
}

describe('/find', () => {
  it('ranks the entity whose name matches first', async () => {
    const message = await ask('/find ledger');
    expect(names(message)[0]).toBe('ledger-service');
  });

  it('ranks names that start with a partial word above a description that uses it', async () => {
    const found = names(await ask('/find pay'));
    expect(found.at(-1)).toBe('checkout-web'); // "The checkout pages customers pay on."
    // The team `payments` is listed by its display name, Payments Team.
    expect(found.slice(0, -1).every((name) => name.toLowerCase().startsWith('payment'))).toBe(true);
  });

  it('refuses a kind nothing has and Backstage does not define, listing the kinds', async () => {
    const answer = await ask('/find payments kind:banana');
    expect(answer.outcome).toBe('invalid');
    expect(answer.summary).toMatch(/^No entity has kind banana\. Backstage's kinds are component, api, /);
  });

  it('finds words in descriptions', async () => {
    expect(names(await ask('/find fraud'))).toContain('fraud-detector');
  });

  it('forgives a typo', async () => {
    expect(names(await ask('/find ledgr'))).toContain('ledger-service');
  });

  it('narrows by kind', async () => {
    const found = names(await ask('/find payments kind:api'));
    expect(found).toEqual(expect.arrayContaining(['payments-rest', 'payment-events']));
    expect(found).not.toContain('payments-api');
  });

  it("narrows by owner, counting a team's sub-teams", async () => {
    const found = names(await ask('/find owner:group:commerce kind:component'));
    expect(found).toEqual(expect.arrayContaining(['payments-api', 'checkout-web']));
    expect(found).not.toContain('identity-service');
  });

  it('counts what a team owns through a system as /owner does', async () => {
    // fraud-detector names no owner; its system's owner, Payments Team, owns it (`/owner fraud-detector`).
    expect(names(await ask('/find owner:payments'))).toContain('fraud-detector');
    expect(names(await ask('/find fraud owner:payments'))).toEqual(['fraud-detector']);
  });

  it('reads a quoted owner with a space, and its follow-ups run the same whole query', async () => {
    const answer = await ask('/find pay owner:"Ada Lovelace" kind:component');
    expect(answer.outcome).toBeUndefined();
    expect(answer.summary).toMatch(/ of kind component owned by Ada Lovelace\.$/);
    expect(names(answer)).toEqual(expect.arrayContaining(['payments-api', 'payments-worker']));
    expect(names(answer)).not.toContain('payments-rest');
    expect(answer.command).toBe('/find pay kind:component owner:"Ada Lovelace"');
    const list = answer.blocks.find((block) => block.type === 'list');
    expect(list).toMatchObject({ moreCommand: '/find pay kind:component owner:"Ada Lovelace"' });
    // Curly quotes as a phone types them mean the same.
    expect(names(await ask('/find pay owner:“Ada Lovelace” kind:component'))).toEqual(names(answer));
  });

  it('lists a person by display name, with their email, and a team by display name', async () => {
    const person = await ask('/find Ada Lovelace');
    const [item] = person.blocks.flatMap((block) => (block.type === 'list' ? block.items : []));
    expect(item).toEqual({
      text: [{ kind: 'user', name: 'Ada Lovelace', email: 'ada@acme.example' }],
      detail: [{ kind: 'text', text: 'User' }],
    });
    expect(renderText(person)).toContain('• Ada Lovelace <ada@acme.example> — User');
    expect(renderText(person)).not.toContain('ada.lovelace');

    expect(names(await ask('/find payments kind:group'))).toEqual(['Payments Team']);
  });

  it('says so when nothing matches', async () => {
    const none = await ask('/find zzzqqq');
    expect(none.summary).toBe('Nothing matches "zzzqqq".');
    expect(none.outcome).toBe('not-found');
  });
});
