/**
 * Issue 7 §5, "the answers people found wrong", each fault with the right answer: through the commands, on a real
 * database holding a catalog imported by hand from files (as `wayfinder catalog import` does), and rendered to
 * Slack and the console. Every answer here is also checked never to show the server's path to those files (§4).
 */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { localViewer } from '../../../src/core/commands/asker.ts';
import { runCommandLine } from '../../../src/core/commands/index.ts';
import type { CommandContext } from '../../../src/core/commands/types.ts';
import type { Block, Message } from '../../../src/core/view-model.ts';
import { plainText } from '../../../src/core/view-model.ts';
import { DrizzleCatalogStore } from '../../../src/db/DrizzleCatalogStore.ts';
import { createCatalogRefresher } from '../../../src/ingestion/catalog-refresher.ts';
import { importCatalog } from '../../../src/ingestion/import-catalog.ts';
import { renderSlackMessage } from '../../../src/slack/render/message.ts';
import { openTestDatabase } from '../../helpers/database.ts';
import { blocksOf, buttonCommands, contextTexts, fieldTexts, rendered } from './answers.ts';

type Doc = Record<string, unknown>;

const doc = (kind: string, metadata: Doc, spec: Doc): Doc => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata,
  spec,
});
const service = (name: string, spec: Doc, metadata: Doc = {}) =>
  doc('Component', { name, ...metadata }, { type: 'service', lifecycle: 'production', ...spec });

/** Services svc-001 … svc-060, owned by SRE, each depending on hub: more than one page of anything. */
const SERVICES = 60;
const services = Array.from({ length: SERVICES }, (_, i) =>
  service(`svc-${String(i + 1).padStart(3, '0')}`, { owner: 'sre', dependsOn: ['component:hub'] }),
);

const catalog: Doc[] = [
  doc(
    'Group',
    { name: 'platform' },
    { type: 'department', profile: { displayName: 'Platform Team' }, children: ['sre'] },
  ),
  doc(
    'Group',
    { name: 'sre', description: 'Keeps production up.' },
    {
      type: 'team',
      profile: { displayName: 'SRE' },
      parent: 'platform',
      children: [],
      members: ['frank', 'sam.smith', 'samuel.smith'],
    },
  ),
  doc('Group', { name: 'web' }, { type: 'team', children: [] }),
  doc(
    'User',
    { name: 'frank' },
    { profile: { displayName: 'Frank Lee', email: 'frank@acme.example' }, memberOf: ['sre'] },
  ),
  doc(
    'User',
    { name: 'sam.smith' },
    { profile: { displayName: 'Sam Smith', email: 'sam.smith@acme.example' }, memberOf: [] },
  ),
  doc('User', { name: 'samuel.smith' }, { profile: { displayName: 'Sam Smith' }, memberOf: [] }),
  doc('User', { name: 'guest' }, { profile: { displayName: 'Guest User' }, memberOf: [] }),
  // A Location named like a team: it must not make `/owner sre` ambiguous.
  doc('Location', { name: 'sre', description: 'SRE-owned descriptors' }, { targets: ['./more.yaml'] }),
  doc('Domain', { name: 'company', title: 'Company' }, { owner: 'platform' }),
  doc('Domain', { name: 'finance', title: 'Finance' }, { owner: 'platform', subdomainOf: 'company' }),
  doc('System', { name: 'money', title: 'Money' }, { owner: 'sre', domain: 'finance' }),
  // An API and a Component that share the name `ledger`.
  doc(
    'API',
    { name: 'ledger', title: 'Ledger API' },
    { type: 'openapi', lifecycle: 'production', owner: 'sre', system: 'money', definition: 'openapi: 3.0.0' },
  ),
  service('ledger', { owner: 'sre', system: 'money', providesApis: ['ledger'] }, { title: 'Ledger' }),
  service('ledger-core', { owner: 'sre', subcomponentOf: 'ledger' }, { title: 'Ledger core' }),
  service('billing', { owner: 'sre', consumesApis: ['ledger'], dependsOn: ['resource:cache'] }),
  // Depends on a database and consumes an API that nobody defined.
  service('checkout', {
    owner: 'web',
    consumesApis: ['ledger', 'pricing'],
    dependsOn: ['resource:checkout-db', 'component:hub'],
  }),
  doc('Resource', { name: 'cache', title: 'Cache' }, { type: 'cache', owner: 'sre' }),
  service('hub', { owner: 'sre' }),
  service('web', { owner: 'web' }),
  service('frank-notebook', { owner: 'user:frank' }, { title: 'Frank Notebook' }),
  service('frank-scripts', { owner: 'user:frank' }),
  // `owner: guest` reads as group:default/guest; only user:default/guest exists.
  service('guest-book', { owner: 'guest' }),
  service(
    'links-demo',
    { owner: 'sre' },
    {
      annotations: { 'wayfinder.dev/on-call': 'https://oncall.acme.example/sre rota' },
      links: [
        { url: 'javascript:alert(document.cookie)', title: 'Click me' },
        { url: 'https://acme.example/run book', title: 'Runbook' },
        { url: 'https://logs.acme.example/?q=a|b&env=prod', title: 'Logs | prod > eu' },
        { url: 'mailto:sre@acme.example', title: 'Mail SRE' },
        { url: 'file:///etc/passwd', title: 'Secrets' },
      ],
    },
  ),
  ...services,
];

