/**
 * How an `entities` row becomes the core's `EntityRecord`. Every query that returns entities selects the same
 * columns, either with `entityColumns(alias)` (raw SQL) or `entityFields` (query builder), and maps them with
 * `toEntityRecord`. `sourceRoot` is the path a hand import was given (the entity's `file:` source scope), which
 * answers show the entity's file relative to.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { EntityRecord, PersonRecord } from '../core/catalog/records.ts';
import type { EntityEnvelope } from '../core/catalog/types.ts';
import type { ChatPlatform } from '../core/view-model.ts';
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

/** The root a hand import was given (`file:/srv/catalog` → `/srv/catalog`), from `scope` (an SQL expression); else null. */
function sourceRootOf(scope: SQL): SQL<string | null> {
  return sql<string | null>`case when starts_with(${scope}, 'file:') then substr(${scope}, 6) end`;
}

/** The entity columns of table alias `alias`, named as `EntityRow` names them. */
export function entityColumns(alias: string): SQL {
  const a = sql.identifier(alias);
  return sql`${a}.ref, ${a}.kind, ${a}.namespace, ${a}.name, ${a}.envelope,
    ${a}.source_location as "sourceLocation", ${a}.orphan, ${sourceRootOf(sql`${a}.source_scope`)} as "sourceRoot"`;
}

/**
 * The entity columns of table alias `alias` as one `jsonb` object of `EntityRow`'s shape: for an entity that shares
 * a row with another (the System an owner comes from), read back with `toEntityRecord`.
 */
export function entityJson(alias: string): SQL {
  const a = sql.identifier(alias);
  return sql`jsonb_build_object('ref', ${a}.ref, 'kind', ${a}.kind, 'namespace', ${a}.namespace, 'name', ${a}.name,
    'envelope', ${a}.envelope, 'sourceLocation', ${a}.source_location, 'orphan', ${a}.orphan,
    'sourceRoot', ${sourceRootOf(sql`${a}.source_scope`)})`;
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
  sourceRoot: sourceRootOf(sql`${entities.sourceScope}`),
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

/** A person's row with their id on `platform` (`userId`, null when unknown) as the core's PersonRecord. */
export function toPersonRecord(
  row: EntityRow & { userId: string | null },
  platform: ChatPlatform | undefined,
): PersonRecord {
  const person: PersonRecord = toEntityRecord(row);
  if (row.userId !== null && platform) person.identities = { [platform]: row.userId };
  return person;
}
