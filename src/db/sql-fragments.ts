/** Small pieces of SQL the queries share. */
import { type SQL, sql } from 'drizzle-orm';

/** A text array parameter (drizzle would otherwise expand a JS array into a list of parameters). */
export function textArray(values: readonly (string | null)[]): SQL {
  return sql`${sql.param([...values])}::text[]`;
}

/** A numeric constant of ours written into the statement, so that Postgres types it as a number, not a parameter. */
export function numberLiteral(value: number): SQL {
  if (!Number.isFinite(value)) throw new RangeError(`Not a finite number: ${value}`);
  return sql.raw(String(value));
}

/** `text` for use inside `LIKE`, with its wildcards taken literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * `column` is `path` or a path under it (`file:/srv/catalog`, `file:/srv/catalog/payments/…`), but not a sibling that
 * merely starts the same (`file:/srv/catalog2`). For scopes and locations, whose parts are separated by `/`.
 */
export function atOrUnder(column: SQL, path: string): SQL {
  return sql`(${column} = ${path} or ${column} like ${`${escapeLike(path)}/%`})`;
}