let scratch: string;
let root: string;
let close: () => Promise<void>;
let context: CommandContext;

beforeAll(async () => {
  scratch = await realpath(await mkdtemp(path.join(tmpdir(), 'wayfinder-answers-')));
  root = path.join(scratch, 'acme-catalog');
  await mkdir(root, { recursive: true });
  await writeFile(path.join(root, 'catalog-info.yaml'), catalog.map((entry) => stringify(entry)).join('---\n'));
  await writeFile(path.join(root, 'more.yaml'), stringify(service('pager', { owner: 'sre' })));
  const database = await openTestDatabase();
  close = database.close;
  const store = new DrizzleCatalogStore({ db: database.db });
  const { errors } = await importCatalog({ paths: [root], store });
  expect(errors).toEqual([]);
  context = { store, refresher: createCatalogRefresher({ store }), viewer: localViewer };
});

afterAll(async () => {
  await close?.();
  await rm(scratch, { recursive: true, force: true });
});

/** Answers a command; no answer, in any form, shows where the catalog lies on this machine. */
async function ask(line: string): Promise<Message> {
  const message = await runCommandLine(context, line);
  const { slack, text } = rendered(message);
  for (const form of [JSON.stringify(message), JSON.stringify(slack), text]) expect(form).not.toContain(scratch);
  return message;
}

function lists(message: Message): Extract<Block, { type: 'list' }>[] {
  return blocksOf(message, 'list');
}

function listNamed(message: Message, title: string): string[] {
  return (
    lists(message)
      .find((list) => list.title === title)
      ?.items.map((item) =>
        plainText([
          ...item.text,
          ...(item.detail ? [{ kind: 'text' as const, text: ` — ${plainText(item.detail)}` }] : []),
        ]),
      ) ?? []
  );
}

function slackTexts(message: Message): string {
  return JSON.stringify(renderSlackMessage(message, { shareable: true }).blocks);
}

/** The item names of every list, in order. */
function names(message: Message): string[] {
  return lists(message).flatMap((list) => list.items.map((item) => plainText(item.text)));
}

