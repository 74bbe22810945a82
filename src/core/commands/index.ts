import type { Message } from '../view-model.ts';
import { text as plain, strong } from '../view-model.ts';
import { depsCommand } from './deps.ts';
import { findCommand } from './find.ts';
import { ownerCommand } from './owner.ts';
import { serviceCommand } from './service.ts';
import type { CommandContext, CommandDefinition } from './types.ts';
import { createWayfinderCommand } from './wayfinder.ts';

export type { CommandContext, CommandDefinition, Viewer } from './types.ts';

/** Every command Wayfinder answers, in the order help lists them. Slack registers one slash command each. */
export const COMMANDS: readonly CommandDefinition[] = [
  ownerCommand,
  serviceCommand,
  depsCommand,
  findCommand,
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

/**
 * Answers one command line. The same grammar serves every surface; an unknown command gets the list of
 * commands rather than an error.
 */
export async function runCommandLine(context: CommandContext, line: string): Promise<Message> {
  const { name, args } = parseCommandLine(line);
  const command = COMMANDS.find((candidate) => candidate.name === name);
  return command ? command.run(context, args) : unknownCommand(name);
}

function unknownCommand(name: string): Message {
  const commands = COMMANDS.map((command) => `/${command.name}`).join(', ');
  return {
    summary: `There is no command /${name}. Try ${commands}.`,
    blocks: [
      {
        type: 'text',
        text: [plain('There is no command '), strong(`/${name}`), plain(`. Wayfinder answers ${commands}.`)],
      },
      { type: 'actions', buttons: [{ label: 'Show help', action: 'run', command: '/wayfinder help' }] },
    ],
  };
}
