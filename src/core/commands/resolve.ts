import { displayNameOf, emailOf, kindLabel, shortName } from '../catalog/facts.ts';
import type { EntityRecord, NameResolution } from '../catalog/records.ts';
import { splitEntityRef } from '../catalog/refs.ts';
import type { EntityRef } from '../catalog/types.ts';
import { countOf, formatNumber, wordList } from '../text.ts';
import type { Block, Button, Message } from '../view-model.ts';
import { code, text as plain, strong } from '../view-model.ts';
import type { GivenFlag } from './args.ts';
import type { CommandContext } from './types.ts';

export const SUGGESTIONS = 5;

export type Resolved =
  | {
      entity: EntityRecord;
      /**
       * What to type to name this entity again, in a button or a hint: its short name, or its full ref when another
       * entity shares the name (an API and a Component called `payments`).
       */
      nameToType: string;
      message?: never;
    }
  | { entity?: never; nameToType?: never; message: Message };

/**
 * The flags a person gave after a name, which a button that runs the command again on another entity keeps (a
 * candidate for an ambiguous name, a suggestion for an unknown one, an entity sharing the name).
 */
export interface KeptFlags {
  /**
   * The flags as `givenFlags` writes them back, without `--offset` (a new entity starts at its first page). Absent:
   * none.
   */
  flags?: readonly GivenFlag[];
  /**
   * Flags that apply only to entities of some kinds (lowercase), by name, with what to call those kinds:
   * `{ members: { kinds: ['group'], noun: 'a team' } }`. A button for an entity of another kind leaves such a flag out,
   * rather than run a command that would refuse it, and the answer says which buttons do (`leftOutNote`).
   */
  flagsOnlyFor?: Readonly<Record<string, { kinds: readonly string[]; noun: string }>>;
}

export interface ResolveOptions extends KeptFlags {
  /** The command, as typed after the slash: `owner`, `wayfinder refresh`. */
  command: string;
  /** The name as the person typed it. */
  name: string;
  /** Only entities of these kinds (lowercase), e.g. `['group', 'user']` for `/find owner:`. */
  kinds?: readonly string[];
  /** What to call what was looked for when nothing matched: `entity` (the default), `team or person`. */
  noun?: string;
  /**
   * The command a button runs for a candidate or a suggestion, given the name it would type, before the kept `flags`;
   * by default `/<command> <name>`. `/find api owner:paymnts` keeps the rest of its query: `/find api owner:payments`.
   */
  commandFor?: (name: string) => string;
}

/**
 * Finds the entity a person named, or explains why not: an unknown name answers with the closest names as
 * buttons that run the same command; an ambiguous one lists the candidates by their full refs.
 */
export async function resolveEntity(context: CommandContext, command: string, name: string): Promise<Resolved> {
  return resolveNamed(context, { command, name });
}

/** `resolveEntity` with the options a command may need: kinds, and buttons that keep the rest of its query. */
export async function resolveNamed(context: CommandContext, opts: ResolveOptions): Promise<Resolved> {
  const resolution = await context.store.resolveName({
    text: opts.name,
    suggestionLimit: SUGGESTIONS,
    ...(opts.kinds ? { kinds: opts.kinds } : {}),
  });
  return explainResolution(opts, resolution);
}

/**
 * The entity a resolution found, or the answer that explains why there is none: the candidates or suggestions as
 * buttons that run the same command on each, keeping the flags in `opts.flags` that apply to it.
 */
export function explainResolution(opts: ResolveOptions, resolution: NameResolution): Resolved {
  switch (resolution.status) {
    case 'found':
      return {
        entity: resolution.entity,
        nameToType: resolution.nameShared ? resolution.entity.ref : shortName(resolution.entity),
      };
    case 'ambiguous':
      return { message: ambiguousAnswer(opts, resolution.candidates) };
    case 'missing':
      return { message: missingAnswer(opts, resolution.suggestions) };
  }
}

/**
 * The command for `name` with the kept flags: those that apply to `entity`, or, without one (the name as typed),
 * every one.
 */
function commandFor(opts: ResolveOptions, name: string, entity?: EntityRecord): string {
  return `${opts.commandFor ? opts.commandFor(name) : `/${opts.command} ${name}`}${keptFlagsText(opts, entity)}`;
}

