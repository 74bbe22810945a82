import type { App } from '@slack/bolt';
import { COMMANDS } from '../../../core/commands/index.ts';
import type { ListenerDeps } from '../../deps.ts';
import { answerSlashCommand } from './slash-command.ts';

/** One slash command per core command; the Slack manifest lists the same set (test/slack/manifest.test.ts). */
export function registerCommands(app: Pick<App, 'command'>, deps: ListenerDeps): void {
  for (const command of COMMANDS) {
    app.command(`/${command.name}`, (args) => answerSlashCommand(deps, args));
  }
}
