import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import {
  DOCS_HELPFUL_ACTION,
  DOCS_NOT_HELPFUL_ACTION,
  RUN_COMMAND_ACTION_PATTERN,
  SHARE_ACTION_PATTERN,
} from '../../ids.ts';
import type { ListenerContext } from '../../listener-context.ts';
import { voteOnDocsAnswer } from './docs-feedback.ts';
import { runCommandButton } from './run-command.ts';
import { shareButton } from './share.ts';

export function registerActions(app: Pick<App, 'action'>, listener: ListenerContext): void {
  app.action<BlockAction>(RUN_COMMAND_ACTION_PATTERN, (args) => runCommandButton(listener, args));
  app.action<BlockAction>(SHARE_ACTION_PATTERN, (args) => shareButton(listener, args));
  for (const vote of [DOCS_HELPFUL_ACTION, DOCS_NOT_HELPFUL_ACTION]) {
    app.action<BlockAction<ButtonAction>>(vote, (args) => voteOnDocsAnswer(listener, args));
  }
}
