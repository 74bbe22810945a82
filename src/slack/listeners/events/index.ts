import type { App } from '@slack/bolt';
import type { ListenerContext } from '../../listener-context.ts';
import { publishHome } from './app-home-opened.ts';
import { answerMention, answerMessage } from './docs-questions.ts';

export function registerEvents(app: Pick<App, 'event'>, listener: ListenerContext): void {
  app.event('app_home_opened', (args) => publishHome(listener, args));
  app.event('app_mention', (args) => answerMention(listener, args));
  app.event('message', (args) => answerMessage(listener, args));
}
