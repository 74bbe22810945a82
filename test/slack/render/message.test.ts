import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { code, type ListItem, type Message, strong, text } from '../../../src/core/view-model.ts';
import { RUN_COMMAND_ACTION_PATTERN, SHARE_ACTION_PATTERN, SHARE_BLOCK_ID } from '../../../src/slack/ids.ts';
import {
  MAX_SLACK_LIST_ITEMS,
  renderSlackMessage,
  SLACK_LIMITS,
  type SlackMessage,
} from '../../../src/slack/render/message.ts';
import { allMessages, bigTeamAnswer, notFoundAnswer, ownerAnswer, serviceAnswer } from '../../fixtures/messages.ts';

type KnownBlock = types.KnownBlock;

/** Every mrkdwn or plain text in the rendered blocks, flattened. */
function allText(rendered: SlackMessage): string {
  return JSON.stringify(rendered.blocks);
}

function sectionTexts(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []));
}

function contextTexts(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap((block) =>
    block.type === 'context' ? block.elements.flatMap((element) => ('text' in element ? [element.text] : [])) : [],
  );
}

function buttonsOf(blocks: readonly KnownBlock[]): types.Button[] {
  return blocks.flatMap((block) =>
    block.type === 'actions' ? block.elements.filter((e): e is types.Button => e.type === 'button') : [],
  );
}

