/**
 * Logging: the `Logger` port every adapter logs through, implemented by pino. Lines go to stderr (JSON; pretty when
 * stderr is a terminal) so that `wayfinder run --format json` keeps stdout for the answer.
 *
 * Callers pass context, never secrets or personal data. As a second line of defence, known secret and personal
 * keys are redacted in details (pino's `redact`), and strings that look like Slack or GitHub tokens or like email
 * addresses are masked in messages and string details before they are written.
 */
import { createRequire } from 'node:module';
import { pino, stdSerializers } from 'pino';

/** pino-pretty is loaded only for a terminal: servers and scripts never pay for it. */
const requirePretty = () => createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What every adapter logs through. Console, pino and Bolt's logger all fit. Never pass secrets or raw bodies. */
export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Written as `name` on every line, to tell processes apart in one stream (the bench runs two servers). */
  name?: string;
  /** Receives each line (JSON, without the newline) instead of stderr: tests. */
  write?: (line: string) => void;
  /** Human-readable lines instead of JSON. Default: when stderr is a terminal and `write` is not given. */
  pretty?: boolean;
}

/** Keys whose values are never written, wherever they appear in the details (up to three levels deep). */
const SECRET_KEYS = [
  'token',
  'botToken',
  'appToken',
  'accessToken',
  'signingSecret',
  'secret',
  'webhookSecret',
  'password',
  'privateKey',
  'authorization',
  'cookie',
  'email',
  'emails',
];

const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [
  `details.${key}`,
  `details.*.${key}`,
  `details.*.*.${key}`,
  `details.headers.${key}`,
]);

/** Slack tokens (xoxb-, xoxp-, xapp-…), GitHub tokens (ghp_, github_pat_, ghs_…) and email addresses. */
const SENSITIVE_TEXT =
  /\b(?:xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b|[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[A-Za-z]{2,}/g;

/**
 * The parameters drizzle's `DrizzleQueryError` writes into its message and stack after the statement (`Failed query:
 * …\nparams: …`, up to the stack's first frame): what people typed.
 */
const QUERY_PARAMETERS = /(Failed query: [\s\S]*?\nparams: )[\s\S]*?(?=\n {4}at |$)/g;

/**
 * Masks token- and email-shaped parts of a text, and a failed query's parameters; the rest is kept so the line still
 * says what happened.
 */
export function maskSensitiveText(text: string): string {
  return text
    .replace(QUERY_PARAMETERS, '$1[not logged]')
    .replace(SENSITIVE_TEXT, (match) => (match.includes('@') ? '[email]' : '[redacted]'));
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.write
    ? { write: (chunk: string) => options.write?.(chunk.replace(/\n$/, '')) }
    : (options.pretty ?? process.stderr.isTTY)
      ? requirePretty()({
          destination: 2,
          sync: true,
          colorize: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname',
        })
      : pino.destination({ dest: 2, sync: true });
  const base = pino(
    {
      level: options.level,
      ...(options.name ? { name: options.name } : {}),
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: serializeError },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
  const log =
    (level: LogLevel) =>
    (message: string, ...details: unknown[]) => {
      if (!base.isLevelEnabled(level)) return;
      const { text, fields } = splitDetails(details);
      base[level](fields, maskSensitiveText(text ? `${message} ${text}` : message));
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/**
 * Our loggers are called `(message, ...details)`, like console. Strings and numbers continue the message (as the
 * old line logger printed them); an Error becomes pino's `err` (with its `cause` chain); anything else is `details`.
 */
function splitDetails(details: unknown[]): { text: string; fields: Record<string, unknown> } {
  const words: string[] = [];
  const objects: unknown[] = [];
  let err: Error | undefined;
  for (const detail of details) {
    if (typeof detail === 'string' || typeof detail === 'number' || typeof detail === 'boolean')
      words.push(String(detail));
    else if (detail instanceof Error && err === undefined) err = detail;
    else if (detail !== undefined) objects.push(detail);
  }
  const fields: Record<string, unknown> = {};
  if (err) fields.err = err;
  if (objects.length === 1) fields.details = maskStrings(objects[0], 4);
  else if (objects.length > 1) fields.details = maskStrings(objects, 4);
  return { text: words.join(' '), fields };
}

/** A copy of `value` whose strings are masked (see `maskSensitiveText`), `depth` levels deep. */
function maskStrings(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskSensitiveText(value);
  if (depth === 0 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return serializeError(value);
  if (Array.isArray(value)) return value.map((item) => maskStrings(item, depth - 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskStrings(item, depth - 1)]));
}

/**
 * pino's error serializer (with the `cause` chain), masked as `maskSensitiveText` masks a line: a database error
 * repeats the statement's parameters in its message, its stack and a `params` property, and any error may quote what
 * people typed. Stack frames (`    at …`) are kept as they are: their file paths are not personal, and a path such as
 * `node_modules/@slack/bolt/…` is shaped like an email address.
 */
function serializeError(error: Error): SerializedError {
  return masked(stdSerializers.errWithCause(error));
}

/** An error as pino's serializer writes it: `type`, `message`, `stack`, other own properties, a serialized `cause`. */
type SerializedError = { message: string; stack?: string; cause?: unknown; [key: string]: unknown };

function masked(error: SerializedError): SerializedError {
  const { cause, params, ...rest } = error;
  const stack = (text: string) =>
    text
      .replace(QUERY_PARAMETERS, '$1[not logged]')
      .split('\n')
      .map((line) => (line.startsWith('    at ') ? line : maskSensitiveText(line)))
      .join('\n');
  return {
    ...rest,
    ...(params !== undefined && typeof rest.query !== 'string' ? { params } : {}),
    message: maskSensitiveText(error.message),
    ...(typeof error.stack === 'string' ? { stack: stack(error.stack) } : {}),
    ...(cause && typeof cause === 'object' ? { cause: masked(cause as SerializedError) } : {}),
  };
}
