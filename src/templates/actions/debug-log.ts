/** `debug:log`: writes a message (and optionally the workspace's file names) to the step's log. */
import { z } from 'zod';
import { defineAction } from './types.ts';

export const debugLog = defineAction({
  id: 'debug:log',
  description: 'Writes a message to the step log.',
  schema: z.strictObject({
    message: z.string().optional(),
    listWorkspace: z.union([z.boolean(), z.enum(['with-filenames', 'with-contents'])]).optional(),
    extra: z.unknown().optional(),
  }),
  async handler(ctx) {
    if (ctx.input.message !== undefined) ctx.log(ctx.input.message);
    if (ctx.input.listWorkspace) {
      for (const file of await ctx.workspace.files()) {
        ctx.log(
          ctx.input.listWorkspace === 'with-contents' ? `${file.path}:\n${file.content.toString('utf8')}` : file.path,
        );
      }
    }
    return {};
  },
});
