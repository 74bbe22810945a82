import type { App } from '@slack/bolt';
import { COMMANDS } from '../../../core/commands/index.ts';
import type { ListenerContext } from '../../listener-context.ts';
import { answerSlashCommand } from './slash-command.ts';

/**
 * Every core command is a slash command of the same name; the Slack manifest lists the same set
 * (test/slack/manifest.test.ts). One listener matches them all: Bolt runs every listener's middleware for every
 * request, so one listener instead of one per command is work the `/owner` path does not pay for.
 */
export const SLASH_COMMAND_PATTERN = new RegExp(`^/(?:${COMMANDS.map((command) => command.name).join('|')})$`);

export function registerCommands(app: Pick<App, 'command'>, listener: ListenerContext): void {
  app.command(SLASH_COMMAND_PATTERN, (args) => answerSlashCommand(listener, args));
}
