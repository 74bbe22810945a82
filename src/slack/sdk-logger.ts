/**
 * Bolt, the Web API client and the Socket Mode client log through ours. Their debug messages are dropped: they
 * carry request and response bodies (`users.lookupByEmail` sends an email address, Socket Mode prints every
 * envelope), which our logs never hold, whatever `LOG_LEVEL` says.
 */
// The Web API's re-export of @slack/logger (Bolt's too), so that a Web API client alone does not load Bolt.
import { LogLevel, type Logger as SlackSdkLogger } from '@slack/web-api';
import type { Logger } from '../logger.ts';

export function toSlackSdkLogger(logger: Logger): SlackSdkLogger {
  const format = (messages: unknown[]): [string, ...unknown[]] => {
    const [first, ...rest] = messages;
    return [typeof first === 'string' ? first : String(first), ...rest];
  };
  return {
    debug: () => {},
    info: (...messages) => logger.info(...format(messages)),
    warn: (...messages) => logger.warn(...format(messages)),
    error: (...messages) => logger.error(...format(messages)),
    setLevel: () => {},
    // Never DEBUG, so that the SDKs skip building the bodies they would print at that level.
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
