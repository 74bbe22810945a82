/**
 * A migrated, empty database for one test file. With `DATABASE_URL` set, a fresh database named
 * `wayfinder_test_<random>` on that server (dropped again on close); otherwise an in-memory PGlite.
 * Open it in `beforeAll` and close it in `afterAll`, so migrations run once per file.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, type Database, migrateDatabase } from '../../src/db/client.ts';

export async function openTestDatabase(): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const database = await createDatabase({ inMemory: true });
    await migrateDatabase(database);
    return database;
  }

  const name = `wayfinder_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (admin) => admin.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await createDatabase({ url: url.toString() });
  try {
    await migrateDatabase(database);
  } catch (error) {
    await dropDatabase(serverUrl, name, database);
    throw error;
  }
  return { ...database, close: () => dropDatabase(serverUrl, name, database) };
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
