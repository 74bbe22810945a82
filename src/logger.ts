/**
 * A small leveled logger. Lines go to stderr so that `wayfinder run --format json` keeps stdout for the answer.
 * Callers pass context, never secrets. Bolt logs through it too (see `src/slack/app.ts`).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What every adapter logs through. Console, pino and Bolt's logger all fit. Never pass secrets or raw bodies. */
export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** `name` prefixes every line, to tell processes apart in one stream (the bench runs two servers). */
export function createLogger(options: { level: LogLevel; name?: string; write?: (line: string) => void }): Logger {
  const prefix = options.name ? `[${options.name}] ` : '';
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const log =
    (at: LogLevel) =>
    (message: string, ...details: unknown[]) => {
      if (ORDER[at] < ORDER[options.level]) return;
      const text = [message, ...details.map(describe)].join(' ');
      write(`${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} ${prefix}${text}`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function describe(detail: unknown): string {
  if (detail instanceof Error) return detail.stack ?? detail.message;
  return typeof detail === 'string' ? detail : JSON.stringify(detail);
}
