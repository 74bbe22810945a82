import { describe, expect, it } from 'vitest';
import { channelOf } from '../../src/core/catalog/facts.ts';
import { slackConversationOf } from '../../src/slack/channels.ts';
import { entity } from '../helpers/listener-context.ts';

const team = (annotations: Record<string, string> = {}) =>
  entity('group:default/payments', { metadata: { name: 'payments', annotations } });

/** Where Slack posts for a team: what the catalog's channel span means as a Slack conversation. */
const conversationOf = (annotations?: Record<string, string>) => {
  const channel = channelOf(team(annotations));
  return channel && slackConversationOf(channel);
};

describe('slackConversationOf', () => {
  it('prefers the channel id annotation, then the channel slack.com/bot-notify names (an id, or a name with #)', () => {
    expect(conversationOf({ 'wayfinder.dev/slack-channel-id': 'C0PAY', 'slack.com/bot-notify': 'pay@acme.com' })).toBe(
      'C0PAY',
    );
    expect(conversationOf({ 'wayfinder.dev/slack-channel-id': 'C0PAY', 'slack.com/bot-notify': '#payments' })).toBe(
      'C0PAY',
    );
    expect(conversationOf({ 'slack.com/bot-notify': '#payments' })).toBe('payments');
    expect(conversationOf({ 'slack.com/bot-notify': 'C0123PAYMENTS' })).toBe('C0123PAYMENTS');
  });

  it('is undefined when the team names no channel, or a person (an email or a Slack user id) instead', () => {
    expect(conversationOf()).toBeUndefined();
    expect(conversationOf({ 'slack.com/bot-notify': 'payments@acme.com' })).toBeUndefined();
    expect(conversationOf({ 'slack.com/bot-notify': 'U0123ADA' })).toBeUndefined();
  });
});
