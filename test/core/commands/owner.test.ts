import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../../src/console/render.ts';
import { runCommandLine } from '../../../src/core/commands/index.ts';
import type { Block, Message } from '../../../src/core/view-model.ts';
import { plainText } from '../../../src/core/view-model.ts';
import { importCatalog } from '../../../src/ingestion/import-catalog.ts';
import { renderSlackMessage } from '../../../src/slack/render/message.ts';
import { type DemoCatalog, openDemoCatalog } from '../../helpers/demo-catalog.ts';

let demo: DemoCatalog;
beforeAll(async () => {
  demo = await openDemoCatalog();
});
afterAll(() => demo.close());

const ask = (line: string) => runCommandLine(demo.context, line);

function field(message: Message, label: string): string | undefined {
  for (const block of message.blocks) {
    if (block.type !== 'fields') continue;
    const found = block.fields.find((entry) => entry.label === label);
    if (found) return plainText(found.value);
  }
  return undefined;
}

function blocksOf<T extends Block['type']>(message: Message, type: T): Extract<Block, { type: T }>[] {
  return message.blocks.filter((block): block is Extract<Block, { type: T }> => block.type === type);
}

function buttonCommands(message: Message): string[] {
  return blocksOf(message, 'actions').flatMap((block) => block.buttons.map((button) => button.command));
}

describe('/owner', () => {
  it('answers with the owning team, its parent teams, channel, on-call, repository and members', async () => {
    const message = await ask('/owner payments-api');

    expect(message.summary).toBe('Payments API is owned by Payments Team.');
    expect(field(message, 'Team')).toBe('Payments Team');
    expect(field(message, 'Part of')).toBe('Commerce › Engineering');
    expect(field(message, 'Channel')).toBe('payments-team');
    expect(field(message, 'On call')).toBe('PagerDuty service PPAY123');
    expect(field(message, 'Repository')).toBe('github.com/acme/payments-api');
    const [members] = blocksOf(message, 'list');
    expect(members?.title).toBe('Members (4)');
    expect(members?.items.map((item) => plainText(item.text))).toEqual([
      'Ada Lovelace',
      'Alan Turing',
      'Grace Hopper',
      'Katherine Johnson',
    ]);
    expect(message.command).toBe('/owner payments-api');
  });

  it('uses the team on-call when the component names none', async () => {
    const message = await ask('/owner cart-service');
    expect(field(message, 'On call')).toBe('@checkout-oncall');
  });

  it("falls back to the system's owner when a component names no owner, and says so", async () => {
    const message = await ask('/owner fraud-detector');

    expect(message.summary).toBe('Fraud Detector is owned by Payments Team.');
    const context = blocksOf(message, 'context').map((block) => plainText(block.text));
    expect(context).toContain('Fraud Detector names no owner, so this is the owner of its system Payments.');
  });

  it("falls back past an owner missing from the catalog to the domain's owner", async () => {
    const message = await ask('/owner log-shipper');

    expect(message.summary).toBe('Log shipper is owned by Platform.');
    const context = blocksOf(message, 'context').map((block) => plainText(block.text));
    expect(context).toContain(
      'Log shipper names group:default/logging-guild, which is not in the catalog, so this is the owner of its domain Platform.',
    );
    // Platform is an area of teams with no members of its own: the answer says where its people are.
    expect(blocksOf(message, 'list').map((list) => list.title)).not.toContain('Members (0)');
    expect(context).toContain(
      'Platform has no members of its own; its sub-teams are listed by /service group:default/platform',
    );
  });

  it('answers for a team with everything it and its sub-teams own', async () => {
    const message = await ask('/owner group:commerce');

    const owned = blocksOf(message, 'list').find((list) => list.title?.startsWith('Owned by'));
    const names = owned?.items.map((item) => plainText(item.text)) ?? [];
    expect(names).toEqual(expect.arrayContaining(['payments-api', 'ledger-service', 'checkout-web', 'cart-service']));
    expect(owned?.title).toBe('Owned by Commerce and 2 more teams');
    expect(message.summary).toMatch(/^Commerce owns \d+ entities\.$/);
  });

  it('answers for a person with what their teams own', async () => {
    const message = await ask('/owner ada.lovelace');
    const owned = blocksOf(message, 'list').find((list) => list.title?.startsWith('Owned by'));
    expect(owned?.items.map((item) => plainText(item.text))).toContain('payments-api');
  });

  it('answers an unknown name with the closest names as buttons that run /owner', async () => {
    const message = await ask('/owner paymnts-api');

    expect(message.summary).toMatch(/^No entity named paymnts-api\. Closest: payments-api/);
    expect(buttonCommands(message)).toContain('/owner payments-api');
    expect(buttonCommands(message).length).toBeLessThanOrEqual(5);
  });

  it('lists the candidates when a name is shared by several entities', async () => {
    const message = await ask('/owner payments');

    expect(message.summary).toBe('"payments" names 2 entities; pick one.');
    expect(buttonCommands(message)).toEqual(['/owner group:default/payments', '/owner system:default/payments']);
  });

  it('finds an entity by alias, case-insensitively', async () => {
    const message = await ask('/owner BASKET');
    expect(message.summary).toBe('Cart service is owned by Checkout Team.');
  });

  it('mentions members whose identity on the asking platform Wayfinder has learned', async () => {
    await demo.store.saveChatIdentity({
      identity: { platform: 'slack', platformUserId: 'U0ADA', email: 'ADA@acme.example' },
    });
    const message = await runCommandLine({ ...demo.context, platform: 'slack' }, '/owner ledger-service');

    const [members] = blocksOf(message, 'list');
    const ada = members?.items
      .flatMap((item) => item.text)
      .find((span) => span.kind === 'user' && span.name === 'Ada Lovelace');
    expect(ada).toEqual({ kind: 'user', name: 'Ada Lovelace', email: 'ada@acme.example', ids: { slack: 'U0ADA' } });
  });

  it('explains its usage when no name is given', async () => {
    const message = await ask('/owner');
    expect(message.summary).toBe('Usage: /owner <name> [--members] [--offset N]');
  });
});

