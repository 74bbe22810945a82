import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/console/render.ts';
import { code, type ListItem, text } from '../../src/core/view-model.ts';
import { allMessages, bigTeamAnswer, notFoundAnswer, ownerAnswer, serviceAnswer } from '../fixtures/messages.ts';

const ESC = '\x1b';

function items(count: number): ListItem[] {
  return Array.from({ length: count }, (_, i) => ({ text: [code(`svc-${i + 1}`)] }));
}

describe('renderText snapshots', () => {
  for (const [name, message] of Object.entries(allMessages)) {
    it(`renders the ${name} fixture as terminal text`, () => {
      const rendered = renderText(message);
      expect(rendered).not.toContain(ESC);
      expect(rendered).toMatchSnapshot();
    });
  }

  it('renders the /owner answer with ANSI colour when asked', () => {
    expect(renderText(ownerAnswer, { color: true })).toMatchSnapshot();
  });
});

describe('renderText', () => {
  it('answers /owner with the team, its channel, on-call link, parent team and members', () => {
    expect(renderText(ownerAnswer)).toMatchInlineSnapshot(`
      "payments-api is owned by Payments Team
      ──────────────────────────────────────

      Payments Team builds card, wallet and payout processing. Ask in #payments-eng before paging.

      Channel:     #payments-eng
      On-call:     Payments Primary (PagerDuty) (https://acme.pagerduty.com/schedules/P7X2K1Q)
      Parent team: Commerce R&D <EMEA> group:default/commerce
      Team:        group:default/payments

      Members (6)
        • Amara Okafor <amara.okafor@acme.io> — lead
        • Bastien Roux <bastien.roux@acme.io>
        • Chen Wei <chen.wei@acme.io>
        • Dana <contractor> & co <dana@contractor.example> — until 2025-12-31
        • Elif Şahin — on-call this week
        • Farid Haddad

        → Services owned: /find owner:payments
        → Who is on call?: /oncall payments

      From catalog-info.yaml (https://github.com/acme/payments-api/blob/main/catalog-info.yaml) · refreshed 12 minutes ago"
    `);
  });

  it('prints buttons as commands a console user can type', () => {
    const rendered = renderText(notFoundAnswer);
    expect(rendered).toContain('  → payments-api: /owner payments-api\n');
    expect(rendered).toContain('  → payment-gateway: /owner payment-gateway');
  });

  it('leaves out share buttons, which have no meaning in a terminal', () => {
    const rendered = renderText({
      summary: 'x',
      blocks: [
        {
          type: 'actions',
          buttons: [
            { label: 'Share in channel', action: 'share', command: '/owner x' },
            { label: 'Owner', action: 'run', command: '/owner x' },
          ],
        },
      ],
    });
    expect(rendered).toBe('  → Owner: /owner x');
  });

  it('aligns field labels and writes links as text (url)', () => {
    const rendered = renderText(serviceAnswer);
    expect(rendered).toContain('Owner:      Payments Team group:default/payments\n');
    expect(rendered).toContain('Repository: acme/payments-api (https://github.com/acme/payments-api)\n');
    expect(rendered).toContain('Docs:       Runbook (https://wiki.acme.io/payments/runbook?tab=alerts&env=prod)');
  });

  it('prints 200 services of a 300-service team and says "…and 100 more" with the command for the rest', () => {
    const lines = renderText(bigTeamAnswer).split('\n');
    expect(lines.filter((line) => line.startsWith('  • '))).toHaveLength(200);
    expect(lines).toContain('  • infra-exporter-200 — exporter · production');
    expect(lines).toContain('  …and 100 more. Try /find owner:platform-infra');
  });

  it('prints the address of a link only when it is http, https or mailto, encoded', () => {
    const rendered = renderText({
      summary: 'x',
      blocks: [
        {
          type: 'text',
          text: [
            { kind: 'link', text: 'Click', url: 'javascript:alert(1)' },
            text(' '),
            { kind: 'link', text: 'Runbook', url: 'https://acme.example/run book' },
          ],
        },
      ],
    });
    expect(rendered).toBe('Click (javascript:alert(1)) Runbook (https://acme.example/run%20book)');
    expect(
      renderText(
        { summary: 'x', blocks: [{ type: 'text', text: [{ kind: 'link', text: 'Click', url: 'javascript:x' }] }] },
        { color: true },
      ),
    ).toBe('Click (javascript:x)');
  });

  it('continues a paged list at the first item it did not print', () => {
    const rendered = renderText({
      summary: 'x',
      blocks: [{ type: 'list', items: items(250), omitted: 10, moreCommand: '/find svc', offset: 20 }],
    });
    expect(rendered.split('\n').at(-1)).toBe('  …and 60 more. Try /find svc --offset 220');
  });

  it('writes counts with thousands separators, as every answer does', () => {
    const rendered = renderText({
      summary: 'x',
      blocks: [{ type: 'list', items: items(2), omitted: 17_750, moreCommand: '/owner group:default/sre' }],
    });
    expect(rendered.split('\n').at(-1)).toBe('  …and 17,750 more. Try /owner group:default/sre');
  });

  it('counts the items the answer already left out', () => {
    const rendered = renderText({ summary: 'x', blocks: [{ type: 'list', items: items(2), omitted: 40 }] });
    expect(rendered).toBe('  • svc-1\n  • svc-2\n  …and 40 more');
  });

  it('uses ANSI only when colour is on', () => {
    const message = { summary: 'x', blocks: [{ type: 'header' as const, text: 'Team' }] };
    expect(renderText(message)).toBe('Team\n────');
    expect(renderText(message, { color: true })).toBe(`${ESC}[1m${ESC}[4mTeam${ESC}[24m${ESC}[22m`);
  });

  it('strips control characters from catalog text so it cannot drive the terminal', () => {
    const rendered = renderText({
      summary: 'x',
      blocks: [{ type: 'text', text: [text(`evil${ESC}[2J${ESC}]0;title\x07name\r\nnext`)] }],
    });
    expect(rendered).toBe('evil[2J]0;titlename\nnext');
  });

  it('strips bidi controls from catalog text so a name cannot reorder the rest of the line', () => {
    const rendered = renderText({
      summary: 'x',
      blocks: [
        { type: 'header', text: 'Team \u202Emaet\u202C' },
        { type: 'text', text: [text('Eve \u2066Admin\u2069 \u202Bowner')] },
      ],
    });
    expect(rendered).toBe('Team maet\n─────────\n\nEve Admin owner');
  });

  it('renders images and dividers', () => {
    const rendered = renderText({
      summary: 'x',
      blocks: [{ type: 'image', url: 'https://x.example/graph.png', alt: 'Error rate' }, { type: 'divider' }],
    });
    expect(rendered).toBe(`[image: Error rate] https://x.example/graph.png\n\n${'─'.repeat(40)}`);
  });
});
