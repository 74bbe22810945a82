/** Requests in sentences: their states and the people who acted on them. */
import type { Actor, RequestState } from './types.ts';

/** `approved`, `awaiting approval`, … as words in a sentence. */
export function stateWords(state: RequestState): string {
  return state.replace('-', ' ');
}

/** An actor in a sentence: their catalog User, else their account. */
export function actorName(actor: Actor): string {
  return actor.userRef ?? (actor.platform === 'console' ? 'the console' : `${actor.platform} user ${actor.id}`);
}
