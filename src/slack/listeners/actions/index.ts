/**
 * Every Wayfinder button, in one Bolt listener routed by `action_id`. Bolt runs every registered listener's matchers
 * for every incoming request (`App.processEvent` maps over all listeners), so each listener costs every slash command
 * too: ten listeners made `processEvent` about 2.5× as costly as one. One listener per payload type keeps it flat.
 */
import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
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

/** Any of the `action_id`s the renderers write (see `../../ids.ts`). */
const WAYFINDER_ACTION_PATTERN = new RegExp(
  [
    RUN_COMMAND_ACTION_PATTERN,
    SHARE_ACTION_PATTERN,
    new RegExp(`^(?:${DOCS_HELPFUL_ACTION}|${DOCS_NOT_HELPFUL_ACTION})$`),
  ]
    .map((pattern) => `(?:${pattern.source})`)
    .join('|'),
);

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

export function registerActions(app: Pick<App, 'action'>, listener: ListenerContext): void {
  app.action<BlockAction>(WAYFINDER_ACTION_PATTERN, (args) => routeAction(listener, args));
}

async function routeAction(listener: ListenerContext, args: ActionArgs): Promise<void> {
  const { action } = args;
  if (RUN_COMMAND_ACTION_PATTERN.test(action.action_id)) return runCommandButton(listener, args);
  if (SHARE_ACTION_PATTERN.test(action.action_id)) return shareButton(listener, args);
  if (action.type === 'button') return voteOnDocsAnswer(listener, { ...args, action });
  await args.ack();
}
