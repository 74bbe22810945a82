/**
 * A `CatalogFilter` (Backstage's `EntityFilterQuery`, as a scaffolder picker's `catalogFilter` gives it) as a SQL
 * condition on an `entities` row. Backstage matches filters against a table of the entity flattened to
 * (lowercased dot-path key, lowercased value) pairs, an array giving one pair per item and each relation one
 * `relations.<type>` pair per target (backstage/backstage `plugins/catalog-backend` `buildEntitySearch`); Wayfinder
 * stores no such table, so the same match is made on the stored envelope:
 *
 * - `kind`, `metadata.namespace` and `metadata.name` read their columns (indexed, lowercase);
 * - `relations.<type>` reads the relations table (targets are stored lowercase);
 * - any other key walks the envelope one segment at a time, keys compared lowercased, through arrays (an array of
 *   objects is walked item by item, as Backstage flattens it), and the rest of a key may be one key of its own, so
 *   that `metadata.annotations.backstage.io/techdocs-ref` finds the annotation `backstage.io/techdocs-ref`;
 * - a value matches when it is a string, number or boolean whose text equals one of the filter's values
 *   (case-insensitive), or any item of an array does; `{ exists: true }` matches any value, null included.
 *
 * Alternatives combine with or, the keys of one alternative with and; an empty filter list or alternative keeps all.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { CatalogFilter, CatalogFilterValue } from '../../core/catalog/records.ts';
import { textArray } from '../sql-fragments.ts';

const COLUMNS: Record<string, (alias: SQL) => SQL> = {
  kind: (e) => sql`${e}.kind`,
  'metadata.namespace': (e) => sql`${e}.namespace`,
  'metadata.name': (e) => sql`lower(${e}.name)`,
};

/** The condition that row `alias` (of `entities`) matches `filter`. */
export function catalogFilterSql(filter: CatalogFilter, alias: string): SQL {
  const e = sql.raw(alias);
  const alternatives = filter.map((alternative) => {
    const keys = Object.entries(alternative).map(([key, value]) => keyMatches(e, key.toLowerCase(), value));
    return keys.length > 0 ? sql`(${sql.join(keys, sql` and `)})` : sql`true`;
  });
  return alternatives.length > 0 ? sql`(${sql.join(alternatives, sql` or `)})` : sql`true`;
}

function keyMatches(e: SQL, key: string, value: CatalogFilterValue): SQL {
  const wanted = 'exists' in value ? undefined : value.map((item) => item.toLowerCase());
  const column = COLUMNS[key];
  if (column) return wanted ? sql`${column(e)} = any(${textArray(wanted)})` : sql`true`;
  if (key.startsWith('relations.')) {
    const type = key.slice('relations.'.length);
    return sql`exists (
      select 1 from relations r
      where r.source_ref = ${e}.ref and lower(r.type) = ${type}
        ${wanted ? sql`and r.target_ref = any(${textArray(wanted)})` : sql``}
    )`;
  }
  return walk(sql`${e}.envelope`, key.split('.'), 0, wanted);
}

/** `value` (JSON, an object or an array of them) holds `segments[index…]` with a matching value. */
function walk(value: SQL, segments: readonly string[], index: number, wanted: readonly string[] | undefined): SQL {
  const level = sql.raw(`l${index}`);
  const item = sql.raw(`o${index}`);
  const rest = segments.slice(index).join('.');
  const deeper =
    index < segments.length - 1
      ? sql` or (lower(${level}.key) = ${segments[index]} and ${walk(sql`${level}.value`, segments, index + 1, wanted)})`
      : sql``;
  return sql`exists (
    select 1
    from jsonb_array_elements(case jsonb_typeof(${value}) when 'array' then ${value} else jsonb_build_array(${value}) end) ${item}(item),
      jsonb_each(case jsonb_typeof(${item}.item) when 'object' then ${item}.item else '{}'::jsonb end) ${level}(key, value)
    where (lower(${level}.key) = ${rest} and ${leafMatches(sql`${level}.value`, index, wanted)})${deeper}
  )`;
}

function leafMatches(value: SQL, index: number, wanted: readonly string[] | undefined): SQL {
  if (!wanted) return sql`true`;
  const leaf = sql.raw(`v${index}`);
  return sql`exists (
    select 1
    from jsonb_array_elements(case jsonb_typeof(${value}) when 'array' then ${value} else jsonb_build_array(${value}) end) ${leaf}(item)
    where jsonb_typeof(${leaf}.item) in ('string', 'number', 'boolean') and lower(${leaf}.item #>> '{}') = any(${textArray(wanted)})
  )`;
}
