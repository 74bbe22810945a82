/** `fetch:plain`: copies the files at `url` (relative to the template, or a GitHub URL) into the workspace. */
import { z } from 'zod';
import { readLocation, resolveLocation } from '../template-files.ts';
import { workspacePath } from '../workspace.ts';
import { defineAction } from './types.ts';

export const fetchPlain = defineAction({
  id: 'fetch:plain',
  description: 'Copies files into the workspace without templating them.',
  schema: z.strictObject({
    url: z.string().min(1, 'expected the path or URL of the files to copy, such as ./skeleton'),
    targetPath: z.string().optional(),
    token: z.never({ error: 'token is not supported: Wayfinder reads with its own GitHub credentials' }).optional(),
  }),
  async handler(ctx) {
    const files = await readLocation(resolveLocation(ctx.location, ctx.input.url), ctx.services.github);
    for (const file of files) {
      const target = workspacePath(ctx.input.targetPath ?? '', file.path);
      await ctx.workspace.write({ path: target, content: file.content });
      ctx.wrote(target);
    }
    ctx.log(`Copied ${files.length} file(s) from ${ctx.input.url}`);
    return {};
  },
});