describe('/owner of a team whose slack.com/bot-notify names no channel', () => {
  it('imports the team with a warning naming the annotation, and says the value is no channel', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'wayfinder-bot-notify-'));
    try {
      await writeFile(
        path.join(root, 'catalog-info.yaml'),
        [
          'apiVersion: backstage.io/v1alpha1',
          'kind: Group',
          'metadata:',
          '  name: noisy-team',
          '  annotations:',
          '    slack.com/bot-notify: "#<!channel> @here"',
          'spec: { type: team, children: [] }',
        ].join('\n'),
      );
      const { counts, errors } = await importCatalog({ paths: [root], store: demo.store });
      expect(counts).toMatchObject({ created: 1, failed: 0 });
      expect(errors.map((error) => [error.line, error.field, error.message])).toEqual([
        [
          6,
          'metadata.annotations.slack.com/bot-notify',
          'slack.com/bot-notify "#<!channel> @here" names no channel; expected a channel name such as #payments-team, a channel id such as C0123ABCD, or a person\'s email. The entity was imported without a channel.',
        ],
      ]);

      const message = await ask('/owner noisy-team');
      expect(field(message, 'Channel')).toBe(
        'not a channel: slack.com/bot-notify is "#<!channel> @here"; see /wayfinder errors',
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('/owner of a team with more members than one answer lists', () => {
  it('ends a cut member list with the command for the rest, and that command pages through every member', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'wayfinder-big-team-'));
    try {
      const names = Array.from({ length: 57 }, (_, i) => `crew-${String(i + 1).padStart(2, '0')}`);
      const documents = [
        `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: big-crew }\nspec: { type: team, children: [], members: [${names.join(', ')}] }`,
        `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: crew-app }\nspec: { type: service, lifecycle: production, owner: big-crew }`,
        ...names.map(
          (name) =>
            `apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: { name: ${name} }\nspec: { memberOf: [] }`,
        ),
      ];
      await writeFile(path.join(root, 'catalog-info.yaml'), documents.join('\n---\n'));
      const { errors } = await importCatalog({ paths: [root], store: demo.store });
      expect(errors).toEqual([]);

      const members = (message: Message) =>
        blocksOf(message, 'list')
          .filter((list) => list.title?.startsWith('Members'))
          .flatMap((list) => list.items.map((item) => plainText(item.text)));
      for (const line of ['/owner crew-app', '/owner big-crew', '/service big-crew']) {
        const answer = await ask(line);
        const [list] = blocksOf(answer, 'list').filter((block) => block.title?.startsWith('Members'));
        expect(list, line).toBeDefined();
        const cut = renderText(answer);
        const shown = line === '/service big-crew' ? 57 : 50;
        expect(members(answer).slice(0, shown)).toEqual(names.slice(0, shown));
        if (shown < 57) expect(cut).toContain('…and 7 more. Try /owner group:default/big-crew --members --offset 50');
        // Slack shows 50 of a list: the rest is the same command.
        expect(JSON.stringify(renderSlackMessage(answer).blocks)).toContain(
          '…and 7 more. Try `/owner group:default/big-crew --members --offset 50`',
        );
      }

      const rest = await ask('/owner group:default/big-crew --members --offset 50');
      expect(rest.summary).toBe('big-crew has 57 members.');
      expect(members(rest)).toEqual(names.slice(50));
      expect(renderText(rest)).toContain('Showing 51–57 of 57.');
      expect(members(await ask('/owner big-crew --members'))).toEqual(names.slice(0, 50));

      const refused = await ask('/owner crew-01 --members');
      expect(refused.outcome).toBe('invalid');
      expect(refused.summary).toBe(
        '--members does not apply to crew-01, a User: only a team has members to list. Leave it out.',
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('/owner past the last page', () => {
  it('says how many there are and where the first page is, with no empty list under it', async () => {
    const answer = await ask('/owner group:default/payments --offset 50');
    const text = renderText(answer, { color: false });
    expect(text).toMatch(/Nothing from item 51: \d+ entities in all\. The first page: \/owner group:default\/payments/);
    expect(text).not.toContain('Owned by');
  });
});

describe('/owner options that do not apply', () => {
  it('refuses --offset on a component, which has no pages, instead of ignoring it', async () => {
    const answer = await ask('/owner payments-api --offset 5');
    expect(answer.outcome).toBe('invalid');
    expect(answer.summary).toBe(
      "--offset does not apply to payments-api, a Component: only a team's or a person's list of what they own has pages. Leave it out.",
    );
    expect((await ask('/owner payments-rest --offset=0 --members')).summary).toMatch(
      /^--offset and --members do not apply to payments-rest, an API: /,
    );
    expect((await ask('/owner ada.lovelace --offset 1')).outcome).toBeUndefined();
  });

  it('names a person by display name when refusing --members', async () => {
    const answer = await ask('/owner Ada Lovelace --members');
    expect(answer.outcome).toBe('invalid');
    expect(answer.summary).toBe(
      '--members does not apply to Ada Lovelace, a User: only a team has members to list. Leave it out.',
    );
  });
});
