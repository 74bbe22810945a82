import type { App, BlockAction } from '@slack/bolt';
import { RUN_COMMAND_ACTION_PATTERN, SHARE_ACTION_PATTERN } from '../../ids.ts';
import type { ListenerContext } from '../../listener-context.ts';
import { runCommandButton } from './run-command.ts';
import { shareButton } from './share.ts';

export function registerActions(app: Pick<App, 'action'>, listener: ListenerContext): void {
  app.action<BlockAction>(RUN_COMMAND_ACTION_PATTERN, (args) => runCommandButton(listener, args));
  app.action<BlockAction>(SHARE_ACTION_PATTERN, (args) => shareButton(listener, args));
}
