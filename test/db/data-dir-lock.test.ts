import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.ts';
import { acquireDataDirLock, DatabaseInUseError } from '../../src/db/data-dir-lock.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'wayfinder-lock-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const lockFile = () => path.join(dataDir, 'wayfinder.lock');

/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid;
}

describe('the data directory lock', () => {
  it('is held by one taker at a time, naming the holder, and can be taken again once released', async () => {
    const lock = await acquireDataDirLock({ dataDir });
    const holder = JSON.parse(await readFile(lockFile(), 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, hostname: hostname() });

    const second = await acquireDataDirLock({ dataDir }).catch((error: unknown) => error);
    expect(second).toBeInstanceOf(DatabaseInUseError);
    expect((second as DatabaseInUseError).holder.pid).toBe(process.pid);

    await lock.release();
    const again = await acquireDataDirLock({ dataDir });
    await again.release();
  });

  it('takes over a lock whose process is gone, once, when several take it at the same moment', async () => {
    const stale = { pid: deadPid(), hostname: hostname(), command: 'wayfinder start', since: '2024-01-01T00:00:00Z' };
    await writeFile(lockFile(), JSON.stringify(stale));

    const attempts = await Promise.allSettled([1, 2, 3, 4].map(() => acquireDataDirLock({ dataDir })));
    const taken = attempts.filter((attempt) => attempt.status === 'fulfilled');
    expect(taken).toHaveLength(1);
    expect(attempts.filter((attempt) => attempt.status === 'rejected').map((attempt) => attempt.reason)).toEqual([
      expect.any(DatabaseInUseError),
      expect.any(DatabaseInUseError),
      expect.any(DatabaseInUseError),
    ]);
    await (taken[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });

  it("counts another host's lock as held, saying which host and which file to delete if it is gone", async () => {
    const other = { pid: deadPid(), hostname: 'build-7', command: 'wayfinder start', since: '2024-01-01T00:00:00Z' };
    await writeFile(lockFile(), JSON.stringify(other));

    const refused = await acquireDataDirLock({ dataDir }).catch((error: unknown) => error);
    expect((refused as Error).message).toBe(
      `The database in ${dataDir} is in use by another Wayfinder process (pid ${other.pid} on build-7, "wayfinder start", since 2024-01-01T00:00:00Z); PGlite serves one process at a time: stop that process and try again, or run both against a Postgres server with DATABASE_URL. If that process no longer runs, delete ${lockFile()}.`,
    );
  });

  it("does not delete another process's lock on release", async () => {
    const lock = await acquireDataDirLock({ dataDir });
    const other = { pid: 1, hostname: 'build-7', command: 'wayfinder start', since: '2024-01-01T00:00:00Z' };
    await writeFile(lockFile(), JSON.stringify(other));
    await lock.release();
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toEqual(other);
  });
});

describe('a data directory that cannot be created', () => {
  it.runIf(existsSync('/proc/self'))(
    'fails at once, naming the directory, instead of spinning (a directory under /proc)',
    { timeout: 10_000 },
    async () => {
      const started = Date.now();
      await expect(createDatabase({ dataDir: '/proc/wayfinder-data/db' })).rejects.toThrow(
        "ENOENT: no such file or directory, mkdir '/proc/wayfinder-data'",
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    },
  );
});
