import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { prepareStatement, sqlLiteral } from '../../src/db/prepared.ts';
import { openTestDatabase } from '../helpers/database.ts';

/** What people type, and what an attacker would: each must reach Postgres as exactly this text. */
const HOSTILE_TEXT = [
  "it's",
  'back\\slash',
  "\\'; drop table entities; --",
  "'' or ''1''=''1",
  "$$ $tag$ E'x'",
  'new\nline\ttab',
  '',
  'émoji 😀 日本語',
  '%_*',
];

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database?.close());

describe('sqlLiteral', () => {
  it('writes text that Postgres reads back exactly, quotes and backslashes included', async () => {
    for (const value of HOSTILE_TEXT) {
      const { rows } = await database.db.execute<{ value: string }>(
        sql.raw(`select ${sqlLiteral(value)}::text as value`),
      );
      expect(rows[0]?.value).toBe(value);
    }
    const { rows } = await database.db.execute<{ entities: number }>(
      sql`select count(*)::int as entities from entities`,
    );
    expect(rows[0]?.entities).toBe(0);
  });

  it('writes null, numbers, booleans and arrays, an empty one included', async () => {
    const { rows } = await database.db.execute<{ a: null; b: number; c: boolean; d: string[]; e: string[] }>(
      sql.raw(
        `select ${sqlLiteral(null)}::text as a, ${sqlLiteral(-12.5)}::float8 as b, ${sqlLiteral(false)} as c, ` +
          `${sqlLiteral(["it's", 'x\\y'])}::text[] as d, ${sqlLiteral([])}::text[] as e`,
      ),
    );
    expect(rows[0]).toEqual({ a: null, b: -12.5, c: false, d: ["it's", 'x\\y'], e: [] });
  });

  it('refuses what it cannot write: a NUL character, an object, a number that is not finite', () => {
    expect(() => sqlLiteral('a\0b')).toThrow(/NUL character/);
    expect(() => sqlLiteral({ ref: 'x' })).toThrow(TypeError);
    expect(() => sqlLiteral(Number.NaN)).toThrow(TypeError);
  });
});

describe('prepareStatement', () => {
  it('answers every call with that call’s values, however hostile, from one statement', async () => {
    const echo = prepareStatement<{ text: string; list: string[] | null }>(
      database.db,
      'wayfinder_test_echo',
      sql`select ${sql.placeholder('text')}::text as text, ${sql.placeholder('list')}::text[] as list`,
    );
    for (const value of HOSTILE_TEXT) {
      expect(await echo.execute({ text: value, list: [value, 'b'] })).toEqual([{ text: value, list: [value, 'b'] }]);
    }
    expect(await echo.execute({ text: 'none', list: null })).toEqual([{ text: 'none', list: null }]);
    // A second statement of the same name on the same database (another store) shares the first.
    const again = prepareStatement<{ text: string }>(
      database.db,
      'wayfinder_test_echo',
      sql`select ${sql.placeholder('text')}::text as text, ${sql.placeholder('list')}::text[] as list`,
    );
    expect(await again.execute({ text: 'x', list: [] })).toEqual([{ text: 'x', list: [] }]);
    if (database.dialect === 'pglite') {
      // PGlite ignores protocol-level names: the statement is prepared in SQL, once, and planned once.
      const { rows } = await database.db.execute<{ statements: number }>(
        sql`select count(*)::int as statements from pg_prepared_statements where name = 'wayfinder_test_echo'`,
      );
      expect(rows[0]?.statements).toBe(1);
    }
  });
});