/**
 * The kept flags that apply to `entity` (every one without an entity), as text to append to a command:
 * ` --reverse --depth 3`, or '' when none.
 */
export function keptFlagsText(kept: KeptFlags, entity?: EntityRecord): string {
  return (kept.flags ?? [])
    .filter((flag) => !entity || appliesTo(kept, flag.name, entity))
    .map((flag) => ` ${flag.text}`)
    .join('');
}

function appliesTo(kept: KeptFlags, flag: string, entity: EntityRecord): boolean {
  return onlyFor(kept, flag)?.kinds.includes(entity.kind) ?? true;
}

/** The kinds `flag` applies only to, or undefined when it applies to every entity. */
function onlyFor(kept: KeptFlags, flag: string): { kinds: readonly string[]; noun: string } | undefined {
  return kept.flagsOnlyFor && Object.hasOwn(kept.flagsOnlyFor, flag) ? kept.flagsOnlyFor[flag] : undefined;
}

/** How many buttons the note about a flag left out names; past that it names those that keep it, or counts. */
const NAMED_BUTTONS = 3;

/**
 * Says which buttons leave out a kept flag that does not apply to their entity: `--members applies only to a team, so
 * the button for system:default/payments leaves it out.` (or `so only the button for group:default/payments keeps it.`
 * when that is shorter). Nothing when every button keeps every flag. `buttons` are the label each button shows and the
 * entity it runs the command on.
 */
export function leftOutNote(kept: KeptFlags, buttons: readonly { label: string; entity: EntityRecord }[]): Block[] {
  const sentences = (kept.flags ?? []).flatMap((flag) => {
    const only = onlyFor(kept, flag.name);
    const labels = (keeps: boolean) =>
      buttons.filter((button) => appliesTo(kept, flag.name, button.entity) === keeps).map((button) => button.label);
    const [keeping, leaving] = [labels(true), labels(false)];
    if (!only || leaving.length === 0) return [];
    const theButtons = (named: readonly string[]) =>
      `the ${named.length === 1 ? 'button' : 'buttons'} for ${wordList(named)}`;
    let which: string;
    if (keeping.length === 0)
      which = leaving.length === 1 ? `${theButtons(leaving)} leaves it out` : 'the buttons leave it out';
    else if (leaving.length <= NAMED_BUTTONS)
      which = `${theButtons(leaving)} ${leaving.length === 1 ? 'leaves' : 'leave'} it out`;
    else if (keeping.length <= NAMED_BUTTONS)
      which = `only ${theButtons(keeping)} ${keeping.length === 1 ? 'keeps' : 'keep'} it`;
    else which = `${countOf(leaving.length, 'button')} leave it out`;
    return [`--${flag.name} applies only to ${only.noun}, so ${which}.`];
  });
  return sentences.length === 0 ? [] : [{ type: 'context', text: [plain(sentences.join(' '))] }];
}

/** Buttons one answer offers, at most: Slack's limit for one actions block. */
const CANDIDATE_BUTTONS = 25;

function ambiguousAnswer(opts: ResolveOptions, candidates: readonly EntityRecord[]): Message {
  const { name } = opts;
  const buttoned = candidates.slice(0, CANDIDATE_BUTTONS);
  return {
    summary: `"${name}" names ${formatNumber(candidates.length)} entities; pick one.`,
    command: commandFor(opts, name),
    outcome: 'ambiguous',
    blocks: [
      {
        type: 'text',
        text: [strong(name), plain(` names ${formatNumber(candidates.length)} entities. Which one did you mean?`)],
      },
      {
        type: 'list',
        items: candidates.map((candidate) => ({
          text: [code(candidate.ref)],
          detail: [plain(candidateDetail(candidate))],
        })),
      },
      {
        type: 'actions',
        buttons: buttoned.map((candidate) => runButton(candidate.ref, commandFor(opts, candidate.ref, candidate))),
      },
      ...leftOutNote(
        opts,
        buttoned.map((candidate) => ({ label: candidate.ref, entity: candidate })),
      ),
    ],
  };
}

