import { formatNumber } from '../text.ts';
import type { Answer, DeferredProgress, Message } from '../view-model.ts';
import { code, isMessage, text as plain, strong } from '../view-model.ts';
import { askCommand } from './ask.ts';
import { depsCommand } from './deps.ts';
import { findCommand } from './find.ts';
import { ownerCommand } from './owner.ts';
import { provisionCommand } from './provision.ts';
import { scorecardCommand } from './scorecard.ts';
import { serviceCommand } from './service.ts';
import type { CommandContext, CommandDefinition } from './types.ts';
import { createWayfinderCommand } from './wayfinder.ts';

export type { Asker, Viewer } from './asker.ts';
export type { CommandContext, CommandDefinition, FormSubmission, SubmitOutcome } from './types.ts';

/**
 * The longest text after a command word, in characters (code points), by command; `DEFAULT_MAX_ARGS_LENGTH` for the
 * rest. Names are at most a few dozen characters (Backstage: 63 for a name, plus kind and namespace) and a search a
 * few words: anything longer is a paste gone wrong, and a 10,000-character `/find` costs seconds of trigram matching
 * that every other user waits behind.
 */
export const MAX_ARGS_LENGTH: Readonly<Record<string, number>> = { find: 300, ask: 1_000 };
export const DEFAULT_MAX_ARGS_LENGTH = 200;

/** Every command Wayfinder answers, in the order help lists them. Slack registers one slash command each. */
export const COMMANDS: readonly CommandDefinition[] = [
  ownerCommand,
  serviceCommand,
  depsCommand,
  findCommand,
  provisionCommand,
  askCommand,
  scorecardCommand,
  // `/wayfinder help` lists the others, and `/wayfinder owner x` runs them for workspaces with one command.
  createWayfinderCommand(() => COMMANDS),
];

/** Splits `/owner payments-api` (or `owner payments-api`, as typed in Teams and the console) into command and args. */
export function parseCommandLine(line: string): { name: string; args: string } {
  const trimmed = line.trim().replace(/^\//, '');
  const space = trimmed.search(/\s/);
  if (space === -1) return { name: trimmed.toLowerCase(), args: '' };
  return { name: trimmed.slice(0, space).toLowerCase(), args: trimmed.slice(space + 1).trim() };
}

/** The command named `name` (`owner`), if Wayfinder has one. */
export function commandNamed(name: string): CommandDefinition | undefined {
  return COMMANDS.find((candidate) => candidate.name === name.toLowerCase());
}

/**
 * Answers one command line: a Message, a Form or deferred work (see `Answer`). The same grammar serves every surface;
 * an unknown command gets the list of commands rather than an error, and text over the command's length limit or
 * holding a NUL character gets a message saying so before anything is queried. Throws what the command throws (the
 * core's domain errors for expected failures).
 */
export async function answerCommandLine(context: CommandContext, line: string): Promise<Answer> {
  const { name, args } = parseCommandLine(line);
  const command = commandNamed(name);
  if (!command) return unknownCommand(name);
  return tooLongAnswer(name, args) ?? nulCharacterAnswer(args) ?? command.run(context, args);
}

/**
 * `answerCommandLine` for surfaces that show one Message and can wait (the console, `wayfinder run`, tests): deferred
 * work is awaited, and a Form, which such a surface cannot show, is answered with a message saying where it opens.
 */
export async function runCommandLine(
  context: CommandContext,
  line: string,
  progress?: DeferredProgress,
): Promise<Message> {
  return answerToMessage(await answerCommandLine(context, line), progress);
}

/**
 * An Answer as one Message, waiting for deferred work (given `progress`, which shows its text as it comes: the
 * Message's `streamed` blocks were shown through it).
 */
export async function answerToMessage(answer: Answer, progress?: DeferredProgress): Promise<Message> {
  if (isMessage(answer)) return answer;
  if (answer.kind === 'deferred') return answer.work(progress);
  const text = `${answer.form.title} is a form: open it in Slack, where Wayfinder can show it.`;
  return { summary: text, blocks: [{ type: 'text', text: [plain(text)] }] };
}

/**
 * The answer to text longer than its command allows, or undefined when it fits. `/wayfinder <command> …` is held to
 * `<command>`'s limit. Counted in code points, so an emoji is one character, as people count.
 */
export function tooLongAnswer(name: string, args: string): Message | undefined {
  let command = name;
  let text = args;
  if (name === 'wayfinder') {
    // The subcommand word is not part of what is measured: `/wayfinder find <text>` is held to /find's limit.
    const [sub = '', rest = ''] = args.split(/\s+(.*)/s);
    if (commandNamed(sub)) command = sub.toLowerCase();
    text = rest;
  }
  const limit = MAX_ARGS_LENGTH[command] ?? DEFAULT_MAX_ARGS_LENGTH;
  const length = [...text].length;
  if (length <= limit) return undefined;
  const what = command === 'find' ? 'search' : command === 'ask' ? 'question' : 'name';
  const summary = `That ${what} is ${formatNumber(length)} characters long; /${command} reads at most ${formatNumber(limit)}. Shorten it and ask again.`;
  return {
    summary,
    outcome: 'invalid',
    blocks: [
      {
        type: 'text',
        text: [
          plain(`That ${what} is ${formatNumber(length)} characters long; `),
          code(`/${command}`),
          plain(` reads at most ${limit}. Shorten it and ask again.`),
        ],
      },
      { type: 'actions', buttons: [{ label: 'Show help', action: 'run', command: '/wayfinder help' }] },
    ],
  };
}

/**
 * The answer to text holding a NUL character (U+0000, which a pasted binary string or a terminal can send), or
 * undefined when it holds none: Postgres text cannot hold one, so nothing could match it, and the database would
 * refuse the query instead of answering.
 */
export function nulCharacterAnswer(args: string): Message | undefined {
  if (!args.includes('\0')) return undefined;
  const text = 'That text holds a NUL character (U+0000), which no name or search can hold. Type it again without it.';
  return { summary: text, outcome: 'invalid', blocks: [{ type: 'text', text: [plain(text)] }] };
}

function unknownCommand(name: string): Message {
  const commands = COMMANDS.map((command) => `/${command.name}`).join(', ');
  return {
    summary: `There is no command /${name}. Try ${commands}.`,
    outcome: 'invalid',
    blocks: [
      {
        type: 'text',
        text: [plain('There is no command '), strong(`/${name}`), plain(`. Wayfinder answers ${commands}.`)],
      },
      { type: 'actions', buttons: [{ label: 'Show help', action: 'run', command: '/wayfinder help' }] },
    ],
  };
}
