/**
 * Sharing an answer with everyone in the conversation. A shared answer is computed anew, as the person sharing, so
 * it is current and shows nothing they could not ask for themselves; it ends with who shared it. Answers without a
 * `command` (a refresh's result) cannot be shared: running them again would do something again, not show the same.
 */
import type { Asker } from '../core/commands/asker.ts';
import type { ChatPlatform, Message } from '../core/view-model.ts';
import { text as plain } from '../core/view-model.ts';
import { askerSpan } from './viewer.ts';

/** The answer with a closing "Shared by @someone" line. */
export function withSharedBy(message: Message, asker: Asker & { platform: ChatPlatform }): Message {
  return {
    ...message,
    blocks: [...message.blocks, { type: 'context', text: [plain('Shared by '), askerSpan(asker)] }],
  };
}
