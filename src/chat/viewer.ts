/**
 * Who is asking, on which platform. A surface knows the person's id on its platform at once (`Asker`); the catalog
 * User behind it takes a query, made only when a command asks (`CommandContext.viewer`), so that lookups such as
 * `/owner` stay at their one statement.
 */
import type { Asker, Viewer } from '../core/commands/asker.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { ChatPlatform, Span } from '../core/view-model.ts';

/**
 * The catalog User behind `userId` on `platform`, looked up on the first call and then remembered for this answer; a
 * person Wayfinder has not linked is an empty Viewer.
 */
export function chatViewer(opts: {
  store: Pick<CatalogStore, 'findChatIdentity'>;
  platform: ChatPlatform;
  userId: string;
}): () => Promise<Viewer> {
  let lookup: Promise<Viewer> | undefined;
  return () => {
    lookup ??= opts.store
      .findChatIdentity({ platform: opts.platform, platformUserId: opts.userId })
      .then((identity) => (identity?.userRef ? { userRef: identity.userRef } : {}));
    return lookup;
  };
}

/** A chat user as a span: a mention on their platform, their id as the name elsewhere. */
export function askerSpan(asker: Asker & { platform: ChatPlatform }): Span {
  return { kind: 'user', name: asker.id, ids: { [asker.platform]: asker.id } };
}
