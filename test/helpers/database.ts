/**
 * A migrated, empty database for one test file. With `DATABASE_URL` set, a fresh database named
 * `wayfinder_test_<random>` on that server (dropped again on close); otherwise an in-memory PGlite.
 * Open it in `beforeAll` and close it in `afterAll`, so migrations run once per file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type Database, migrateDatabase } from '../../src/db/client.ts';

/** The global setup's migrated PGlite snapshot (test/setup/pglite-snapshot.ts), when there is one. */
async function migratedSnapshot(): Promise<Blob | undefined> {
  const snapshot = inject('pgliteSnapshot');
  return snapshot ? new Blob([await readFile(snapshot)]) : undefined;
}

export async function openTestDatabase(opts: { onQuery?: (query: string) => void } = {}): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    // Migrating the snapshot again finds nothing to do.
    const loadDataDir = await migratedSnapshot();
    const database = await createDatabase({
      inMemory: true,
      onQuery: opts.onQuery,
      ...(loadDataDir ? { loadDataDir } : {}),
    });
    await migrateDatabase(database);
    return database;
  }

  const { name, url } = await createServerDatabase(serverUrl);
  const database = await createDatabase({ url, onQuery: opts.onQuery });
  try {
    await migrateDatabase(database);
  } catch (error) {
    await dropDatabase(serverUrl, name, database);
    throw error;
  }
  return { ...database, close: () => dropDatabase(serverUrl, name, database) };
}

/**
 * A test database as `replicas` processes of one deployment see it: on the server, a pool each (so their
 * transactions really run side by side); on PGlite, which serves one process, the same instance for all. Closing the
 * first closes them all.
 */
export async function openTestDatabaseReplicas(replicas: number): Promise<Database[]> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const database = await openTestDatabase();
    return Array.from({ length: replicas }, (_, index) =>
      index === 0 ? database : { ...database, close: async () => undefined },
    );
  }
  const { name, url } = await createServerDatabase(serverUrl);
  const databases = await Promise.all(Array.from({ length: replicas }, () => createDatabase({ url })));
  const [first, ...others] = databases as [Database, ...Database[]];
  const closeAll = async () => {
    for (const other of others) await other.close();
    await dropDatabase(serverUrl, name, first);
  };
  try {
    await migrateDatabase(first);
  } catch (error) {
    await closeAll();
    throw error;
  }
  return [{ ...first, close: closeAll }, ...others.map((other) => ({ ...other, close: async () => undefined }))];
}

/**
 * Settings for a Wayfinder process of its own (the CLI, a server) that must not share a database with other
 * tests: a fresh database on the server when `DATABASE_URL` is set (not migrated: the process does that itself),
 * else a temporary PGlite data directory holding the migrated snapshot, so that the first process does not spend
 * seconds in `initdb` (the migrations still run, and find nothing to do).
 */
export async function createIsolatedDatabaseEnv(): Promise<{ env: Record<string, string>; remove(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const { name, url } = await createServerDatabase(serverUrl);
    return {
      env: { DATABASE_URL: url },
      remove: () =>
        withAdminClient(serverUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`)).then(
          () => undefined,
        ),
    };
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'wayfinder-test-'));
  const loadDataDir = await migratedSnapshot();
  if (loadDataDir) await (await createDatabase({ dataDir, loadDataDir })).close();
  return { env: { WAYFINDER_DATA_DIR: dataDir }, remove: () => rm(dataDir, { recursive: true, force: true }) };
}

/**
 * The database of an isolated env (`createIsolatedDatabaseEnv`), opened and migrated in the test process, to write
 * what a Wayfinder process started on that env will find. Close it before starting one on PGlite, which serves one
 * process at a time.
 */
export async function openIsolatedDatabase(env: Record<string, string>): Promise<Database> {
  const database = await createDatabase(
    env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.WAYFINDER_DATA_DIR as string },
  );
  await migrateDatabase(database);
  return database;
}

async function createServerDatabase(serverUrl: string): Promise<{ name: string; url: string }> {
  const name = `wayfinder_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (admin) => admin.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function dropDatabase(serverUrl: string, name: string, database: Database): Promise<void> {
  await database.close();
  await withAdminClient(serverUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
}

async function withAdminClient<T>(url: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
