/**
 * Bolt, the Web API client and the Socket Mode client log through ours. Their debug messages are dropped: they
 * carry request and response bodies (`users.lookupByEmail` sends an email address, Socket Mode prints every
 * envelope), which our logs never hold, whatever `LOG_LEVEL` says.
 *
 * Imported from `@slack/web-api` (the same `@slack/logger` Bolt re-exports), so that a process which needs only a Web
 * API client does not load Bolt for it.
 */
import { LogLevel, type Logger as SlackSdkLogger } from '@slack/web-api';
import type { Logger } from '../logger.ts';

/**
 * The SDKs' logger interface over ours: info, warn and error go to `logger` (JSON lines, with its redaction of tokens
 * and emails), debug nowhere; the SDKs' `setLevel` and `setName` are ignored and `getLevel` is always INFO.
 */
export function toSlackSdkLogger(logger: Logger): SlackSdkLogger {
  const format = (messages: unknown[]): [string, ...unknown[]] => {
    const [first, ...rest] = messages;
    // The Web API client logs Slack's `response_metadata.warnings` with `forEach(logger.warn)`, which passes each
    // warning's index and the whole list too: the warning alone is the line.
    if (messages.length === 3 && Array.isArray(messages[2]) && messages[2][messages[1] as number] === first) {
      return [String(first)];
    }
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
