/**
 * The drizzle database type both drivers (PGlite and node-postgres) satisfy, apart from `client.ts`, which opens one:
 * the stores and queries need the type, not the drivers, and `client.ts` runs queries after migrating.
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.ts';

/**
 * What both drivers return from `db.execute()`: node-postgres's `QueryResult` and PGlite's `Results` both carry
 * the rows in `rows`, which is all the stores read.
 */
export interface QueryResultHKT extends PgQueryResultHKT {
  type: QueryRows<this['row']>;
}

export interface QueryRows<TRow> {
  rows: TRow[];
}

/** The drizzle database both drivers satisfy. */
export type Db = PgDatabase<QueryResultHKT, typeof schema>;

/** A transaction on `Db`; it can be used wherever a `Db` is expected. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
