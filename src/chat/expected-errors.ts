/**
 * Which failures a person can act on, and the message they get. The core throws its domain errors (`InputError`,
 * `NotFoundError`, …) with a sentence that says what was wrong; every surface shows that sentence. Anything else
 * (`UpstreamError` included: a failing dependency is not the asker's to fix) is a bug or an outage, which the surface
 * logs and answers with its apology.
 */
import { isWayfinderError } from '../core/errors.ts';
import type { Message } from '../core/view-model.ts';
import { text as plain } from '../core/view-model.ts';

/** Domain errors a person can act on. `UpstreamError` is not one: a failing dependency gets the apology. */
export function isExpectedError(error: unknown): error is Error {
  return isWayfinderError(error) && error.code !== 'UPSTREAM';
}

/** The answer to an expected failure: its reason, and the way to help. */
export function expectedErrorMessage(reason: string): Message {
  return {
    summary: reason,
    blocks: [
      { type: 'text', text: [plain(reason)] },
      { type: 'actions', buttons: [{ label: 'Show help', action: 'run', command: '/wayfinder help' }] },
    ],
  };
}

/** Resolves to `promise`'s value, or to the message for an expected failure; anything else is rethrown. */
export async function orExpectedError<T>(promise: Promise<T>): Promise<T | Message> {
  try {
    return await promise;
  } catch (error) {
    if (isExpectedError(error)) return expectedErrorMessage(error.message);
    throw error;
  }
}
