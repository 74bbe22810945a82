/**
 * A small leveled logger that also satisfies Bolt's `Logger` interface. Lines go to stderr so that
 * `wayfinder run --format json` keeps stdout for the answer. Callers pass context objects, never secrets.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(...messages: unknown[]): void;
  info(...messages: unknown[]): void;
  warn(...messages: unknown[]): void;
  error(...messages: unknown[]): void;
  setLevel(level: string): void;
  getLevel(): string;
  setName(name: string): void;
}

export function createLogger(options: { level: LogLevel; name?: string; write?: (line: string) => void }): Logger {
  let level: LogLevel = options.level;
  let name = options.name ?? 'wayfinder';
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const log =
    (at: LogLevel) =>
    (...messages: unknown[]) => {
      if (ORDER[at] < ORDER[level]) return;
      const text = messages
        .map((message) =>
          message instanceof Error
            ? (message.stack ?? message.message)
            : typeof message === 'string'
              ? message
              : JSON.stringify(message),
        )
        .join(' ');
      write(`${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} [${name}] ${text}`);
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    setLevel: (next) => {
      if (next in ORDER) level = next as LogLevel;
    },
    getLevel: () => level,
    setName: (next) => {
      name = next;
    },
  };
}
