/** zod builders for descriptor fields: each carries its expectation (messages.ts) as the message. */
import { z } from 'zod';
import { NON_EMPTY } from '../messages.ts';

export function text(expectation: string) {
  return z.string({ error: expectation }).min(1, { error: expectation });
}

export function formatted(isValid: (value: string) => boolean, expectation: string) {
  return z.string({ error: expectation }).refine(isValid, { error: expectation });
}

export function refList(list: string, item: string) {
  return z.array(text(item), { error: list });
}

export const profileSchema = z
  .looseObject(
    { displayName: text(NON_EMPTY).optional(), email: text(NON_EMPTY).optional(), picture: text(NON_EMPTY).optional() },
    { error: 'a mapping with displayName, email or picture' },
  )
  .optional();
