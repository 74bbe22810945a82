/**
 * Opens the catalog database: an embedded PGlite (on disk or in memory) or a Postgres server through `pg`.
 * Both run the same schema and migrations and are used through the same drizzle type, `Db`.
 * Nothing here is a module-level singleton: the wiring creates one `Database` and passes it down (STYLE.md rule 3).
 * Each driver is imported when a database of its kind is opened, so a process loads only the one it uses.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger as DrizzleLogger } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type pg from 'pg';
import { InputError } from '../core/errors.ts';
import { packagePath } from '../paths.ts';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import type { Db } from './drizzle-db.ts';
import { loggableQuery, prepareInSql } from './prepared.ts';
import { rebuildMissingDerived } from './queries/derived.ts';
import * as schema from './schema.ts';

export interface Database {
  db: Db;
  dialect: 'pglite' | 'postgres';
  /** Ends the pool or closes PGlite; the `Database` is unusable afterwards. */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A Postgres connection string; when set, the server is used and the other options are ignored. */
  url?: string;
  /**
   * PGlite's data directory, created if missing. One process at a time: a second one is refused with
   * `DatabaseInUseError` (see `data-dir-lock.ts`), before anything is read or written.
   */
  dataDir?: string;
  /** A throw-away PGlite in memory (tests, demos). */
  inMemory?: boolean;
  /**
   * With `inMemory`, or a `dataDir` that holds no database yet: start from this dump of a data directory (PGlite's
   * `dumpDataDir`, a tarball) instead of an empty cluster. A migrated dump opens in about a third of the time `initdb`
   * takes, which the test suite uses. PGlite throws "Database already exists" for a directory that has one.
   */
  loadDataDir?: Blob;
  /**
   * Called when an idle pooled connection fails (server restart, network drop). The pool has already discarded
   * the connection and the next query opens a new one, so this is for logging. Default: `console.error`.
   */
  onIdleConnectionError?: (error: Error) => void;
  /** Called with the SQL text (never the parameters, which may hold personal data) of every query sent. */
  onQuery?: (query: string) => void;
}

const POOL_MAX = 10;
/** Without it a checkout from a full pool waits forever (pg-pool's default). */
const CONNECTION_TIMEOUT_MS = 5000;

/**
 * Trigram similarity above which `%` matches (pg_trgm's default is 0.3). At 0.2 a typo such as `paymnt` still
 * matches `payments-api` through the trigram indexes. Set on every connection, since the setting is per session.
 */
export const TRIGRAM_THRESHOLD = 0.2;

/** Advisory lock key held while migrating (any constant unique to Wayfinder). */
const MIGRATION_LOCK = 7_202_511_210;

/** `migrations/` at the repository root, wherever the process was started from. */
const MIGRATIONS_FOLDER = packagePath('migrations');

export async function createDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    return createPostgresDatabase(opts.url, queryLogger(opts.onQuery), opts.onIdleConnectionError);
  }
  if (opts.inMemory) {
    return createPgliteDatabase(undefined, queryLogger(opts.onQuery), undefined, opts.loadDataDir);
  }
  if (opts.dataDir) {
    await makeDirectory(opts.dataDir);
    const lock = await acquireDataDirLock({ dataDir: opts.dataDir });
    try {
      return await createPgliteDatabase(opts.dataDir, queryLogger(opts.onQuery), lock, opts.loadDataDir);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }
  throw new InputError('The database needs a Postgres URL (DATABASE_URL), a data directory, or inMemory: true.');
}

/**
 * Creates `dir` and its missing parents one at a time, and throws the first refusal (`ENOENT: no such file or
 * directory, mkdir '/proc/wayfinder'`) at once. Not `mkdir(dir, { recursive: true })`: on a file system that answers
 * ENOENT to every new directory (under `/proc`), Node's recursive mkdir retries forever and the process spins.
 */
async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let current = path.resolve(dir); ; ) {
    try {
      await stat(current);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.unshift(current);
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  for (const directory of missing) {
    await mkdir(directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

function queryLogger(onQuery: ((query: string) => void) | undefined): DrizzleLogger | undefined {
  return onQuery ? { logQuery: (query) => onQuery(loggableQuery(query)) } : undefined;
}

async function createPostgresDatabase(
  url: string,
  logger: DrizzleLogger | undefined,
  onIdleConnectionError?: (error: Error) => void,
): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle: drizzleNodePg } = await import('drizzle-orm/node-postgres');
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_MAX,
    connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
    // Generic plans: every statement here is a prepared lookup whose plan does not depend on its values, and the
    // `/owner` statements cost more to plan than to run. Postgres's default re-plans a statement per call whenever
    // its estimates favour a custom plan, which cost resolve_name ~200 µs a call (measured on 10,000 entities).
    options: `-c pg_trgm.similarity_threshold=${TRIGRAM_THRESHOLD} -c plan_cache_mode=force_generic_plan`,
  });
  // An 'error' event with no listener would crash the process; the pool has already dropped the connection.
  pool.on('error', (error) => {
    if (onIdleConnectionError) onIdleConnectionError(error);
    else console.error('Idle Postgres connection failed; the pool will open a new one.', error);
  });
  const db = drizzleNodePg({ client: pool, schema, logger });
  return {
    db: db satisfies Db,
    dialect: 'postgres',
    close: () => pool.end(),
  };
}

async function createPgliteDatabase(
  dataDir: string | undefined,
  logger: DrizzleLogger | undefined,
  lock?: DataDirLock,
  loadDataDir?: Blob,
): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const client = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    // vector: pgvector, for the docs' embeddings (migrations/0009_docs.sql creates it where it is available).
    extensions: { pg_trgm, vector },
  });
  // As on Postgres (the pool's options): a prepared statement keeps one generic plan instead of planning per call.
  await client.exec(
    `set pg_trgm.similarity_threshold = ${TRIGRAM_THRESHOLD}; set plan_cache_mode = force_generic_plan`,
  );
  const db = drizzlePglite({ client, schema, logger });
  prepareInSql(db);
  return {
    db: db satisfies Db,
    dialect: 'pglite',
    close: async () => {
      try {
        await client.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

/**
 * Applies the pending migrations in `migrations/`; applied ones are recorded by drizzle, so this is idempotent.
 * Then builds the derived rows a new migration leaves empty (owners, team cards), so an existing catalog needs no re-import.
 * On Postgres it holds an advisory lock meanwhile, so that replicas starting together migrate one after another.
 */
export async function migrateDatabase(database: Database): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  if (database.dialect === 'pglite') {
    const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator');
    await migratePglite(database.db as unknown as PgliteDatabase<typeof schema>, config);
    await rebuildMissingDerived(database.db);
    return;
  }

  // drizzle keeps the driver's client on `$client`: here, the pool.
  const pool = (database.db as unknown as NodePgDatabase<typeof schema> & { $client: pg.Pool }).$client;
  const { drizzle: drizzleNodePg } = await import('drizzle-orm/node-postgres');
  const { migrate: migrateNodePg } = await import('drizzle-orm/node-postgres/migrator');
  const connection = await pool.connect();
  try {
    await connection.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const locked = drizzleNodePg({ client: connection, schema });
      await migrateNodePg(locked, config);
      await rebuildMissingDerived(locked);
    } finally {
      await connection.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    connection.release();
  }
}
