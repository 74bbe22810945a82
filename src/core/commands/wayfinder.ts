import type { Block, Message } from '../view-model.ts';
import { code, text as plain, strong } from '../view-model.ts';
import type { CommandDefinition } from './types.ts';

/**
 * `/wayfinder help` lists every command with an example; `/wayfinder <command> …` runs another command,
 * so a workspace that installs only `/wayfinder` still has them all.
 */
export function createWayfinderCommand(commands: () => readonly CommandDefinition[]): CommandDefinition {
  return {
    name: 'wayfinder',
    description: 'Help, and every other command as a subcommand (/wayfinder owner payments-api).',
    usage: 'help | <command> <args>',
    example: '/wayfinder help',
    async run(context, args) {
      const [sub = 'help', ...rest] = args.trim().split(/\s+/).filter(Boolean);
      const subcommand = sub.toLowerCase();
      const others = commands().filter((command) => command.name !== this.name);
      const target = others.find((command) => command.name === subcommand);
      if (target) return target.run(context, rest.join(' '));
      return helpAnswer(others, subcommand === 'help' ? undefined : sub);
    },
  };
}

function helpAnswer(commands: readonly CommandDefinition[], unknown?: string): Message {
  const blocks: Block[] = [{ type: 'header', text: 'Wayfinder commands' }];
  if (unknown)
    blocks.push({
      type: 'text',
      text: [plain('There is no subcommand '), strong(unknown), plain('. Here is what Wayfinder answers:')],
    });
  blocks.push({
    type: 'list',
    items: commands.map((command) => ({
      text: [code(`/${command.name} ${command.usage}`)],
      detail: [plain(`${command.description} Example: `), code(command.example)],
    })),
  });
  blocks.push({
    type: 'actions',
    buttons: commands.map((command) => ({ label: command.example, action: 'run' as const, command: command.example })),
  });
  blocks.push({
    type: 'context',
    text: [plain('Answers are only visible to you; use "Share in channel" to post one for everyone.')],
  });
  return {
    summary: `Wayfinder commands: ${commands.map((command) => `/${command.name}`).join(', ')}.${unknown ? ` There is no subcommand ${unknown}.` : ''}`,
    command: '/wayfinder help',
    blocks,
  };
}