/** Asserts every Block Kit limit the renderer promises (chatops.md §3.3). */
function expectWithinSlackLimits(rendered: SlackMessage): void {
  expect(rendered.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  expect(rendered.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
  const actionIds = new Set<string>();
  for (const block of rendered.blocks) {
    switch (block.type) {
      case 'header':
        expect(block.text.text.length).toBeGreaterThan(0);
        expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
        break;
      case 'section':
        expect(block.text !== undefined || block.fields !== undefined).toBe(true);
        if (block.text) {
          expect(block.text.text.length).toBeGreaterThan(0);
          expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        }
        if (block.fields) {
          expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldsPerSection);
          for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
        }
        break;
      case 'context':
        expect(block.elements.length).toBeLessThanOrEqual(10);
        for (const element of block.elements) {
          if ('text' in element) expect(element.text.length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
        }
        break;
      case 'actions':
        expect(block.elements.length).toBeGreaterThan(0);
        expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonsPerActionsBlock);
        break;
    }
  }
  for (const button of buttonsOf(rendered.blocks)) {
    expect(button.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
    expect(button.action_id?.length ?? 0).toBeLessThanOrEqual(255);
    expect(button.value?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
    expect(actionIds.has(button.action_id ?? '')).toBe(false);
    actionIds.add(button.action_id ?? '');
  }
}

function items(count: number, make: (i: number) => ListItem = (i) => ({ text: [code(`svc-${i + 1}`)] })): ListItem[] {
  return Array.from({ length: count }, (_, i) => make(i));
}

describe('renderSlackMessage snapshots', () => {
  for (const [name, message] of Object.entries(allMessages)) {
    it(`renders the ${name} fixture as Block Kit within Slack's limits`, () => {
      const rendered = renderSlackMessage(message);
      expectWithinSlackLimits(rendered);
      expect(rendered).toMatchSnapshot();
    });
  }

  it('renders a shareable /owner answer with a "Share in channel" button', () => {
    expect(renderSlackMessage(ownerAnswer, { shareable: true })).toMatchSnapshot();
  });
});

describe('renderSlackMessage mapping', () => {
  it('renders a header as a plain_text header block', () => {
    const [first] = renderSlackMessage(ownerAnswer).blocks;
    expect(first).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'payments-api is owned by Payments Team', emoji: true },
    });
  });

  it('uses the escaped summary as the fallback text', () => {
    const rendered = renderSlackMessage({ summary: 'R&D <team> says hi', blocks: [] });
    expect(rendered).toEqual({ text: 'R&amp;D &lt;team&gt; says hi', blocks: [] });
  });

  it('mentions members and channels that have Slack ids and names the others with their email', () => {
    const rendered = renderSlackMessage(ownerAnswer);
    const json = allText(rendered);
    expect(json).toContain('<@U02AMARA01>');
    expect(json).toContain('<@U02BASTI02>');
    expect(json).toContain('<@W03ELIF004>');
    expect(json).toContain('<#C04PAYMENTS>');
    expect(json).toContain('Chen Wei (chen.wei@acme.io)');
    expect(json).toContain('• Farid Haddad');
    expect(json).not.toContain('Amara Okafor');
  });

  it('escapes &, < and > in names and text so they cannot become markup', () => {
    const rendered = renderSlackMessage(ownerAnswer);
    const json = allText(rendered);
    expect(json).toContain('Dana &lt;contractor&gt; &amp; co (dana@contractor.example)');
    expect(json).toContain('Commerce R&amp;D &lt;EMEA&gt;');
    expect(json).not.toContain('<contractor>');

    const injected = renderSlackMessage({
      summary: 'x',
      blocks: [{ type: 'text', text: [text('ping <!channel> and <@U0ADMIN> & <https://evil.example|click>')] }],
    });
    expect(sectionTexts(injected.blocks)).toEqual([
      'ping &lt;!channel&gt; and &lt;@U0ADMIN&gt; &amp; &lt;https://evil.example|click&gt;',
    ]);
  });

  it('shows formatting marks and bidi controls from the catalog as written, never as formatting or reordering', () => {
    const wj = '\u2060';
    const rendered = renderSlackMessage({
      summary: '*Payments* team',
      blocks: [
        { type: 'header', text: 'Payments \u202Eipa-stnemyap\u202C is owned by *Pay*' },
        { type: 'text', text: [text('*bold* _it_ ~gone~ `code`'), strong('Team *Star*')] },
        {
          type: 'list',
          title: '_Members_',
          items: [
            { text: [{ kind: 'user', name: 'Eve \u2066*Admin*\u2069', email: 'eve@acme.example' }] },
            { text: [code('/find *foo* owner:team_a')] },
            { text: [code('rm `x`')] },
          ],
        },
        { type: 'actions', buttons: [{ label: '\u202Eevil', action: 'run', command: '/owner x' }] },
      ],
    });
    const [header, body, title, list, actions] = rendered.blocks;
    expect(header).toMatchObject({ text: { text: 'Payments ipa-stnemyap is owned by *Pay*' } });
    expect(sectionTexts([body as KnownBlock])).toEqual([
      `${wj}*${wj}bold${wj}*${wj} ${wj}_${wj}it${wj}_${wj} ${wj}~${wj}gone${wj}~${wj} ${wj}\`${wj}code${wj}\`${wj}` +
        `*Team ${wj}*${wj}Star${wj}*${wj}*`,
    ]);
    expect(sectionTexts([title as KnownBlock])).toEqual([`*${wj}_${wj}Members${wj}_${wj}*`]);
    // Inside inline code the marks are not formatting and stay as typed; a backtick would end the code early.
    expect(sectionTexts([list as KnownBlock])).toEqual([
      [
        `• Eve ${wj}*${wj}Admin${wj}*${wj} (eve@acme.example)`,
        '• `/find *foo* owner:team_a`',
        `• rm ${wj}\`${wj}x${wj}\`${wj}`,
      ].join('\n'),
    ]);
    expect(buttonsOf([actions as KnownBlock])[0]?.text.text).toBe('evil');
    expect(rendered.text).toBe(`${wj}*${wj}Payments${wj}*${wj} team`);
    expect(JSON.stringify(rendered)).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  });

  it('falls back to the name when a Slack id is not a Slack id', () => {
    const rendered = renderSlackMessage({
      summary: 'x',
      blocks: [
        {
          type: 'text',
          text: [
            { kind: 'user', name: 'Mallory', ids: { slack: 'U1>|<!here' } },
            text(' '),
            { kind: 'channel', name: '#ops', ids: { slack: 'not-an-id' } },
          ],
        },
      ],
    });
    expect(sectionTexts(rendered.blocks)).toEqual(['Mallory #ops']);
  });

  it('writes links as <url|text> with the URL made safe for the markup', () => {
    const json = allText(renderSlackMessage(serviceAnswer));
    expect(json).toContain('<https://github.com/acme/payments-api|acme/payments-api>');
    expect(json).toContain('<https://wiki.acme.io/payments/runbook?tab=alerts&amp;env=prod|Runbook>');

    const piped = renderSlackMessage({
      summary: 'x',
      blocks: [{ type: 'text', text: [{ kind: 'link', text: 'a > b', url: 'https://x.example/?q=a|b>c' }] }],
    });
    expect(sectionTexts(piped.blocks)).toEqual(['<https://x.example/?q=a%7Cb%3Ec|a &gt; b>']);
  });

  it('links only http, https and mailto URLs, percent-encoded, and writes any other URL as text', () => {
    const rendered = renderSlackMessage({
      summary: 'x',
      blocks: [
        {
          type: 'text',
          text: [
            { kind: 'link', text: 'Click', url: 'javascript:alert(1)' },
            text(' '),
            { kind: 'link', text: 'Runbook', url: 'https://acme.example/run book' },
            text(' '),
            { kind: 'link', text: '', url: 'data:text/html,<b>x</b>' },
            text(' '),
            { kind: 'link', text: 'a|b', url: 'mailto:sre@acme.example' },
          ],
        },
      ],
    });
    expect(sectionTexts(rendered.blocks)).toEqual([
      'Click (javascript:alert(1)) <https://acme.example/run%20book|Runbook> data:text/html,&lt;b&gt;x&lt;/b&gt; <mailto:sre@acme.example|a¦b>',
    ]);
  });

  it('renders fields as `*label*\\nvalue` and splits more than 10 into several sections', () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `Field ${i + 1}`, value: [text(`value ${i + 1}`)] }));
    const rendered = renderSlackMessage({ summary: 'x', blocks: [{ type: 'fields', fields }] });
    expectWithinSlackLimits(rendered);
    const counts = rendered.blocks.map((block) => (block.type === 'section' ? block.fields?.length : undefined));
    expect(counts).toEqual([10, 10, 3]);
    const [first] = rendered.blocks;
    expect(first?.type === 'section' && first.fields?.[0]).toEqual({
      type: 'mrkdwn',
      text: '*Field 1*\nvalue 1',
      verbatim: true,
    });
  });

  it('cuts a field value to 2000 characters', () => {
    const rendered = renderSlackMessage({
      summary: 'x',
      blocks: [{ type: 'fields', fields: [{ label: 'Notes', value: [text('n'.repeat(5000))] }] }],
    });
    expectWithinSlackLimits(rendered);
    const [first] = rendered.blocks;
    const field = first?.type === 'section' ? first.fields?.[0]?.text : undefined;
    expect(field).toHaveLength(SLACK_LIMITS.fieldText);
    expect(field?.endsWith('…')).toBe(true);
  });

  it('gives each button a unique action id that listeners match by pattern, and the command as value', () => {
    const buttons = buttonsOf(renderSlackMessage(notFoundAnswer).blocks);
    expect(buttons.map((b) => [b.action_id, b.value, b.style])).toEqual([
      ['wayfinder_run_command:0', '/owner payments-api', 'primary'],
      ['wayfinder_run_command:1', '/owner payments-web', undefined],
      ['wayfinder_run_command:2', '/owner payment-gateway', undefined],
    ]);
    for (const button of buttons) expect(button.action_id).toMatch(RUN_COMMAND_ACTION_PATTERN);
  });

  it('appends a share block only when asked and the message has a command', () => {
    const shared = renderSlackMessage(ownerAnswer, { shareable: true });
    expect(shared.blocks.at(-1)).toEqual({
      type: 'actions',
      block_id: SHARE_BLOCK_ID,
      elements: [
        {
          type: 'button',
          action_id: 'wayfinder_share:2',
          text: { type: 'plain_text', text: 'Share in channel', emoji: true },
          value: '/owner payments-api',
        },
      ],
    });
    expect(buttonsOf(shared.blocks).at(-1)?.action_id).toMatch(SHARE_ACTION_PATTERN);
    expect(renderSlackMessage(ownerAnswer).blocks.some((b) => b.block_id === SHARE_BLOCK_ID)).toBe(false);
    const { command: _command, ...withoutCommand } = ownerAnswer;
    expect(
      renderSlackMessage(withoutCommand, { shareable: true }).blocks.some((b) => b.block_id === SHARE_BLOCK_ID),
    ).toBe(false);
  });

  it('cuts a header between graphemes: a family emoji is kept whole or dropped whole', () => {
    const family = '👨‍👩‍👧';
    const rendered = renderSlackMessage({
      summary: 'x',
      blocks: [{ type: 'header', text: `${'h'.repeat(140)}${family.repeat(5)}` }],
    });
    const [header] = rendered.blocks;
    const shown = header?.type === 'header' ? header.text.text : '';
    expect(shown).toBe(`${'h'.repeat(140)}${family}…`);
  });

  it('cuts a header to 150 characters and a button label to 75, without splitting an emoji', () => {
    const rendered = renderSlackMessage({
      summary: 'x',
      blocks: [
        { type: 'header', text: `${'h'.repeat(148)}😀😀` },
        { type: 'actions', buttons: [{ label: 'b'.repeat(200), action: 'run', command: '/find x' }] },
      ],
    });
    expectWithinSlackLimits(rendered);
    const [header] = rendered.blocks;
    expect(header?.type === 'header' && header.text.text).toBe(`${'h'.repeat(148)}…`);
    const [button] = buttonsOf(rendered.blocks);
    expect(button?.text.text).toBe(`${'b'.repeat(74)}…`);
  });

  it('splits a text longer than 3000 characters into sections at line breaks', () => {
    const paragraph = 'word '.repeat(150).trim();
    const rendered = renderSlackMessage({
      summary: 'x',
      blocks: [{ type: 'text', text: [text(Array.from({ length: 10 }, () => paragraph).join('\n'))] }],
    });
    expectWithinSlackLimits(rendered);
    expect(rendered.blocks.length).toBeGreaterThan(1);
    expect(sectionTexts(rendered.blocks).join('\n')).toBe(Array.from({ length: 10 }, () => paragraph).join('\n'));
  });

  it('never cuts inside an entity or a mention', () => {
    const rendered = renderSlackMessage({
      summary: `${'s'.repeat(2998)}&x`,
      blocks: [
        {
          type: 'list',
          items: [{ text: [text('a'.repeat(2994)), { kind: 'user', name: 'Amara', ids: { slack: 'U02AMARA01' } }] }],
        },
      ],
    });
    expectWithinSlackLimits(rendered);
    expect(rendered.text).toBe(`${'s'.repeat(2998)}…`);
    expect(sectionTexts(rendered.blocks)).toEqual([`• ${'a'.repeat(2994)}…`]);
  });
});

