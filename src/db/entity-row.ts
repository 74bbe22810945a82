/**
 * How an `entities` row becomes the core's `EntityRecord`. Every query that returns entities selects the same
 * columns, either with `entityColumns(alias)` (raw SQL) or `entityFields` (query builder), and maps them with
 * `toEntityRecord`. `sourceRoot` is not stored on the entity: it is the outermost recorded import root
 * (`import_roots`) that holds the entity's `file:` location, looked up as the row is read (a few rows at most).
 */
import { type SQL, sql } from 'drizzle-orm';
import type { EntityEnvelope } from '../core/catalog/types.ts';
import type { EntityRecord, PersonRecord } from '../core/ports.ts';
import { entities } from './schema.ts';

export type EntityRow = {
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  envelope: EntityEnvelope;
  sourceLocation: string | null;
  orphan: boolean;
  /** Absent from rows that do not select it (team cards): then unknown. */
  sourceRoot?: string | null;
};

/** The outermost import root holding `location` (an SQL expression), or null. */
function sourceRootOf(location: SQL): SQL<string | null> {
  return sql<string | null>`(
    select r.root from import_roots r
    where starts_with(${location}, 'file:' || r.root || '/')
    order by length(r.root), r.root limit 1
  )`;
}

/** The entity columns of table alias `alias`, named as `EntityRow` names them. */
export function entityColumns(alias: string): SQL {
  const a = sql.identifier(alias);
  return sql`${a}.ref, ${a}.kind, ${a}.namespace, ${a}.name, ${a}.envelope,
    ${a}.source_location as "sourceLocation", ${a}.orphan, ${sourceRootOf(sql`${a}.source_location`)} as "sourceRoot"`;
}

/** The same columns for the query builder. */
export const entityFields = {
  ref: entities.ref,
  kind: entities.kind,
  namespace: entities.namespace,
  name: entities.name,
  envelope: entities.envelope,
  sourceLocation: entities.sourceLocation,
  orphan: entities.orphan,
  sourceRoot: sourceRootOf(sql`${entities.sourceLocation}`),
};

export function toEntityRecord(row: EntityRow): EntityRecord {
  const record: EntityRecord = {
    ref: row.ref,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    envelope: row.envelope,
    orphan: row.orphan,
  };
  if (row.sourceLocation !== null) record.sourceLocation = row.sourceLocation;
  if (row.sourceRoot !== null && row.sourceRoot !== undefined) record.sourceRoot = row.sourceRoot;
  return record;
}

export function toPersonRecord(row: EntityRow & { slackUserId: string | null }): PersonRecord {
  const person: PersonRecord = toEntityRecord(row);
  if (row.slackUserId !== null) person.slackUserId = row.slackUserId;
  return person;
}
