import type { App, BlockAction } from '@slack/bolt';
import type { ListenerDeps } from '../../deps.ts';
import { RUN_COMMAND_ACTION_PATTERN, SHARE_ACTION_PATTERN } from '../../ids.ts';
import { runCommandButton } from './run-command.ts';
import { shareButton } from './share.ts';

export function registerActions(app: Pick<App, 'action'>, deps: ListenerDeps): void {
  app.action<BlockAction>(RUN_COMMAND_ACTION_PATTERN, (args) => runCommandButton(deps, args));
  app.action<BlockAction>(SHARE_ACTION_PATTERN, (args) => shareButton(deps, args));
}
