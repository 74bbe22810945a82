import { describe, expect, it } from 'vitest';
import type { HoldingsFacts } from '../../src/core/catalog/records.ts';
import { buildHomeMessage } from '../../src/core/home.ts';
import type { Block, Message } from '../../src/core/view-model.ts';
import { plainText } from '../../src/core/view-model.ts';
import { renderSlackMessage } from '../../src/slack/render/message.ts';
import { entity } from '../helpers/listener-context.ts';

const payments = entity('group:default/payments', {
  metadata: { name: 'payments' },
  spec: { profile: { displayName: 'Payments Team' } },
});
const platform = entity('group:default/platform', { metadata: { name: 'platform', title: 'Platform' } });
const ada = entity('user:default/ada', { metadata: { name: 'ada', title: 'Ada Lovelace' } });
const paymentsApi = entity('component:default/payments-api', {
  metadata: { name: 'payments-api' },
  spec: { type: 'service', lifecycle: 'production' },
});
const ledger = entity('component:default/ledger', {
  metadata: { name: 'ledger', title: 'Ledger' },
  spec: { type: 'service' },
});
const notebook = entity('resource:default/ada-notebook', { metadata: { name: 'ada-notebook' } });

function textOf(message: Message): string {
  const parts = message.blocks.map((block: Block) => {
    switch (block.type) {
      case 'header':
        return block.text;
      case 'text':
      case 'context':
        return plainText(block.text);
      case 'list':
        return [
          block.title ?? '',
          ...block.items.map((item) => `${plainText(item.text)} ${plainText(item.detail ?? [])}`),
        ].join('\n');
      case 'actions':
        return block.buttons.map((button) => `[${button.label} → ${button.command}]`).join(' ');
      default:
        return '';
    }
  });
  return parts.join('\n');
}

describe('buildHomeMessage for a linked person', () => {
  const holdings: HoldingsFacts = {
    owned: [
      { entity: ledger, ownerRef: payments.ref },
      { entity: paymentsApi, ownerRef: payments.ref },
      { entity: notebook, ownerRef: ada.ref },
    ],
    total: 3,
    groups: [payments, platform],
  };
  const home = buildHomeMessage({ status: 'linked', userRef: ada.ref, user: ada, holdings });

  it('lists each of their teams with what it owns, and what they own themselves', () => {
    const text = textOf(home);
    expect(text).toContain('Signed in as Ada Lovelace');
    expect(text).toMatch(/Owned by you\nada-notebook Resource/);
    expect(text).toMatch(/Payments Team\nLedger Component · service\npayments-api Component · service · production/);
    expect(text).toContain('Platform owns nothing in the catalog yet.');
  });

  it("offers each team's full list and help as buttons", () => {
    expect(textOf(home)).toContain(
      '[Everything Payments Team owns → /owner group:default/payments] [Everything Platform owns → /owner group:default/platform] [Help → /wayfinder help]',
    );
  });

  it('says how many are shown when the holdings were cut', () => {
    const cut = buildHomeMessage({
      status: 'linked',
      userRef: ada.ref,
      user: ada,
      holdings: { ...holdings, total: 45 },
    });
    expect(textOf(cut)).toContain('Showing 3 of 45. /owner user:default/ada lists everything.');
    expect(textOf(cut)).toContain('Platform: not among the first shown here');
  });

  it('explains how to join a team when they are in none', () => {
    const alone = buildHomeMessage({
      status: 'linked',
      userRef: ada.ref,
      holdings: { owned: [], total: 0, groups: [] },
    });
    expect(textOf(alone)).toContain('You are not a member of any team in the catalog yet');
    expect(textOf(alone)).toContain('Signed in as user:default/ada');
  });

  it('renders within the Home tab limits', () => {
    const { blocks } = renderSlackMessage(home, { shareable: false });
    expect(blocks.length).toBeLessThanOrEqual(100);
    expect(blocks[0]).toMatchObject({ type: 'header' });
  });
});

describe('buildHomeMessage for someone Wayfinder cannot match', () => {
  it('names the email it looked for and how to be linked', () => {
    const text = textOf(buildHomeMessage({ status: 'unlinked', email: 'new@example.com' }));
    expect(text).toContain('no User entity has the email new@example.com');
    expect(text).toContain('spec.profile.email: new@example.com');
  });

  it('says when the chat account shared no email', () => {
    const text = textOf(buildHomeMessage({ status: 'unlinked' }));
    expect(text).toContain('Your chat account did not share its email');
  });
});
