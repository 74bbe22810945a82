/**
 * How an `entities` row becomes the core's `EntityRecord`. Every query that returns entities selects the same
 * columns, either with `entityColumns(alias)` (raw SQL) or `entityFields` (query builder), and maps them with
 * `toEntityRecord`.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { EntityEnvelope } from '../core/catalog/types.ts';
import type { EntityRecord, PersonRecord } from '../core/ports.ts';
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
};

/** The entity columns of table alias `alias`, named as `EntityRow` names them. */
export function entityColumns(alias: string): SQL {
  const a = sql.identifier(alias);
  return sql`${a}.ref, ${a}.kind, ${a}.namespace, ${a}.name, ${a}.envelope,
    ${a}.source_location as "sourceLocation", ${a}.orphan`;
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
