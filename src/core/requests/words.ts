/** Requests in sentences: their states and the people who acted on them. */
import type { EntityRef } from '../catalog/types.ts';
import type { Actor, RequestState } from './types.ts';

/** `approved`, `awaiting approval`, … as words in a sentence. */
export function stateWords(state: RequestState): string {
  return state.replace('-', ' ');
}

/**
 * An actor in a sentence, as /owner names people: their catalog User's display name (`Actor.name`), else the name in
 * their User's ref (`ada` for `user:default/ada`), else their account (`the console`, `slack user U0ADA`).
 */
export function actorName(actor: Actor): string {
  if (actor.name) return actor.name;
  if (actor.userRef) return refName(actor.userRef);
  return actor.platform === 'console' ? 'the console' : `${actor.platform} user ${actor.id}`;
}

/** The approver group in a sentence: its display name (`approversName`), else the name in its ref. */
export function approversName(request: { approvers?: EntityRef; approversName?: string }): string | undefined {
  return request.approversName ?? (request.approvers ? refName(request.approvers) : undefined);
}

/** `ada.lovelace` for `user:default/ada.lovelace`: the name part of an entity ref. */
export function refName(ref: EntityRef): string {
  return ref.slice(ref.lastIndexOf('/') + 1) || ref;
}
