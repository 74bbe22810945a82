/**
 * Named prepared statements for the hot paths: Postgres parses and plans each once per connection and then reuses the
 * plan; for the `/owner` statements planning costs more than executing. The statement text is fixed when it is
 * prepared: calls vary only the `sql.placeholder` values.
 *
 * node-postgres prepares a named statement itself, once per pooled connection. PGlite ignores statement names, and
 * planned the `/owner` statement on every call: 5.6 ms a call against 1.5 ms prepared, on a busy machine. So on a
 * database marked with `prepareInSql` (PGlite: one session, which no other process shares, see `data-dir-lock.ts`)
 * the statement is made with SQL's `PREPARE` on first use, and each call runs `EXECUTE` with its values written as
 * literals (`sqlLiteral`): EXECUTE takes no bind parameters.
 */
import { fillPlaceholders, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db, QueryRows } from './drizzle-db.ts';

export interface PreparedStatement<TRow> {
  execute(values: Record<string, unknown>): Promise<TRow[]>;
}

type Rows<TRow> = { execute: QueryRows<TRow>; all: unknown; values: unknown };

/** Per database marked by `prepareInSql`: the statements prepared (or being prepared) in its one session, by name. */
const preparedInSql = new WeakMap<Db, Map<string, Promise<unknown>>>();

/** Marks `db`, a PGlite database, as one whose prepared statements are made with SQL `PREPARE` (see above). */
export function prepareInSql(db: Db): void {
  preparedInSql.set(db, new Map());
}

export function prepareStatement<TRow>(db: Db, name: string, query: SQL): PreparedStatement<TRow> {
  const built = new PgDialect().sqlToQuery(query);
  const session = db._.session;
  const inSql = preparedInSql.get(db);
  if (!inSql) {
    const prepared = session.prepareQuery<Rows<TRow>>(built, undefined, name, false);
    return {
      async execute(values) {
        return (await prepared.execute(values)).rows;
      },
    };
  }
  const run = (text: string) =>
    session.prepareQuery<Rows<TRow>>({ sql: text, params: [] }, undefined, undefined, false);
  const prepare = () => {
    let preparing = inSql.get(name);
    if (!preparing) {
      preparing = run(`prepare ${name} as ${built.sql}`).execute();
      inSql.set(name, preparing);
      // A failed PREPARE is tried again by the next call.
      preparing.catch(() => inSql.delete(name));
    }
    return preparing;
  };
  return {
    async execute(values) {
      await prepare();
      const args = fillPlaceholders(built.params, values).map(sqlLiteral);
      return (await run(`execute ${name}(${args.join(', ')})`).execute()).rows;
    },
  };
}

/**
 * `query` as it may be logged: an `EXECUTE` of a statement prepared in SQL (see above) writes its values into the
 * text, and they are what people typed, so its argument list is left out (`execute wayfinder_get_team(…)`). Any other
 * statement is returned as it is: its values travel as parameters.
 */
export function loggableQuery(query: string): string {
  return query.replace(/^(\s*execute\s+\w+)\s*\([\s\S]*\)\s*$/i, '$1(…)');
}

/**
 * `value` as a Postgres literal: `null`, a finite number, `true`/`false`, an escape string (`E'…'`, backslashes and
 * quotes doubled, so it reads back exactly as given whatever `standard_conforming_strings` says; an untyped literal,
 * which takes the type of the parameter it is given for), or an array of these (`'{}'` when empty). Throws a
 * TypeError for anything else, and for text holding a NUL character, which Postgres text cannot hold.
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new TypeError('Text sent to Postgres cannot hold a NUL character (U+0000).');
    return `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? `'{}'` : `array[${value.map(sqlLiteral).join(', ')}]`;
  throw new TypeError(
    `A prepared statement takes text, numbers, booleans, null or arrays of them, not ${typeof value}.`,
  );
}
