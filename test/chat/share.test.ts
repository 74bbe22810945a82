import { describe, expect, it } from 'vitest';
import { withSharedBy } from '../../src/chat/share.ts';
import type { Message } from '../../src/core/view-model.ts';

describe('withSharedBy', () => {
  it('appends a context line naming the sharer by their id on their platform, leaving the answer otherwise as it was', () => {
    const message: Message = { summary: 's', blocks: [{ type: 'divider' }] };
    expect(withSharedBy(message, { platform: 'slack', id: 'U1' })).toEqual({
      summary: 's',
      blocks: [
        { type: 'divider' },
        {
          type: 'context',
          text: [
            { kind: 'text', text: 'Shared by ' },
            { kind: 'user', name: 'U1', ids: { slack: 'U1' } },
          ],
        },
      ],
    });
  });
});
