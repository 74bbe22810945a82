import { errorsByFile, ingestErrorInFileText, locationSpan } from '../catalog/facts.ts';
import type { IngestError } from '../catalog/types.ts';
import { countOf } from '../text.ts';
import type { Block, Message } from '../view-model.ts';
import { code, text as plain } from '../view-model.ts';
import { parseArgs } from './args.ts';
import { inputProblemAnswer } from './resolve.ts';
import type { CommandDefinition } from './types.ts';

/**
 * Files one answer shows. Each file takes a line and a list, so a chat answer stays readable (and within Slack's 50
 * blocks, where the renderer can cut lists but not the lines between them); the rest are counted at the end.
 */
export const ERROR_FILES_SHOWN = 15;

/** `/wayfinder errors`: every catalog file that did not read cleanly at the last import or sync, and why. */
export const errorsSubcommand: CommandDefinition = {
  name: 'wayfinder errors',
  description: 'Every catalog error from the last import or sync, by file, with line, field and message.',
  usage: '',
  example: '/wayfinder errors',
  async run(context, args) {
    const parsed = parseArgs(args, {}, `/${this.name}`);
    if (!parsed.ok) return inputProblemAnswer(this, parsed.problem);
    const [errors, fileScopes] = await Promise.all([
      context.store.listIngestErrors(),
      context.store.listScopes({ prefix: 'file:' }),
    ]);
    return errorsAnswer(
      errors,
      fileScopes.map((scope) => scope.slice('file:'.length)),
    );
  },
};

/**
 * The import root `location` is shown from: the outermost stored root that holds it, the one an import files its
 * entities under (`enclosingRoot` in src/ingestion/import-catalog.ts), so a file reads as the entities' `sourceRoot`
 * makes them read in other answers.
 */
function rootOf(location: string, roots: readonly string[]): string | undefined {
  const path = location.replace(/^file:/, '');
  return roots
    .filter((root) => path === root || path.startsWith(`${root.replace(/\/+$/, '')}/`))
    .sort((a, b) => a.length - b.length)[0];
}

function errorsAnswer(errors: readonly IngestError[], roots: readonly string[]): Message {
  const command = '/wayfinder errors';
  if (errors.length === 0) {
    const text = 'No catalog errors: every file read at the last import or sync was valid.';
    return { summary: text, command, blocks: [{ type: 'text', text: [plain(text)] }] };
  }
  const files = errorsByFile(errors);
  const title = `${countOf(errors.length, 'catalog error')} in ${countOf(files.length, 'file')}`;
  const blocks: Block[] = [{ type: 'header', text: title }];
  for (const [location, fileErrors] of files.slice(0, ERROR_FILES_SHOWN)) {
    blocks.push({
      type: 'text',
      text: [
        locationSpan(location, undefined, rootOf(location, roots)),
        plain(` — ${countOf(fileErrors.length, 'error')}`),
      ],
    });
    blocks.push({ type: 'list', items: fileErrors.map((error) => ({ text: ingestErrorInFileText(error) })) });
  }
  const hidden = files.slice(ERROR_FILES_SHOWN);
  if (hidden.length > 0) {
    const hiddenErrors = hidden.reduce((sum, [, fileErrors]) => sum + fileErrors.length, 0);
    blocks.push({
      type: 'context',
      text: [
        plain(`…and ${countOf(hidden.length, 'more file')} with ${countOf(hiddenErrors, 'error')}; `),
        code('wayfinder catalog errors'),
        plain(' on the server lists them all.'),
      ],
    });
  }
  blocks.push({
    type: 'context',
    text: [
      plain(
        'Documents with errors are skipped: the catalog keeps what it last read from them until they read cleanly.',
      ),
    ],
  });
  return { summary: `${title}.`, command, blocks };
}
