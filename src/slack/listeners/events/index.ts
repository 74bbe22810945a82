import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../../deps.ts';
import { publishHome } from './app-home-opened.ts';

export function registerEvents(app: Pick<App, 'event'>, deps: ListenerDeps): void {
  app.event('app_home_opened', (args) => publishHome(deps, args));
}
