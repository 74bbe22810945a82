import { describe, expect, it } from 'vitest';
import { buildErrorNotice, NOTICE_FILES_SHOWN, noticeChannelOf } from '../../../src/core/catalog/error-notice.ts';
import type { EntityRecord } from '../../../src/core/catalog/records.ts';
import type { IngestError } from '../../../src/core/catalog/types.ts';
import { plainText } from '../../../src/core/view-model.ts';

function team(annotations: Record<string, string> = {}): EntityRecord {
  return {
    ref: 'group:default/payments',
    kind: 'group',
    namespace: 'default',
    name: 'payments',
    orphan: false,
    envelope: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'payments', annotations },
      spec: { type: 'team', profile: { displayName: 'Payments' } },
    },
  };
}

const file = 'url:https://github.com/acme/payments-api/blob/main/catalog-info.yaml';

describe('buildErrorNotice', () => {
  it('lists the errors by file, each line linking to that line on GitHub, and says what to do', () => {
    const errors: IngestError[] = [
      { location: file, line: 9, field: 'spec.owner', message: 'spec.owner is required' },
      { location: file, line: 3, message: 'metadata.name "Pay Ments" is not valid' },
      { location: 'file:/catalog/org.yaml', message: 'not valid YAML' },
    ];

    expect(buildErrorNotice({ team: team(), errors })).toEqual({
      summary:
        '3 catalog errors in files Payments owns. Fix the file on the default branch; Wayfinder re-reads it on push.',
      blocks: [
        { type: 'header', text: '3 catalog errors in files Payments owns' },
        {
          type: 'text',
          text: [
            {
              kind: 'text',
              text: 'Wayfinder could not read 2 descriptor files owned by Payments. Until fixed, the catalog keeps what it last read from them.',
            },
          ],
        },
        { type: 'text', text: [{ kind: 'code', text: 'catalog/org.yaml' }] },
        { type: 'list', items: [{ text: [{ kind: 'text', text: 'not valid YAML' }] }] },
        {
          type: 'text',
          text: [
            {
              kind: 'link',
              text: 'github.com/acme/payments-api/…/catalog-info.yaml',
              url: 'https://github.com/acme/payments-api/blob/main/catalog-info.yaml',
            },
          ],
        },
        {
          type: 'list',
          items: [
            {
              text: [
                {
                  kind: 'link',
                  text: 'line 3',
                  url: 'https://github.com/acme/payments-api/blob/main/catalog-info.yaml#L3',
                },
                { kind: 'text', text: ': ' },
                { kind: 'text', text: 'metadata.name "Pay Ments" is not valid' },
              ],
            },
            {
              text: [
                {
                  kind: 'link',
                  text: 'line 9',
                  url: 'https://github.com/acme/payments-api/blob/main/catalog-info.yaml#L9',
                },
                { kind: 'text', text: ': ' },
                { kind: 'code', text: 'spec.owner' },
                { kind: 'text', text: ': ' },
                { kind: 'text', text: 'spec.owner is required' },
              ],
            },
          ],
        },
        {
          type: 'context',
          text: [{ kind: 'text', text: 'Fix the file on the default branch; Wayfinder re-reads it on push.' }],
        },
      ],
    });
  });

  it(`shows at most ${NOTICE_FILES_SHOWN} files and counts the rest`, () => {
    const errors = Array.from({ length: NOTICE_FILES_SHOWN + 2 }, (_, index) => ({
      location: `file:/catalog/${String(index).padStart(2, '0')}.yaml`,
      message: 'not valid YAML',
    }));

    const message = buildErrorNotice({ team: team(), errors });

    expect(message.blocks.filter((block) => block.type === 'list')).toHaveLength(NOTICE_FILES_SHOWN);
    const context = message.blocks.filter((block) => block.type === 'context').map((block) => plainText(block.text));
    expect(context[0]).toBe('…and 2 more files with 2 errors. /wayfinder errors lists them all.');
  });
});

describe('noticeChannelOf', () => {
  it("is the team's channel, with the Slack annotations kept as its Slack id for Slack to read", () => {
    expect(
      noticeChannelOf(team({ 'wayfinder.dev/slack-channel-id': 'C0PAY', 'slack.com/bot-notify': 'pay@acme.com' })),
    ).toEqual({ kind: 'channel', name: 'C0PAY', ids: { slack: 'C0PAY' } });
    expect(noticeChannelOf(team({ 'slack.com/bot-notify': '#payments' }))).toEqual({
      kind: 'channel',
      name: 'payments',
      ids: { slack: '#payments' },
    });
  });

  it('is undefined when the team names no channel, or an email instead', () => {
    expect(noticeChannelOf(team())).toBeUndefined();
    expect(noticeChannelOf(team({ 'slack.com/bot-notify': 'payments@acme.com' }))).toBeUndefined();
  });
});
