/**
 * Who counts as "you" when the catalog is asked what you own: your User and the Groups it is directly a member of.
 * That is Backstage's default `ownershipEntityRefs` (backstage/backstage `plugins/auth-node`,
 * `getDefaultOwnershipEntityRefs`), which its OwnedEntityPicker filters `relations.ownedBy` by; a parent group of
 * your team is not yours.
 */
import type { CatalogStore } from '../ports/catalog-store.ts';
import type { EntityRef } from './types.ts';

/** `[userRef, …its memberOf groups]`; just `[userRef]` when the User is not in the catalog. */
export async function ownershipRefsOf(
  store: Pick<CatalogStore, 'getRelations'>,
  userRef: EntityRef,
): Promise<EntityRef[]> {
  const relations = await store.getRelations({ ref: userRef });
  const groups = relations.filter((relation) => relation.type === 'memberOf').map((relation) => relation.targetRef);
  return [userRef, ...new Set(groups)];
}
