import { ingestErrorText, locationSpan, shortName, sourceSpan } from '../catalog/facts.ts';
import type { ImportCounts } from '../catalog/types.ts';
import type { EntityRecord, RefreshOutcome } from '../ports.ts';
import { countOf } from '../text.ts';
import type { Block, Button, Message, Span } from '../view-model.ts';
import { text as plain, plainText, strong } from '../view-model.ts';
import { parseArgs } from './args.ts';
import { inputProblemAnswer, resolveEntity, usageAnswer } from './resolve.ts';
import type { CommandDefinition } from './types.ts';

/**
 * `/wayfinder refresh <name>`: re-reads the source an entity came from, now, and says what was read, what changed
 * and what is wrong in it. Its answers carry no `command`: sharing one would refresh again and report a different run.
 */
export const refreshSubcommand: CommandDefinition = {
  name: 'wayfinder refresh',
  description:
    "Re-reads an entity's catalog file (or its GitHub repository) now, and says what changed and what is wrong.",
  usage: '<name>',
  example: '/wayfinder refresh payments-api',
  async run(context, args) {
    const parsed = parseArgs(args, {}, `/${this.name}`);
    if (!parsed.ok) return inputProblemAnswer(this, parsed.problem);
    const name = parsed.text;
    if (!name) return usageAnswer(this.name, this.usage, this.example);
    const resolved = await resolveEntity(context, this.name, name);
    if (resolved.message) return resolved.message;
    const outcome = await context.refresher.refresh({ entity: resolved.entity });
    return refreshAnswer(resolved.entity, outcome, resolved.nameToType);
  },
};

/** `nameToType` names the entity in buttons: its full ref when another entity shares its name. */
function refreshAnswer(entity: EntityRecord, outcome: RefreshOutcome, nameToType: string): Message {
  const name = shortName(entity);
  const about: Button = { label: `About ${name}`, action: 'run', command: `/service ${nameToType}` };
  switch (outcome.status) {
    case 'refreshed': {
      const counts = countsText(outcome.counts);
      const errors = outcome.errors;
      const source = sourceOf(outcome.source, entity.sourceRoot);
      const blocks: Block[] = [
        { type: 'header', text: `Refreshed ${name}` },
        { type: 'text', text: [plain('Read '), source, plain(`: ${counts}.`)] },
      ];
      const buttons = [about];
      if (errors.length > 0) {
        blocks.push({
          type: 'list',
          title: countOf(errors.length, 'error'),
          items: errors.map((error) => ({ text: ingestErrorText(error, entity.sourceRoot) })),
          moreCommand: '/wayfinder errors',
        });
        blocks.push({
          type: 'context',
          text: [
            plain(
              'Documents with errors are skipped: the catalog keeps what it last read from them until they read cleanly.',
            ),
          ],
        });
        buttons.push({ label: 'Every catalog error', action: 'run', command: '/wayfinder errors' });
      }
      blocks.push({ type: 'actions', buttons });
      const problems = errors.length === 0 ? '' : ` ${countOf(errors.length, 'error')}.`;
      return { summary: `Refreshed ${name} from ${plainText([source])}: ${counts}.${problems}`, blocks };
    }
    case 'unavailable':
      return notRefreshed(entity, `Could not refresh ${name}`, outcome.reason, [about]);
    case 'unsupported':
      return notRefreshed(entity, `Wayfinder cannot refresh ${name}`, outcome.reason, [about]);
  }
}

/** The answer when nothing was read: the reason, and that the catalog still holds what it read last. */
function notRefreshed(entity: EntityRecord, title: string, reason: string, buttons: Button[]): Message {
  const source = sourceSpan(entity);
  const kept: Span[] = [plain('Nothing was changed: '), strong(shortName(entity))];
  kept.push(...(source ? [plain(' stays as last read from '), source, plain('.')] : [plain(' stays as last read.')]));
  return {
    summary: `${title}: ${reason} Nothing was changed.`,
    blocks: [
      { type: 'header', text: title },
      { type: 'text', text: [plain(reason)] },
      { type: 'context', text: kept },
      { type: 'actions', buttons },
    ],
  };
}

/** `2 created, 1 updated, 5 unchanged`, then orphaned and failed when there are any. */
function countsText(counts: ImportCounts): string {
  const parts = [`${counts.created} created`, `${counts.updated} updated`, `${counts.unchanged} unchanged`];
  if (counts.orphaned > 0) parts.push(`${counts.orphaned} orphaned`);
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  return parts.join(', ');
}

/**
 * The source a refresh read: a file (relative to `root`, the directory it was imported from: never a server path),
 * a location, a URL, or a repository (`acme/payments-api`).
 */
function sourceOf(source: string, root?: string): Span {
  if (/^(?:url:|file:|https?:\/\/)/.test(source) || source.startsWith('/'))
    return locationSpan(source, undefined, root);
  return strong(source);
}
