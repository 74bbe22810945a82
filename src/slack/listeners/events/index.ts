/**
 * The Events API events Wayfinder answers, in one Bolt listener routed by event type (one listener per payload type:
 * see `../actions/index.ts` for why).
 */
import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerContext } from '../../listener-context.ts';
import { publishHome } from './app-home-opened.ts';
import { answerMention, answerMessage } from './docs-questions.ts';

const WAYFINDER_EVENT_PATTERN = /^(?:app_home_opened|app_mention|message)$/;

type EventArgs = SlackEventMiddlewareArgs<string> & AllMiddlewareArgs;

export function registerEvents(app: Pick<App, 'event'>, listener: ListenerContext): void {
  app.event(WAYFINDER_EVENT_PATTERN, (args) => routeEvent(listener, args));
}

async function routeEvent(listener: ListenerContext, { event, body, client }: EventArgs): Promise<void> {
  switch (event.type) {
    case 'app_home_opened':
      return publishHome(listener, { event, client });
    case 'app_mention':
      return answerMention(listener, { event, body: { ...body, event }, client });
    case 'message':
      return answerMessage(listener, { event, body: { ...body, event }, client });
  }
}
