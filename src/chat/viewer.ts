/**
 * Who is asking, on which platform. A surface knows the person's id on its platform at once (`Asker`); the catalog
 * User behind it takes a query, made only when a command asks (`CommandContext.viewer`), so that lookups such as
 * `/owner` stay at their one statement.
 */

import type { ChatIdentity } from '../core/catalog/records.ts';
import type { Asker, Viewer } from '../core/commands/asker.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { ChatPlatform, Span } from '../core/view-model.ts';

/**
 * The catalog User behind `userId` on `platform`, looked up on the first call and then remembered for this answer.
 * A person Wayfinder has never seen is resolved by `learn` when the surface gives one (Slack: users.info → email →
 * the catalog User with that email, saved for next time), so that their first approve or request already counts as
 * them; without `learn`, or when it finds no catalog User, the Viewer is empty.
 */
export function chatViewer(opts: {
  store: Pick<CatalogStore, 'findChatIdentity'>;
  platform: ChatPlatform;
  userId: string;
  /** Learns who an unknown person is on the platform and links them; the identity saved, if any. */
  learn?: () => Promise<ChatIdentity | undefined>;
}): () => Promise<Viewer> {
  let lookup: Promise<Viewer> | undefined;
  const resolve = async (): Promise<Viewer> => {
    const known = await opts.store.findChatIdentity({ platform: opts.platform, platformUserId: opts.userId });
    const identity = known ?? (await opts.learn?.());
    return identity?.userRef ? { userRef: identity.userRef } : {};
  };
  return () => {
    lookup ??= resolve();
    return lookup;
  };
}

/** A chat user as a span: a mention on their platform, their id as the name elsewhere. */
export function askerSpan(asker: Asker & { platform: ChatPlatform }): Span {
  return { kind: 'user', name: asker.id, ids: { [asker.platform]: asker.id } };
}
