import type { Block, ChatPlatform, Message } from '../view-model.ts';
import { code, text as plain, strong } from '../view-model.ts';
import type { CommandDefinition } from './types.ts';
import { errorsSubcommand } from './wayfinder-errors.ts';
import { refreshSubcommand } from './wayfinder-refresh.ts';

/**
 * What only `/wayfinder` answers, named `wayfinder <word>` so that help, usage and suggestion buttons read as typed.
 * They are matched before the other commands, so a command of the same name cannot shadow them.
 */
const SUBCOMMANDS: readonly CommandDefinition[] = [refreshSubcommand, errorsSubcommand];

/**
 * `/wayfinder help` lists every command with an example; `/wayfinder refresh` and `/wayfinder errors` look after the
 * catalog; `/wayfinder <command> …` runs another command, so a workspace that installs only `/wayfinder` still has
 * them all.
 */
export function createWayfinderCommand(commands: () => readonly CommandDefinition[]): CommandDefinition {
  return {
    name: 'wayfinder',
    // The Slack manifest repeats this description and usage; `/wayfinder help` lists refresh and errors itself.
    description: 'Help, and every other command as a subcommand (/wayfinder owner payments-api).',
    usage: 'help | <command> <args>',
    example: '/wayfinder help',
    async run(context, args) {
      const [sub = 'help', ...rest] = args.trim().split(/\s+/).filter(Boolean);
      const subcommand = sub.toLowerCase();
      const others = commands().filter((command) => command.name !== this.name);
      if (subcommand === 'help') return helpAnswer([...others, ...SUBCOMMANDS], undefined, context.platform);
      const target =
        SUBCOMMANDS.find((command) => command.name === `${this.name} ${subcommand}`) ??
        others.find((command) => command.name === subcommand);
      if (target) return target.run(context, rest.join(' '));
      return helpAnswer([...others, ...SUBCOMMANDS], sub, context.platform);
    },
  };
}

/** `platform` absent: the console or `wayfinder run`, where answers are not shared, so the help says nothing of it. */
function helpAnswer(commands: readonly CommandDefinition[], unknown?: string, platform?: ChatPlatform): Message {
  const blocks: Block[] = [{ type: 'header', text: 'Wayfinder commands' }];
  if (unknown)
    blocks.push({
      type: 'text',
      text: [plain('There is no subcommand '), strong(unknown), plain('. Here is what Wayfinder answers:')],
    });
  blocks.push({
    type: 'list',
    items: commands.map((command) => ({
      text: [code(`/${[command.name, command.usage].filter(Boolean).join(' ')}`)],
      detail: [plain(`${command.description} Example: `), code(command.example)],
    })),
  });
  blocks.push({
    type: 'actions',
    // A help button that re-read a source would do more than show an answer, so refresh has no button here.
    buttons: commands
      .filter((command) => command !== refreshSubcommand)
      .map((command) => ({ label: command.example, action: 'run' as const, command: command.example })),
  });
  if (platform) {
    blocks.push({
      type: 'context',
      // How an answer is shared (Slack's "Share in channel" button) is the renderer's to show.
      text: [plain('Answers are only visible to you until you share them.')],
    });
  }
  return {
    summary: `Wayfinder commands: ${commands.map((command) => `/${command.name}`).join(', ')}.${unknown ? ` There is no subcommand ${unknown}.` : ''}`,
    command: '/wayfinder help',
    blocks,
  };
}
