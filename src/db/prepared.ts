/**
 * Named prepared statements for the hot paths. node-postgres parses a named statement once per pooled connection
 * and Postgres can then reuse its plan; for the `/owner` statements planning costs more than executing. PGlite
 * ignores the name. The statement text is fixed when it is prepared: calls vary only the `sql.placeholder` values.
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db, QueryRows } from './drizzle-db.ts';

export interface PreparedStatement<TRow> {
  execute(values: Record<string, unknown>): Promise<TRow[]>;
}

export function prepareStatement<TRow>(db: Db, name: string, query: SQL): PreparedStatement<TRow> {
  const built = new PgDialect().sqlToQuery(query);
  const prepared = db._.session.prepareQuery<{ execute: QueryRows<TRow>; all: unknown; values: unknown }>(
    built,
    undefined,
    name,
    false,
  );
  return {
    async execute(values) {
      return (await prepared.execute(values)).rows;
    },
  };
}