describe('renderSlackMessage lists', () => {
  it('joins several items per section with bullets to save blocks', () => {
    const rendered = renderSlackMessage(ownerAnswer);
    expect(sectionTexts(rendered.blocks)).toContain(
      [
        '• <@U02AMARA01> — lead',
        '• <@U02BASTI02>',
        '• Chen Wei (chen.wei@acme.io)',
        '• Dana &lt;contractor&gt; &amp; co (dana@contractor.example) — until 2025-12-31',
        '• <@W03ELIF004> — on-call this week',
        '• Farid Haddad',
      ].join('\n'),
    );
  });

  it('shows 50 services of a 300-service team and says "…and 250 more" with the command for the rest', () => {
    const rendered = renderSlackMessage(bigTeamAnswer);
    expectWithinSlackLimits(rendered);
    const bullets = sectionTexts(rendered.blocks)
      .flatMap((t) => t.split('\n'))
      .filter((l) => l.startsWith('• '));
    expect(bullets).toHaveLength(MAX_SLACK_LIST_ITEMS);
    expect(bullets.at(-1)).toBe('• `infra-exporter-050` — exporter · experimental');
    expect(contextTexts(rendered.blocks)).toEqual(['…and 250 more. Try `/find owner:platform-infra`']);
    expect(rendered.blocks.at(-1)?.type).toBe('actions');
  });

  it('counts the items the answer already left out in "…and N more"', () => {
    const rendered = renderSlackMessage({
      summary: 'x',
      blocks: [{ type: 'list', items: items(120), omitted: 180, moreCommand: '/find owner:x' }],
    });
    expect(contextTexts(rendered.blocks)).toEqual(['…and 250 more. Try `/find owner:x`']);

    const notCut = renderSlackMessage({ summary: 'x', blocks: [{ type: 'list', items: items(3), omitted: 7 }] });
    expect(contextTexts(notCut.blocks)).toEqual(['…and 7 more']);
  });

  it('continues a paged list at the first item it did not show, never at the same page', () => {
    const paged = renderSlackMessage({
      summary: 'x',
      blocks: [{ type: 'list', items: items(60), omitted: 40, moreCommand: '/owner group:default/sre', offset: 100 }],
    });
    expect(contextTexts(paged.blocks)).toEqual(['…and 50 more. Try `/owner group:default/sre --offset 150`']);

    // Cut by the 50-block limit after 46 items: the rest starts at item 146.
    const long = (i: number): ListItem => ({ text: [code(`svc-${i + 1}`)], detail: [text('d'.repeat(2000))] });
    const cut = renderSlackMessage({
      summary: 'x',
      blocks: [
        { type: 'header', text: 'Everything' },
        { type: 'list', title: 'Services', items: items(50, long), moreCommand: '/owner x', offset: 100 },
        { type: 'actions', buttons: [{ label: 'More', action: 'run', command: '/find all' }] },
      ],
    });
    expect(contextTexts(cut.blocks)).toEqual(['…and 4 more. Try `/owner x --offset 146`']);
  });

  it('says no "more" when the whole list is shown', () => {
    const rendered = renderSlackMessage({
      summary: 'x',
      blocks: [{ type: 'list', items: items(50), moreCommand: '/x' }],
    });
    expect(contextTexts(rendered.blocks)).toEqual([]);
  });

  it('cuts long items to fit 50 blocks and keeps the header and the actions', () => {
    const long = (i: number): ListItem => ({ text: [code(`svc-${i + 1}`)], detail: [text('d'.repeat(2000))] });
    const rendered = renderSlackMessage({
      summary: 'x',
      blocks: [
        { type: 'header', text: 'Everything' },
        { type: 'list', title: 'Services', items: items(300, long), moreCommand: '/find all' },
        { type: 'actions', buttons: [{ label: 'More', action: 'run', command: '/find all' }] },
      ],
    });
    expectWithinSlackLimits(rendered);
    expect(rendered.blocks).toHaveLength(50);
    expect(rendered.blocks[0]?.type).toBe('header');
    expect(rendered.blocks.at(-1)?.type).toBe('actions');
    // header, title, 46 one-item sections, "…and N more", actions
    expect(contextTexts(rendered.blocks)).toEqual([`…and ${300 - 46} more. Try \`/find all\``]);
  });

  it('shares the room between lists instead of letting the first one take it all', () => {
    const long = (i: number): ListItem => ({ text: [code(`svc-${i + 1}`)], detail: [text('d'.repeat(2500))] });
    const rendered = renderSlackMessage({
      summary: 'x',
      blocks: [
        { type: 'list', title: 'Depends on', items: items(40, long) },
        { type: 'list', title: 'Depended on by', items: items(40, long) },
      ],
    });
    expectWithinSlackLimits(rendered);
    expect(rendered.blocks).toHaveLength(50);
    // 50 blocks = 2 × (title + 23 one-item sections + "…and 17 more").
    expect(contextTexts(rendered.blocks)).toEqual(['…and 17 more', '…and 17 more']);
  });

  it('keeps headers and actions and stays within 50 blocks when even cut lists do not fit', () => {
    const blocks: Message['blocks'] = [
      { type: 'header', text: 'Too much' },
      ...Array.from({ length: 80 }, (_, i) => ({ type: 'text' as const, text: [text(`paragraph ${i + 1}`)] })),
      { type: 'list', title: 'Services', items: items(10) },
      { type: 'actions', buttons: [{ label: 'Run', action: 'run', command: '/find x' }] },
    ];
    const rendered = renderSlackMessage({ summary: 'x', command: '/x', blocks }, { shareable: true });
    expectWithinSlackLimits(rendered);
    expect(rendered.blocks).toHaveLength(50);
    expect(rendered.blocks[0]?.type).toBe('header');
    expect(rendered.blocks.filter((b) => b.type === 'actions')).toHaveLength(2);
    expect(contextTexts(rendered.blocks).at(-1)).toBe('…the rest of this answer did not fit in one Slack message.');
  });
});
