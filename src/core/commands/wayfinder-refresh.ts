import { ingestErrorText, locationSpan, shortName, shownPath, sourceSpan } from '../catalog/facts.ts';
import type { EntityRecord, RefreshOutcome } from '../catalog/records.ts';
import type { ImportCounts } from '../catalog/types.ts';
import { countOf, formatNumber } from '../text.ts';
import type { Answer, Block, Button, Message, Span } from '../view-model.ts';
import { text as plain, plainText, strong } from '../view-model.ts';
import { parseArgs } from './args.ts';
import type { Asker } from './asker.ts';
import type { Admission, RunningRefresh } from './refresh-gate.ts';
import { inputProblemAnswer, resolveEntity, usageAnswer } from './resolve.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

/** The person at a terminal, when the surface names nobody. */
const LOCAL_ASKER: Asker = { platform: 'console', id: 'local' };

/**
 * `/wayfinder refresh <name>`: re-reads the source an entity came from and says what was read, what changed and what
 * is wrong in it. The reading is deferred work (a GitHub repository takes seconds): the surface answers at once that
 * the refresh started, and the result follows. Admission goes through `context.refreshes` (one refresh per source and
 * per person at a time, a few per person per window); a refusal names what is running. Its answers carry no
 * `command`: sharing one would refresh again and report a different run.
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
    return startRefresh(context, resolved.entity, resolved.nameToType);
  },
};

/** Admits the refresh (or says why not) and defers the reading itself. */
async function startRefresh(context: CommandContext, entity: EntityRecord, nameToType: string): Promise<Answer> {
  const source = await sourceOfEntity(context, entity);
  const asker = context.asker ?? LOCAL_ASKER;
  const admission: Admission = context.refreshes?.tryStart({ asker, source: source.key, label: source.label }) ?? {
    admitted: true,
    done: () => {},
  };
  if (!admission.admitted) return refusal(entity, admission, asker, nameToType);
  const name = shortName(entity);
  const text = `Refreshing ${name} from ${source.label}… the result follows here.`;
  return {
    kind: 'deferred',
    placeholder: { summary: text, blocks: [{ type: 'context', text: [plain(text)] }] },
    async work() {
      try {
        return refreshAnswer(entity, await context.refresher.refresh({ entity }), nameToType);
      } finally {
        admission.done();
      }
    },
  };
}

/**
 * The source a refresh of `entity` reads, as a key (one refresh per key at a time) and as people name it: a GitHub
 * scope (`github:acme/payments-api` → `acme/payments-api`), else the entity's file, else the entity itself.
 */
async function sourceOfEntity(context: CommandContext, entity: EntityRecord): Promise<{ key: string; label: string }> {
  const scope = (await context.store.listSourceScopes({ refs: [entity.ref] })).get(entity.ref)?.scope;
  if (scope) {
    const [type, target = scope] = scope.split(/:(.*)/s);
    if (type === 'file') return { key: scope, label: shownPath(target, entity.sourceRoot ?? target) };
    return { key: scope, label: type === 'github-teams' ? `the GitHub teams of ${target}` : target };
  }
  if (entity.sourceLocation) return { key: entity.sourceLocation, label: `the file ${shortName(entity)} came from` };
  return { key: entity.ref, label: shortName(entity) };
}

function refusal(
  entity: EntityRecord,
  admission: Exclude<Admission, { admitted: true }>,
  asker: Asker,
  nameToType: string,
): Message {
  const name = shortName(entity);
  let reason: Span[];
  switch (admission.reason) {
    case 'source-busy': {
      const { running } = admission;
      const mine = running.asker.platform === asker.platform && running.asker.id === asker.id;
      reason = [
        plain(`${running.label} is being refreshed already, started ${mine ? 'by you' : 'by '}`),
        ...(mine ? [] : [personOf(running)]),
        plain(` ${ago(running)}. `),
        plain(mine ? 'Its result is on its way; ask again once it has come.' : 'Ask again once it is done.'),
      ];
      break;
    }
    case 'asker-busy':
      reason = [
        plain(`Your refresh of ${admission.running.label} is still running (started ${ago(admission.running)}). `),
        plain('Wait for its result, then ask again.'),
      ];
      break;
    case 'asker-rate':
      reason = [
        plain(
          `You have started ${admission.limit} refreshes in the last ${minutes(admission.windowMs)}, the most Wayfinder allows one person; try again in ${minutes(admission.retryInMs)}.`,
        ),
      ];
      break;
    case 'full':
      reason = [plain(`Wayfinder is running ${admission.limit} refreshes already; try again in a minute.`)];
      break;
  }
  const title = `Not refreshing ${name} yet`;
  return {
    summary: `${title}: ${plainText(reason)}`,
    blocks: [
      { type: 'text', text: [strong(title), plain(': '), ...reason] },
      { type: 'actions', buttons: [{ label: `About ${name}`, action: 'run', command: `/service ${nameToType}` }] },
    ],
  };
}

/** Who started a refresh, as a mention on their platform (the console's person has no platform id). */
function personOf(running: RunningRefresh): Span {
  const { platform, id } = running.asker;
  if (platform === 'console') return plain('someone at the console');
  return { kind: 'user', name: id, ids: { [platform]: id } };
}

function ago(running: RunningRefresh): string {
  const seconds = Math.max(0, Math.round((Date.now() - running.startedAt) / 1000));
  return seconds < 2 ? 'just now' : `${seconds} seconds ago`;
}

function minutes(ms: number): string {
  return countOf(Math.max(1, Math.ceil(ms / 60_000)), 'minute', 'minutes');
}

/** `nameToType` names the entity in buttons: its full ref when another entity shares its name. */
function refreshAnswer(entity: EntityRecord, outcome: RefreshOutcome, nameToType: string): Message {
  const name = shortName(entity);
  const about: Button = { label: `About ${name}`, action: 'run', command: `/service ${nameToType}` };
  switch (outcome.status) {
    case 'refreshed': {
      const counts = countsText({ ...outcome.counts, ...(outcome.purged ? { purged: outcome.purged } : {}) });
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
function countsText(counts: ImportCounts & { purged?: number }): string {
  const n = formatNumber;
  const parts = [`${n(counts.created)} created`, `${n(counts.updated)} updated`, `${n(counts.unchanged)} unchanged`];
  if (counts.orphaned > 0) parts.push(`${n(counts.orphaned)} orphaned`);
  if (counts.purged) parts.push(`${n(counts.purged)} purged (orphaned longer than the grace period)`);
  if (counts.failed > 0) parts.push(`${n(counts.failed)} failed`);
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
