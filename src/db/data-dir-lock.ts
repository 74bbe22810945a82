/**
 * One process per PGlite data directory.
 *
 * PGlite is Postgres in single-user mode inside one process: two processes on the same directory each believe they
 * own it, so the second one's writes are lost to the first (which never sees them) and the files end up corrupt
 * (the next start fails with `RuntimeError: Aborted()`). A second process therefore refuses at once, before PGlite
 * touches the directory, naming the process that holds it.
 *
 * Why refuse rather than work through the running process (`@electric-sql/pglite-socket`, or an endpoint of the
 * server): PGlite has exactly one Postgres session, and a socket server hands that same session to every client. A
 * second process's transactions, session settings, named prepared statements (the store prepares
 * `wayfinder_get_entity` and others, which would collide) and advisory locks would interleave with the server's, so
 * an import through it could not be isolated, nor serialised with the server's own imports by an advisory lock. Work
 * that needs several processes runs on Postgres (`DATABASE_URL`), which is what it is for.
 *
 * The lock is the file `wayfinder.lock` in the data directory, holding who took it (pid, host, command, when). It is
 * created atomically (a complete file hard-linked into place, which fails if one is there), and a lock whose process
 * is gone (a crash, `kill -9`) is taken over: the pid no longer runs on this host, or it is this process's own pid
 * but not held by this process (a restarted container, whose server is pid 1 again). Two processes taking over the
 * same stale lock are kept apart by a second, short-lived file. A lock written on another host cannot be checked and
 * counts as held; the message says which file to delete if that process is gone.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { ConflictError } from '../core/errors.ts';

const LOCK_FILE = 'wayfinder.lock';
/** A takeover guard older than this was left by a process that died while taking over; it is removed. */
const TAKEOVER_GUARD_STALE_MS = 10_000;
/** How often acquiring goes round (a lock released or taken over meanwhile) before it gives up. */
const ATTEMPTS = 20;

/** Who holds a data directory, as written in its lock file. */
export interface DataDirLockHolder {
  pid: number;
  hostname: string;
  /** The command line, e.g. `wayfinder start`. */
  command: string;
  /** ISO 8601: when the lock was taken. */
  since: string;
}

export interface DataDirLock {
  /** The lock file. */
  file: string;
  /** Deletes the lock file if it is still this process's; call it after PGlite is closed. */
  release(): Promise<void>;
}

/**
 * Another process holds the data directory. The message is one line: who holds it and what to do.
 * A `ConflictError`: the request conflicts with what is running.
 */
export class DatabaseInUseError extends ConflictError {
  readonly holder: DataDirLockHolder;
  constructor(opts: { dataDir: string; file: string; holder: DataDirLockHolder }) {
    const { holder } = opts;
    const where = holder.hostname === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.hostname}`;
    super(
      `The database in ${opts.dataDir} is in use by another Wayfinder process (${where}, "${holder.command}", since ${holder.since}); PGlite serves one process at a time: stop that process and try again, or run both against a Postgres server with DATABASE_URL. If that process no longer runs, delete ${opts.file}.`,
    );
    this.holder = holder;
  }
}

/** Lock files this process holds: its own pid in a lock file it does not hold means a previous life's lock. */
const held = new Set<string>();

/**
 * Takes the lock of `dataDir` (which must exist) for this process, or throws `DatabaseInUseError` naming the
 * process that holds it. Taking it again in the same process is refused too: PGlite may be opened once per directory.
 */
export async function acquireDataDirLock(opts: { dataDir: string }): Promise<DataDirLock> {
  const file = path.join(path.resolve(opts.dataDir), LOCK_FILE);
  const mine: DataDirLockHolder = {
    pid: process.pid,
    hostname: hostname(),
    command: describeCommand(process.argv),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    if (await createExclusively(file, `${JSON.stringify(mine)}\n`)) {
      held.add(file);
      return { file, release: () => release(file, mine) };
    }
    const holder = await readHolder(file);
    if (holder === 'gone') continue;
    if (holder !== 'unreadable' && isAlive(file, holder)) {
      throw new DatabaseInUseError({ dataDir: opts.dataDir, file, holder });
    }
    await removeStale(file, holder);
  }
  const holder = await readHolder(file);
  throw new DatabaseInUseError({
    dataDir: opts.dataDir,
    file,
    holder:
      typeof holder === 'object'
        ? holder
        : { pid: 0, hostname: hostname(), command: 'unknown (the lock file keeps changing)', since: 'just now' },
  });
}

async function release(file: string, mine: DataDirLockHolder): Promise<void> {
  held.delete(file);
  const holder = await readHolder(file);
  if (typeof holder === 'object' && sameHolder(holder, mine)) await unlink(file).catch(ignoreMissing);
}

/**
 * Writes `text` to `file` only if no file is there, all at once: the content is written to a file of its own first
 * and then hard-linked into place, so no reader ever sees a half-written lock.
 */
async function createExclusively(file: string, text: string): Promise<boolean> {
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.draft`;
  await writeFile(draft, text, { flag: 'wx' });
  try {
    await link(draft, file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(draft).catch(ignoreMissing);
  }
}

async function readHolder(file: string): Promise<DataDirLockHolder | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<DataDirLockHolder>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string') {
      return {
        pid: value.pid,
        hostname: value.hostname,
        command: typeof value.command === 'string' ? value.command : 'unknown',
        since: typeof value.since === 'string' ? value.since : 'unknown',
      };
    }
  } catch {
    // Not JSON: not a lock Wayfinder wrote completely (they are linked into place whole), so nobody holds it.
  }
  return 'unreadable';
}

/** Whether the process that wrote the lock may still run. Another host's process cannot be checked: it may. */
function isAlive(file: string, holder: DataDirLockHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  if (holder.pid === process.pid) return held.has(file);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) !== 'ESRCH';
  }
}

/**
 * Deletes a stale lock, unless it changed meanwhile. A guard file created exclusively makes sure only one process
 * does this at a time: without it, a second process that also found the stale lock could delete the lock the first
 * one has just taken.
 */
async function removeStale(file: string, stale: DataDirLockHolder | 'unreadable'): Promise<void> {
  const guard = `${file}.takeover`;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(guard, 'wx');
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    const age = await stat(guard).then(
      (stats) => Date.now() - stats.mtimeMs,
      () => 0,
    );
    if (age > TAKEOVER_GUARD_STALE_MS) await unlink(guard).catch(ignoreMissing);
    else await new Promise((resolve) => setTimeout(resolve, 20));
    return;
  }
  try {
    const current = await readHolder(file);
    const unchanged =
      current === stale || (typeof current === 'object' && typeof stale === 'object' && sameHolder(current, stale));
    if (unchanged) await unlink(file).catch(ignoreMissing);
  } finally {
    await handle.close();
    await unlink(guard).catch(ignoreMissing);
  }
}

function sameHolder(a: DataDirLockHolder, b: DataDirLockHolder): boolean {
  return a.pid === b.pid && a.hostname === b.hostname && a.since === b.since && a.command === b.command;
}

/** `wayfinder catalog import ./catalog` from `node …/bin/wayfinder.js catalog import ./catalog`, at most 200 characters. */
function describeCommand(argv: readonly string[]): string {
  const [, script = 'node', ...args] = argv;
  const command = [path.basename(script).replace(/\.[cm]?[jt]s$/, ''), ...args].join(' ');
  return command.length > 200 ? `${command.slice(0, 199)}…` : command;
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== 'ENOENT') throw error;
}
