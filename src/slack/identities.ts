/**
 * How Wayfinder learns who people are in Slack, so that later answers @-mention them. Runs after the answer has
 * been sent, never on the ack path: the viewer (users.info → email), and the people an answer named by email
 * without a Slack id (users.lookupByEmail). Each is saved with `saveChatIdentity`, which links the catalog User
 * with that email.
 */
import type { WebClient } from '@slack/web-api';
import type { ChatIdentity } from '../core/catalog/records.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { Message, RichText, Span } from '../core/view-model.ts';
import type { Logger } from '../http/server.ts';
import { callSlack, isPlatformError } from './web-client.ts';

/** Lookups per answer: `users.lookupByEmail` is Tier 3 (50+/min per workspace), and an answer names few people. */
export const LOOKUPS_PER_ANSWER = 10;

export interface IdentityWarmer {
  /** Learns the Slack ids of the people `message` shows by email only, up to `LOOKUPS_PER_ANSWER`. */
  warmFromMessage(opts: { client: WebClient; message: Message }): Promise<void>;
  /** Learns who `slackUserId` is (their email), and returns the identity saved, if Slack shared an email. */
  warmUser(opts: { client: WebClient; slackUserId: string }): Promise<ChatIdentity | undefined>;
  /** `warmUser` for someone who asked something, unless Wayfinder already knows them. */
  warmViewer(opts: { client: WebClient; slackUserId: string }): Promise<void>;
}

export interface IdentityWarmerOptions {
  store: CatalogStore;
  logger: Logger;
  /** How long an email Slack does not know is not asked again. Default 1 hour. */
  notFoundTtlMs?: number;
  now?: () => number;
}

export function createIdentityWarmer(opts: IdentityWarmerOptions): IdentityWarmer {
  const { store, logger } = opts;
  const notFoundTtlMs = opts.notFoundTtlMs ?? 60 * 60 * 1000;
  const now = opts.now ?? Date.now;
  // Emails Slack answered `users_not_found` for (people outside the workspace), with when to ask again.
  // Bounded and per process: forgetting one only costs a lookup.
  const notFound = new Map<string, number>();
  const isKnownMissing = (email: string) => {
    const until = notFound.get(email);
    if (until === undefined) return false;
    if (until > now()) return true;
    notFound.delete(email);
    return false;
  };
  const rememberMissing = (email: string) => {
    notFound.set(email, now() + notFoundTtlMs);
    dropOldest(notFound, 5_000);
  };
  // Slack users with a saved identity. An identity is never deleted, so remembering one is always right; it saves
  // a query after every answer to someone who asks often. Bounded and per process: forgetting one costs a query.
  const known = new Set<string>();
  const rememberKnown = (slackUserId: string) => {
    known.add(slackUserId);
    dropOldest(known, 50_000);
  };

  // Emails being looked up now. Answers sent at the same moment show the same team's unlinked people; each email is
  // looked up by one of them, not by all (a burst of answers on a new workspace would spend Slack's Tier 3 budget on
  // duplicates and hold a lookup per answer per person in memory).
  const inFlight = new Set<string>();

  const warmer: IdentityWarmer = {
    async warmFromMessage({ client, message }) {
      const emails = collectUnlinkedEmails(message).filter((email) => !isKnownMissing(email) && !inFlight.has(email));
      const mine = emails.slice(0, LOOKUPS_PER_ANSWER);
      for (const email of mine) inFlight.add(email);
      try {
        for (const email of mine) {
          const platformUserId = await lookupByEmail(client, email);
          if (platformUserId === undefined) {
            rememberMissing(email);
            continue;
          }
          await store.saveChatIdentity({ identity: { platform: 'slack', platformUserId, email } });
        }
      } finally {
        for (const email of mine) inFlight.delete(email);
      }
      if (emails.length > LOOKUPS_PER_ANSWER) {
        logger.debug(`Left ${emails.length - LOOKUPS_PER_ANSWER} people to look up on a later answer`);
      }
    },
    async warmUser({ client, slackUserId }) {
      let email: string | undefined;
      try {
        email = (await callSlack('users.info', () => client.users.info({ user: slackUserId }))).user?.profile?.email;
      } catch (error) {
        if (isPlatformError(error, 'user_not_found')) return undefined;
        throw error;
      }
      // No email: a bot, a guest, or the app lacks `users:read.email`. Nothing to link by.
      if (!email) return undefined;
      const identity = await store.saveChatIdentity({
        identity: { platform: 'slack', platformUserId: slackUserId, email },
      });
      rememberKnown(slackUserId);
      return identity;
    },
    async warmViewer({ client, slackUserId }) {
      if (known.has(slackUserId)) return;
      if (await store.findChatIdentity({ platform: 'slack', platformUserId: slackUserId })) rememberKnown(slackUserId);
      else await warmer.warmUser({ client, slackUserId });
    },
  };
  return warmer;
}

/** Distinct emails (lowercased, in order of appearance) of the people a message shows without a Slack id. */
export function collectUnlinkedEmails(message: Message): string[] {
  const emails = new Set<string>();
  const visit = (rich: RichText | undefined) => {
    for (const span of rich ?? []) if (isUnlinkedUser(span)) emails.add(span.email.toLowerCase());
  };
  for (const block of message.blocks) {
    switch (block.type) {
      case 'text':
      case 'context':
        visit(block.text);
        break;
      case 'fields':
        for (const field of block.fields) visit(field.value);
        break;
      case 'list':
        for (const item of block.items) {
          visit(item.text);
          visit(item.detail);
        }
        break;
      default:
        break;
    }
  }
  return [...emails];
}

function isUnlinkedUser(span: Span): span is Extract<Span, { kind: 'user' }> & { email: string } {
  return span.kind === 'user' && span.ids?.slack === undefined && typeof span.email === 'string' && span.email !== '';
}

/** The Slack user id for `email`, or undefined when Slack has no such user. Other failures throw. */
async function lookupByEmail(client: WebClient, email: string): Promise<string | undefined> {
  try {
    const result = await callSlack('users.lookupByEmail', () => client.users.lookupByEmail({ email }));
    return result.user?.id;
  } catch (error) {
    if (isPlatformError(error, 'users_not_found')) return undefined;
    throw error;
  }
}

/** Keeps a Map or Set to `limit` entries by dropping the oldest: both iterate in insertion order. */
function dropOldest(entries: Map<string, unknown> | Set<string>, limit: number): void {
  if (entries.size <= limit) return;
  const oldest = entries.keys().next().value;
  if (oldest !== undefined) entries.delete(oldest);
}