/** The `Try …` command under a cut list, as each renderer writes it. */
function slackMore(message: Message): string[] {
  return renderSlackMessage(message).blocks.flatMap((block) =>
    block.type === 'context'
      ? block.elements.flatMap((element) =>
          'text' in element ? [...element.text.matchAll(/Try `([^`]+)`/g)].map((m) => m[1] ?? '') : [],
        )
      : [],
  );
}

function consoleMore(message: Message): string[] {
  return [...rendered(message).text.matchAll(/…and \d+ more\. Try (.+)$/gm)].map((match) => match[1] ?? '');
}

describe('text is cut at character boundaries', () => {
  const FAMILY = '👨‍👩‍👧';
  const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

  it('/find with many emoji keeps every emoji whole in its header, in Slack and the console', async () => {
    // 50 families: under /find's 300-character limit, far over Slack's 150-character header.
    const message = await ask(`/find ledger ${FAMILY.repeat(50)}`);

    const [header] = blocksOf(message, 'header');
    expect(header?.text).toMatch(/^3 matches for "ledger 👨‍👩‍👧.*…"$/u);
    const slackHeader = renderSlackMessage(message).blocks.find((block) => block.type === 'header');
    const shown = [
      header?.text ?? '',
      message.summary,
      slackHeader?.type === 'header' ? slackHeader.text.text : '',
      rendered(message).text.split('\n')[0] ?? '',
    ];
    for (const text of shown) {
      expect(text).not.toMatch(LONE_SURROGATE);
      // Only whole families: no man, woman or joiner left over from a cut sequence.
      expect(text.replaceAll(FAMILY, '')).not.toMatch(/[\u200d👨👩👧]/u);
    }
  });
});

describe('only safe links are links', () => {
  it('/service links http(s) and mailto, encoded, and shows javascript: and file: URLs as text', async () => {
    const message = await ask('/service links-demo');

    const links = blocksOf(message, 'list')
      .find((list) => list.title === 'Links')
      ?.items.flatMap((item) => item.text);
    expect(links).toEqual([
      { kind: 'text', text: 'Click me (javascript:alert(document.cookie))' },
      { kind: 'link', text: 'Runbook', url: 'https://acme.example/run%20book' },
      { kind: 'link', text: 'Logs | prod > eu', url: 'https://logs.acme.example/?q=a|b&env=prod' },
      { kind: 'link', text: 'Mail SRE', url: 'mailto:sre@acme.example' },
      { kind: 'text', text: 'Secrets (file:///etc/passwd)' },
    ]);
    const slack = slackTexts(message);
    expect(slack).toContain('<https://acme.example/run%20book|Runbook>');
    expect(slack).toContain('<https://logs.acme.example/?q=a%7Cb&amp;env=prod|Logs ¦ prod &gt; eu>');
    expect(slack).toContain('<mailto:sre@acme.example|Mail SRE>');
    expect(slack).toContain('Click me (javascript:alert(document.cookie))');
    expect(slack).not.toMatch(/<javascript:|<file:/);
    expect(rendered(message)).toMatchSnapshot();
  });

  it('/owner links an on-call URL only once it is encoded', async () => {
    const message = await ask('/owner links-demo');
    expect(blocksOf(message, 'fields')[0]?.fields.find((field) => field.label === 'On call')?.value).toEqual([
      { kind: 'link', text: 'https://oncall.acme.example/sre rota', url: 'https://oncall.acme.example/sre%20rota' },
    ]);
  });
});

describe('flags as people type them', () => {
  it('reads —reverse and –reverse (a phone’s or a Mac’s --) as --reverse', async () => {
    const expected = (await ask('/deps cache --reverse')).summary;
    expect(expected).toBe('1 entity depends on Cache; blast radius 1 service.');
    expect((await ask('/deps cache —reverse')).summary).toBe(expected);
    expect((await ask('/deps cache –reverse')).summary).toBe(expected);
    expect((await ask('/deps cache —depth=1 —reverse')).summary).toBe(expected);
  });

  it('reads --reverse=true as reverse and --reverse=false as forward, and refuses --reverse=maybe', async () => {
    expect((await ask('/deps cache --reverse=true')).summary).toBe(
      '1 entity depends on Cache; blast radius 1 service.',
    );
    expect((await ask('/deps billing --reverse=false')).summary).toBe('billing depends on 2 entities.');
    const refused = await ask('/deps cache --reverse=maybe');
    expect(refused.summary).toBe('--reverse takes no value (or true or false); got "maybe".');
    expect(contextTexts(refused)).toEqual([
      'Usage: /deps <name> [--reverse] [--depth N] [--offset N], for example /deps payments-api --reverse',
    ]);
  });

  it('refuses --depth with no number, naming the flag and what it takes, instead of answering depth 1', async () => {
    const problem = '--depth needs a value: a whole number from 1 to 5, as in --depth 2.';
    expect((await ask('/deps billing --depth')).summary).toBe(problem);
    expect((await ask('/deps billing --depth --reverse')).summary).toBe(problem);
    expect((await ask('/deps billing --depth=')).summary).toBe('--depth needs a value: a whole number from 1 to 5.');
    expect((await ask('/deps billing --depth -1')).summary).toBe(
      '--depth: expected a whole number from 1 to 5; got "-1".',
    );
    expect((await ask('/deps billing --depth 2 --depth 3')).summary).toBe('--depth is given twice; give it once.');
  });

  it('gives every command the same parser: unknown options are named with the ones it takes', async () => {
    expect((await ask('/owner sre --page 2')).summary).toBe(
      'Unknown option --page; /owner takes --members and --offset N.',
    );
    expect((await ask('/find svc —page 2')).summary).toBe('Unknown option —page; /find takes --offset N.');
    expect((await ask('/service billing --reverse')).summary).toBe(
      'Unknown option --reverse; /service takes no options.',
    );
    expect((await ask('/find svc --offset=two')).summary).toBe(
      '--offset: expected a whole number, 0 or more; got "two".',
    );
    expect((await ask('/wayfinder refresh billing —force')).summary).toBe(
      'Unknown option —force; /wayfinder refresh takes no options.',
    );
  });
});

describe('/deps tells the whole truth', () => {
  it('lists dependencies missing from the catalog, as /service does', async () => {
    const message = await ask('/deps checkout');

    expect(message.summary).toBe('checkout depends on 4 entities.');
    expect(listNamed(message, 'Direct')).toEqual([
      'api:default/pricing — not in the catalog · API consumed by checkout',
      'hub — Component · service · needed by checkout',
      'ledger — Component · service · provides ledger to checkout',
      'resource:default/checkout-db — not in the catalog · needed by checkout',
    ]);
  });

  it('with --reverse on an API, lists the components that consume it', async () => {
    const message = await ask('/deps api:ledger --reverse');

    expect(message.summary).toBe('2 entities depend on Ledger API; blast radius 2 services.');
    expect(listNamed(message, 'Directly')).toEqual([
      'billing — Component · service · consumes ledger',
      'checkout — Component · service · consumes ledger',
    ]);
    expect((await ask('/deps api:ledger')).summary).toBe('Ledger API depends on 1 entity.');
  });

  it('pages through more than one answer holds: the hint runs the next page, never the same list again', async () => {
    const first = await ask('/deps hub --reverse --depth 1');
    expect(first.summary).toBe(`${SERVICES + 1} entities depend on hub; blast radius ${SERVICES + 1} services.`);
    expect(contextTexts(first)).toContain(`Showing 1–50 of ${SERVICES + 1}.`);
    expect(slackMore(first)).toEqual(['/deps hub --reverse --depth 1 --offset 50']);
    expect(consoleMore(first)).toEqual(['/deps hub --reverse --depth 1 --offset 50']);

    const second = await ask('/deps hub --reverse --depth 1 --offset 50');
    expect(contextTexts(second)).toContain(`Showing 51–${SERVICES + 1} of ${SERVICES + 1}.`);
    expect(slackMore(second)).toEqual([]);
    const all = [...names(first), ...names(second)];
    expect(new Set(all).size).toBe(SERVICES + 1);
    expect(second.command).toBe('/deps hub --reverse --depth 1 --offset 50');
  });

  it('says when an offset is past the end', async () => {
    const message = await ask('/deps hub --reverse --offset 500');
    expect(contextTexts(message)[0]).toBe(
      `Nothing from item 501: there are ${SERVICES + 1} entities in all. The first page: /deps hub --reverse`,
    );
  });
});

describe('owner: in /find means a Group or User', () => {
  it('reads owner:web as the team web, not the component of the same name', async () => {
    const message = await ask('/find owner:web');
    expect(message.summary).toBe('2 matches for everything owned by web.');
    expect(names(message)).toEqual(['checkout', 'web']);
  });

  it('suggests teams and people for an unknown owner, with buttons that keep the whole query', async () => {
    const message = await ask('/find svc kind:component owner:sree');

    expect(message.summary).toMatch(/^No team or person named sree\. Closest: sre/);
    expect(buttonCommands(message)).toContain('/find svc kind:component owner:sre');
    expect(buttonCommands(message).every((command) => command.startsWith('/find svc kind:component owner:'))).toBe(
      true,
    );
  });

  it("counts what a person's teams own with what they own", async () => {
    const found = names(await ask('/find frank owner:frank'));
    expect(found).toEqual(expect.arrayContaining(['frank-notebook', 'frank-scripts']));
  });

  it('pages through the matches: the hint runs the next 20', async () => {
    const first = await ask('/find svc kind:component');
    expect(first.summary).toBe(`${SERVICES} matches for "svc" of kind component.`);
    expect(slackMore(first)).toEqual(['/find svc kind:component --offset 20']);
    expect(consoleMore(first)).toEqual(['/find svc kind:component --offset 20']);
    const second = await ask('/find svc kind:component --offset 20');
    expect(contextTexts(second)[0]).toBe(
      `Showing 21–40 of ${SERVICES}, best first. Add words or kind:/owner: to narrow it down.`,
    );
    expect(names(second).some((name) => names(first).includes(name))).toBe(false);
    expect(slackMore(second)).toEqual(['/find svc kind:component --offset 40']);
  });
});

describe('people by their names', () => {
  it('resolves a person by display name, email and @mention', async () => {
    const expected = 'Frank Lee owns 2 entities; their teams own 69 more.';
    for (const name of ['Frank Lee', 'frank@ACME.example', '@frank', '@Frank Lee', '"Frank Lee"']) {
      expect((await ask(`/owner ${name}`)).summary, name).toBe(expected);
    }
  });

  it('separates what a person owns from what their teams own', async () => {
    const message = await ask('/owner frank');

    expect(listNamed(message, 'Owned by Frank Lee')).toEqual([
      'frank-notebook — Component · service',
      'frank-scripts — Component · service',
    ]);
    const team = lists(message).find((list) => list.title === 'Owned by SRE');
    expect(team?.items[0] && plainText(team.items[0].detail ?? [])).toBe('API · openapi');
    expect(team?.items.length).toBe(48);
    expect(slackMore(message)).toEqual(['/owner user:default/frank --offset 50']);
    expect(rendered(message)).toMatchSnapshot();

    const rest = await ask('/owner user:default/frank --offset 50');
    expect(lists(rest).map((list) => list.title)).toEqual(['Owned by SRE']);
    expect(names(rest)).toHaveLength(21);
    expect(names(rest).some((name) => names(message).includes(name))).toBe(false);
    expect(contextTexts(rest)).toEqual(['Showing 51–71 of 71.']);
    expect(slackMore(rest)).toEqual([]);
  });

  it("pages through a team's holdings, leaving its card on the first page", async () => {
    const first = await ask('/owner sre');
    expect(consoleMore(first)).toEqual(['/owner group:default/sre --offset 50']);
    const rest = await ask('/owner group:default/sre --offset 50');
    expect(blocksOf(rest, 'fields')).toEqual([]);
    expect(names(rest)).toHaveLength(19);
    expect(consoleMore(rest)).toEqual([]);
  });

  it('shows people by spec.profile.displayName', async () => {
    expect((await ask('/owner frank-notebook')).summary).toBe('Frank Notebook is owned by Frank Lee.');
    expect(fieldTexts(await ask('/service frank-scripts')).Owner).toBe('Frank Lee');
  });

  it('tells apart two people with the same display name', async () => {
    const ambiguous = await ask('/owner Sam Smith');
    expect(ambiguous.summary).toBe('"Sam Smith" names 2 entities; pick one.');
    expect(listNamed(ambiguous, '')).toEqual([]);
    expect(
      lists(ambiguous)[0]?.items.map((item) => `${plainText(item.text)} — ${plainText(item.detail ?? [])}`),
    ).toEqual([
      'user:default/sam.smith — User · Sam Smith · sam.smith@acme.example',
      'user:default/samuel.smith — User · Sam Smith',
    ]);

    const team = await ask('/owner sre');
    const members = lists(team).find((list) => list.title === 'Members (3)');
    expect(members?.items).toEqual([
      { text: [{ kind: 'user', name: 'Frank Lee', email: 'frank@acme.example' }] },
      { text: [{ kind: 'user', name: 'Sam Smith', email: 'sam.smith@acme.example' }] },
      { text: [{ kind: 'user', name: 'Sam Smith' }], detail: [{ kind: 'code', text: 'user:default/samuel.smith' }] },
    ]);

    // /find and /service list them the same way.
    const found = rendered(await ask('/find smith kind:user')).text;
    expect(found.split('\n').filter((line) => line.startsWith('  • '))).toEqual([
      '  • Sam Smith <sam.smith@acme.example> — User',
      '  • Sam Smith — User · user:default/samuel.smith',
    ]);
    expect(lists(await ask('/service group:sre')).find((list) => list.title === 'Members')?.items).toEqual(
      members?.items,
    );
  });
});

describe('follow-up buttons are unambiguous', () => {
  it('carry the full ref when an API and a Component share the name', async () => {
    expect(buttonCommands(await ask('/service component:ledger'))).toEqual([
      '/owner component:default/ledger',
      '/deps component:default/ledger',
      '/deps component:default/ledger --reverse',
    ]);
    expect(buttonCommands(await ask('/owner api:ledger'))).toEqual([
      '/service api:default/ledger',
      '/deps api:default/ledger',
      '/deps api:default/ledger --reverse',
      '/owner group:default/sre',
    ]);
    expect(buttonCommands(await ask('/deps api:ledger'))).toEqual([
      '/deps api:default/ledger --reverse',
      '/owner api:default/ledger',
    ]);
  });

  it('keep the short name when it is unique', async () => {
    expect(buttonCommands(await ask('/service billing'))).toEqual([
      '/owner billing',
      '/deps billing',
      '/deps billing --reverse',
    ]);
  });

  it('do not let a Location named like a team make /owner <team> ambiguous', async () => {
    expect((await ask('/owner sre')).summary).toBe('SRE owns 69 entities.');
    expect((await ask('/owner location:sre')).summary).toBe(
      'sre is a Location: it points the catalog at descriptor files and has no owner.',
    );
  });
});

describe('right words', () => {
  it('says "1 entity depends" and "1 more team"', async () => {
    expect((await ask('/deps cache --reverse')).blocks[0]).toEqual({
      type: 'header',
      text: '1 entity depends on Cache',
    });
    expect(lists(await ask('/owner platform')).at(-1)?.title).toBe('Owned by Platform Team and 1 more team');
  });

  it('tells nobody to add spec.owner to a Group, a User or a Location', async () => {
    for (const line of ['/owner sre', '/owner frank', '/owner location:sre']) {
      const message = await ask(line);
      expect(JSON.stringify(message), line).not.toContain('spec.owner');
    }
    const location = await ask('/owner location:sre');
    expect(listNamed(location, 'What it reads')).toEqual(['./more.yaml']);
    expect(rendered(location)).toMatchSnapshot();
  });

  it('says so when a missing owner exists as the other kind: owner: guest where only user:guest exists', async () => {
    const message = await ask('/owner guest-book');

    expect(message.summary).toBe('guest-book has no owner in the catalog.');
    expect(contextTexts(message)).toEqual([
      'The catalog has no group:default/guest but has user:default/guest, a person of that name (a bare owner is read as a Group): write owner: user:guest to name it.',
      'Fix spec.owner in its catalog-info.yaml, or add that owner to the catalog.',
    ]);
    expect(contextTexts(await ask('/service guest-book'))[0]).toBe(
      'The catalog has no group:default/guest but has user:default/guest, a person of that name (a bare owner is read as a Group): write owner: user:guest to name it.',
    );
    expect(rendered(message)).toMatchSnapshot();
  });
});

describe('/service shows every relation Backstage shows', () => {
  it("shows a component's parent component and its subcomponents", async () => {
    expect(fieldTexts(await ask('/service ledger-core'))['Part of']).toBe('Ledger');
    const ledger = await ask('/service component:ledger');
    expect(listNamed(ledger, 'Subcomponents')).toEqual(['ledger-core — Component · service']);
    expect(fieldTexts(ledger)).toMatchObject({ System: 'Money', Domain: 'Finance', Owner: 'SRE' });
  });

  it("shows a System's domain and parts, and a Domain's parent domain and systems", async () => {
    const money = await ask('/service money');
    expect(fieldTexts(money)).toMatchObject({ Domain: 'Finance', Owner: 'SRE' });
    expect(listNamed(money, 'Parts')).toEqual(['ledger — API · openapi', 'ledger — Component · service']);
    const finance = await ask('/service finance');
    expect(fieldTexts(finance)['Parent domain']).toBe('Company');
    expect(listNamed(finance, 'Systems and subdomains')).toEqual(['money — System']);
    expect(listNamed(await ask('/service company'), 'Systems and subdomains')).toEqual(['finance — Domain']);
  });

  it("shows a Group's parent, sub-teams and members, and a User's groups", async () => {
    const sre = await ask('/service group:sre');
    expect(fieldTexts(sre)['Parent team']).toBe('Platform Team');
    expect(fieldTexts(sre).Owner).toBeUndefined();
    expect(lists(sre).find((list) => list.title === 'Members')?.items).toHaveLength(3);
    expect(listNamed(await ask('/service platform'), 'Sub-teams')).toEqual(['SRE — Group · team']);
    expect(listNamed(await ask('/service frank'), 'Member of')).toEqual(['SRE — Group · team']);
  });
});

describe('answers never show server file paths', () => {
  it('shows a hand-imported file relative to the folder it was imported from', async () => {
    const message = await ask('/service billing');
    expect(contextTexts(message).at(-1)).toBe('Defined in acme-catalog/catalog-info.yaml');
    expect(contextTexts(await ask('/owner location:sre'))).toContain('Defined in acme-catalog/catalog-info.yaml');
    expect(contextTexts(await ask('/service pager')).at(-1)).toBe('Defined in acme-catalog/more.yaml');
  });
});
