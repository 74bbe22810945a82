import type { App } from '@slack/bolt';
import type { ListenerContext } from '../../listener-context.ts';
import { publishHome } from './app-home-opened.ts';

export function registerEvents(app: Pick<App, 'event'>, listener: ListenerContext): void {
  app.event('app_home_opened', (args) => publishHome(listener, args));
}
