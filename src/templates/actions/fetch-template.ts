/**
 * `fetch:template`: copies the files at `url` into the workspace, rendering their contents and their file and folder
 * names with `${{ values.x }}` (Backstage's `plugins/scaffolder-backend/src/scaffolder/actions/builtin/fetch/template.ts`).
 * `copyWithoutTemplating` (older name `copyWithoutRender`) lists globs whose contents are copied as they are (their
 * names are still rendered); `templateFileExtension` renders only files with that extension (`.njk` when `true`) and
 * drops it. A file whose name renders empty is left out; binary files are copied as they are.
 */
import picomatch from 'picomatch';
import { z } from 'zod';
import { renderString } from '../expressions.ts';
import { readLocation, resolveLocation } from '../template-files.ts';
import { workspacePath } from '../workspace.ts';
import { defineAction } from './types.ts';

export const fetchTemplate = defineAction({
  id: 'fetch:template',
  description: 'Copies files into the workspace, rendering their contents and names with values.',
  schema: z.strictObject({
    url: z.string().min(1, 'expected the path or URL of the skeleton, such as ./skeleton'),
    targetPath: z.string().optional(),
    values: z.record(z.string(), z.unknown()).optional(),
    copyWithoutTemplating: z.array(z.string()).optional(),
    copyWithoutRender: z.array(z.string()).optional(),
    templateFileExtension: z.union([z.boolean(), z.string()]).optional(),
    replace: z.boolean().optional(),
    cookiecutterCompat: z
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${{ }} is the Nunjucks syntax of templates, not a JavaScript placeholder.
      .literal(false, { error: 'cookiecutterCompat is not supported; write the skeleton with ${{ values.x }}' })
      .optional(),
    token: z.never({ error: 'token is not supported: Wayfinder reads with its own GitHub credentials' }).optional(),
  }),
  async handler(ctx) {
    const { input } = ctx;
    const files = await readLocation(resolveLocation(ctx.location, input.url), ctx.services.github);
    const globs = [...(input.copyWithoutTemplating ?? []), ...(input.copyWithoutRender ?? [])].map((glob) =>
      glob.replace(/^\.\//, ''),
    );
    const verbatim = globs.length > 0 ? picomatch(globs, { dot: true }) : () => false;
    const extension = input.templateFileExtension === true ? '.njk' : input.templateFileExtension || undefined;
    const context = { values: input.values ?? {} };
    const existing =
      input.replace === false ? new Set((await ctx.workspace.files()).map((file) => file.path)) : undefined;
    let count = 0;
    for (const file of files) {
      const asIs = verbatim(file.path) || globs.some((glob) => file.path.startsWith(`${glob.replace(/\/\*\*$/, '')}/`));
      let name = file.path;
      let render = !asIs && !isBinary(file.content);
      if (extension) {
        render = render && name.endsWith(extension);
        if (name.endsWith(extension)) name = name.slice(0, -extension.length);
      }
      const renderedName = name
        .split('/')
        .map((segment) => renderString(segment, context))
        .join('/');
      if (renderedName.split('/').some((segment) => segment === '')) continue;
      const target = workspacePath(input.targetPath ?? '', renderedName);
      if (existing?.has(target)) continue;
      const content = render ? Buffer.from(renderString(file.content.toString('utf8'), context), 'utf8') : file.content;
      await ctx.workspace.write({ path: target, content });
      ctx.wrote(target);
      count += 1;
    }
    ctx.log(`Wrote ${count} file(s) from ${input.url}${input.targetPath ? ` to ${input.targetPath}` : ''}`);
    return {};
  },
});

/** A NUL byte in the first 8 KB, as git decides. */
function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}