/** `User · Sam Smith · sam.smith@acme.example`: enough to tell apart two people with the same display name. */
function candidateDetail(candidate: EntityRecord): string {
  const email = emailOf(candidate);
  return [kindLabel(candidate), displayNameOf(candidate), ...(email ? [email] : [])].join(' · ');
}

function missingAnswer(opts: ResolveOptions, suggestions: readonly EntityRecord[]): Message {
  const { name } = opts;
  const noun = opts.noun ?? 'entity';
  const blocks: Block[] = [{ type: 'text', text: [plain(`No ${noun} named `), strong(name), plain('.')] }];
  if (suggestions.length > 0) {
    blocks.push({ type: 'context', text: [plain('Did you mean one of these?')] });
    const named = suggestions.map((entity) => ({ label: suggestionName(entity, suggestions), entity }));
    blocks.push({
      type: 'actions',
      buttons: named.map(({ label, entity }) => runButton(label, commandFor(opts, label, entity))),
    });
    blocks.push(...leftOutNote(opts, named));
  } else {
    blocks.push({
      type: 'context',
      text: [plain('Nothing is close. Search descriptions and tags with '), code(`/find ${name}`)],
    });
  }
  return {
    summary: `No ${noun} named ${name}.${suggestions.length > 0 ? ` Closest: ${suggestions.map((s) => s.name).join(', ')}.` : ''}`,
    command: commandFor(opts, name),
    outcome: 'not-found',
    blocks,
  };
}

/** The shortest text that names `entity` unambiguously among the suggestions. */
function suggestionName(entity: EntityRecord, all: readonly EntityRecord[]): string {
  const short = shortName(entity);
  return all.some((other) => other !== entity && shortName(other) === short) ? entity.ref : short;
}

function runButton(label: string, command: string): Button {
  return { label, action: 'run', command };
}

/** The answer to a command typed without its argument. */
export function usageAnswer(command: string, usage: string, example: string): Message {
  return {
    summary: `Usage: /${command} ${usage}`,
    outcome: 'invalid',
    blocks: [
      { type: 'text', text: [plain('Usage: '), code(`/${command} ${usage}`)] },
      { type: 'context', text: [plain('For example '), code(example)] },
    ],
  };
}

/** The answer to command text the flag parser refused: the problem, then the command's usage and example. */
export function inputProblemAnswer(
  command: { name: string; usage: string; example: string },
  problem: string,
): Message {
  return {
    summary: problem,
    outcome: 'invalid',
    blocks: [
      { type: 'text', text: [plain(problem)] },
      {
        type: 'context',
        text: [
          plain('Usage: '),
          code(`/${command.name} ${command.usage}`),
          plain(', for example '),
          code(command.example),
        ],
      },
    ],
  };
}

/**
 * The Group or User with the name and namespace of a missing owner ref, under the other kind: `owner: guest` reads
 * as `group:default/guest` (Backstage's default kind for an owner), and a `user:default/guest` may be who was meant.
 */
export async function otherKindNamed(context: CommandContext, ref: EntityRef): Promise<EntityRecord | undefined> {
  const parts = splitEntityRef(ref);
  if (!parts?.kind) return undefined;
  const others = ['group', 'user'].filter((kind) => kind !== parts.kind?.toLowerCase());
  for (const kind of others) {
    const found = await context.store.getEntity({ ref: `${kind}:${parts.namespace ?? 'default'}/${parts.name}` });
    if (found) return found;
  }
  return undefined;
}

/** `spec.owner` as it would have to be written to name `other`: `user:guest`, or `user:billing/guest`. */
function ownerRefToWrite(other: EntityRecord): string {
  return `${other.kind}:${other.namespace === 'default' ? '' : `${other.namespace}/`}${other.name}`;
}

/** "The catalog has user:default/guest, a person of that name: write owner: user:guest to name them." */
export function misnamedOwnerHint(declared: EntityRef, other: EntityRecord): Block {
  const what = other.kind === 'user' ? 'a person' : 'a team';
  return {
    type: 'context',
    text: [
      plain('The catalog has no '),
      code(declared),
      plain(' but has '),
      code(other.ref),
      plain(`, ${what} of that name${other.kind === 'user' ? ' (a bare owner is read as a Group)' : ''}: write `),
      code(`owner: ${ownerRefToWrite(other)}`),
      plain(' to name it.'),
    ],
  };
}
