/**
 * Failures at start-up that the person starting Wayfinder can fix: said in one line, with what to do, instead of an
 * error object and a stack trace. The CLI prints the message and exits 1; the cause stays attached for debugging.
 */

export class StartupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/**
 * One line for a database that could not be opened or migrated, naming the database without its password.
 * Reads the `code` of the error or of any error in its `cause` chain (drizzle wraps the driver's error).
 */
export function describeDatabaseFailure(error: unknown, opts: { url?: string; dataDir?: string }): StartupError {
  const where = opts.url
    ? `the Postgres database at ${withoutPassword(opts.url)}`
    : `the embedded database in ${opts.dataDir}`;
  const code = findCode(error);
  const message = innermostMessage(error);
  const line = (() => {
    switch (code) {
      case 'ECONNREFUSED':
        return `Cannot reach ${where}: nothing accepts connections there. Is Postgres running, and is DATABASE_URL right?`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `Cannot reach ${where}: its host name does not resolve. Check DATABASE_URL.`;
      case 'ETIMEDOUT':
        return `Cannot reach ${where}: the connection timed out. Check DATABASE_URL and the network between them.`;
      case '3D000':
        return `Cannot open ${where}: the database does not exist. Create it (createdb), or fix DATABASE_URL.`;
      case '28P01':
      case '28000':
        return `Cannot open ${where}: Postgres refused the user name or password in DATABASE_URL.`;
      case '57P03':
        return `Cannot open ${where}: Postgres is still starting up. Try again in a moment.`;
      case 'EACCES':
      case 'EPERM':
        return `Cannot open ${where}: permission denied. Let this user write there, or set WAYFINDER_DATA_DIR.`;
      default:
        return /timeout/i.test(message)
          ? `Cannot reach ${where}: the connection timed out. Check DATABASE_URL and the network between them.`
          : `Cannot open ${where}: ${message}`;
    }
  })();
  return new StartupError(line, { cause: error });
}

/** `postgres://user:secret@host/db` → `postgres://user@host/db`. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

function findCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (current as { errors?: unknown }).errors; // AggregateError: IPv4 and IPv6 both refused
    if (Array.isArray(errors) && errors[0] instanceof Error) {
      const inner = (errors[0] as { code?: unknown }).code;
      if (typeof inner === 'string') return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function innermostMessage(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 5; depth += 1) {
    const cause = current instanceof Error ? (current as { cause?: unknown }).cause : undefined;
    if (!(cause instanceof Error)) break;
    current = cause;
  }
  const text = current instanceof Error ? current.message : String(current);
  return text.split('\n')[0]?.trim() || 'unknown error';
}
