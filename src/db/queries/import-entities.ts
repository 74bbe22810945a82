/**
 * Writes a catalog read into the database, in one transaction that first takes the catalog write lock (see
 * `lockCatalogWrites`), so imports from any process or replica run one after another: each counts against what the
 * one before it stored, and the one that finishes last leaves its version. An entity is written only when its content hash,
 * its source location, its scope or its orphan flag differ from what is stored; its relations (those its own
 * descriptor declared, recorded with it as origin) are then replaced. Entities of the scopes read that are gone
 * become orphans. The derived rows (owners, team cards) are then brought up to date, and errors replaced per location
 * read.
 *
 * Work is done in batches of entities: one query fetches the stored hashes of a batch, one multi-row upsert writes
 * its changed entities, one delete and a multi-row insert replace their relations. Rows travel as one array per
 * column, expanded by `unnest`: drizzle's builder spends seconds assembling 10,000 rows of placeholders, this
 * costs nothing.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { FirstDefinitionWins, SourceScope } from '../../core/catalog/records.ts';
import type { EntityRef, ImportCounts, IngestError, ProcessedEntity } from '../../core/catalog/types.ts';
import type { Db, Tx } from '../drizzle-db.ts';
import { entities, ingestErrors, locations } from '../schema.ts';
import { atOrUnder, textArray } from '../sql-fragments.ts';
import { rebuildDerived } from './derived.ts';

/** Entities per batch: one hash lookup and one multi-row upsert each. */
const BATCH = 500;
/** Written entities from which an import vacuums and refreshes the planner's statistics. */
const ANALYZE_AFTER = 1000;
/** Relations per multi-row insert (they are small). */
const RELATION_BATCH = 5000;

type RelationRow = { sourceRef: string; type: string; targetRef: string; originRef: string };

export async function importEntities(
  db: Db,
  opts: {
    entities: readonly ProcessedEntity[];
    errors: readonly IngestError[];
    locations: readonly string[];
    scopes?: readonly SourceScope[];
    firstDefinitionWins?: FirstDefinitionWins;
  },
): Promise<Omit<ImportCounts, 'failed'> & { refused: IngestError[] }> {
  const unique = firstOfEachRef(opts.entities);
  const scopeOf = new Map<EntityRef, string>();
  for (const { scope, refs } of opts.scopes ?? []) for (const ref of refs) scopeOf.set(ref, scope);
  const inPlay = scopesInPlay(opts.scopes ?? []);
  const refused: IngestError[] = [];
  const counts = await db.transaction(async (tx) => {
    await lockCatalogWrites(tx);
    const counts = { created: 0, updated: 0, unchanged: 0, orphaned: 0 };
    for (const batch of chunks(unique, BATCH)) {
      const stored = await storedStates(tx, batch);
      const changed = batch.filter((entity) => {
        const state = stored.get(entity.ref);
        const rule = opts.firstDefinitionWins;
        const owner = rule && state && definedElsewhere(state, rule, inPlay);
        if (rule && owner) {
          const where = rule.describeDefinition({ scope: owner, location: state?.sourceLocation ?? null }, entity);
          refused.push({
            ...entity.source,
            field: 'metadata.name',
            entityRef: entity.ref,
            message: `${entity.ref} is already defined in ${where}; each entity may be defined once.`,
          });
          return false;
        }
        if (!state) {
          counts.created += 1;
          return true;
        }
        if (
          state.contentHash === entity.hash &&
          state.sourceLocation === entity.source.location &&
          state.sourceScope === (scopeOf.get(entity.ref) ?? null) &&
          !state.orphan
        ) {
          counts.unchanged += 1;
          return false;
        }
        counts.updated += 1;
        return true;
      });
      if (changed.length > 0) await writeEntities(tx, changed, scopeOf);
    }
    // A warning (the entity was imported) does not keep its file's vanished entities as a failure does.
    const failures = opts.errors.filter((error) => !error.warning);
    if (opts.scopes?.length) counts.orphaned = await orphanVanished(tx, opts.scopes, failures);
    if (counts.created + counts.updated + counts.orphaned > 0) await rebuildDerived(tx);
    await replaceErrors(tx, [...opts.errors, ...refused], opts.locations);
    await recordLocations(tx, opts.locations);
    return counts;
  });
  // After a bulk load, fresh statistics keep the planner on the indexes and a vacuum sets the visibility map that
  // index-only scans need. Autovacuum would get there later; PGlite has none, and some servers run with it off.
  if (counts.created + counts.updated >= ANALYZE_AFTER) {
    await db.execute(sql`vacuum (analyze) entities, relations`);
  }
  return { ...counts, refused };
}

/** The scope that keeps `state`'s entity under `rule`, or undefined when this import may write it. */
function definedElsewhere(
  state: { sourceScope: string | null; orphan: boolean },
  rule: FirstDefinitionWins,
  inPlay: (scope: string) => boolean,
): string | undefined {
  const scope = state.sourceScope;
  return scope?.startsWith(rule.scopePrefix) && !state.orphan && !inPlay(scope) ? scope : undefined;
}

/**
 * Whether an import of `scopes` answers for entities stored under a scope: one of them, or (for a hand import whose
 * scope `covers` a folder) a root imported on its own before, at or under that folder (see `SourceScope.covers`).
 */
function scopesInPlay(scopes: readonly SourceScope[]): (scope: string) => boolean {
  const named = new Set(scopes.map(({ scope }) => scope));
  const covered = scopes.flatMap(({ covers }) => (covers === undefined ? [] : [`file:${covers}`]));
  return (scope) => named.has(scope) || covered.some((root) => scope === root || scope.startsWith(`${root}/`));
}

/**
 * Advisory lock key of catalog writes (any constant unique to Wayfinder, distinct from the migration lock). One key
 * for every import and purge rather than one per scope: an entity can move between scopes (a renamed repository, a
 * file imported by hand that the sync also reads), and the derived rows are rebuilt catalog-wide, so two writes of
 * different scopes are not independent either. An import takes a few seconds at most, so waiting is cheap.
 */
const CATALOG_WRITE_LOCK = 7_202_511_211;

/**
 * Waits until no other transaction, in this process or any other on the same database, writes the catalog, and holds
 * the lock until this transaction ends (`pg_advisory_xact_lock`: released at commit or rollback, even if the process
 * dies). On PGlite, whose one session runs one transaction at a time, it costs nothing and changes nothing.
 */
export async function lockCatalogWrites(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CATALOG_WRITE_LOCK})`);
}

/**
 * Flags as orphans the entities of the scopes read that are no longer in them; returns how many. An entity whose
 * file was read with errors is left as it was: its document may only be broken, not gone.
 */
async function orphanVanished(tx: Tx, scopes: readonly SourceScope[], errors: readonly IngestError[]): Promise<number> {
  const rows = await tx.execute<{ ref: string }>(sql`
    update entities set orphan = true, orphaned_at = now()
    where (${sql.join(scopes.map(orphanCandidates), sql` or `)})
      and not orphan
      and ref not in (select unnest(${textArray(scopes.flatMap((scope) => scope.refs))}))
      and source_location not in (select unnest(${textArray([...new Set(errors.map((error) => error.location))])}))
    returning ref
  `);
  return rows.rows.length;
}

/** Which stored entities a scope read as a whole answers for (see `SourceScope.covers`). */
function orphanCandidates({ scope, covers }: SourceScope): SQL {
  if (covers === undefined) return sql`source_scope = ${scope}`;
  const coveredScope = `file:${covers}`;
  const nested = atOrUnder(sql`source_scope`, coveredScope);
  if (coveredScope === scope) return nested;
  return sql`((source_scope = ${scope} and ${atOrUnder(sql`source_location`, coveredScope)}) or ${nested})`;
}

/** Two documents with the same ref: the first read wins, as in Backstage (the others are conflicts to report). */
function firstOfEachRef(all: readonly ProcessedEntity[]): ProcessedEntity[] {
  const seen = new Set<string>();
  return all.filter((entity) => !seen.has(entity.ref) && seen.add(entity.ref));
}

async function storedStates(tx: Tx, batch: readonly ProcessedEntity[]) {
  const rows = await tx
    .select({
      ref: entities.ref,
      contentHash: entities.contentHash,
      sourceLocation: entities.sourceLocation,
      sourceScope: entities.sourceScope,
      orphan: entities.orphan,
    })
    .from(entities)
    .where(sql`${entities.ref} = any(${textArray(batch.map((entity) => entity.ref))})`);
  return new Map(rows.map((row) => [row.ref, row]));
}

async function writeEntities(
  tx: Tx,
  changed: readonly ProcessedEntity[],
  scopeOf: ReadonlyMap<EntityRef, string>,
): Promise<void> {
  const rows = changed.map((entity) => toEntityColumns(entity, scopeOf.get(entity.ref) ?? null));
  const column = (key: keyof EntityColumns) => textArray(rows.map((row) => row[key]));
  // One array per column and `unnest`: the statement stays small however many rows it carries.
  await tx.execute(sql`
    insert into entities (ref, kind, namespace, name, title, description, owner_ref, lifecycle, type, envelope,
      source_location, source_scope, content_hash)
    select u.ref, u.kind, u.namespace, u.name, u.title, u.description, u.owner_ref, u.lifecycle, u.type,
      u.envelope::jsonb, u.source_location, u.source_scope, u.content_hash
    from unnest(${column('ref')}, ${column('kind')}, ${column('namespace')}, ${column('name')}, ${column('title')},
      ${column('description')}, ${column('ownerRef')}, ${column('lifecycle')}, ${column('type')}, ${column('envelope')},
      ${column('sourceLocation')}, ${column('sourceScope')}, ${column('contentHash')})
      as u(ref, kind, namespace, name, title, description, owner_ref, lifecycle, type, envelope, source_location,
        source_scope, content_hash)
    on conflict (ref) do update set
      kind = excluded.kind, namespace = excluded.namespace, name = excluded.name, title = excluded.title,
      description = excluded.description, owner_ref = excluded.owner_ref, lifecycle = excluded.lifecycle,
      type = excluded.type, envelope = excluded.envelope, source_location = excluded.source_location,
      source_scope = excluded.source_scope, content_hash = excluded.content_hash, orphan = false, orphaned_at = null,
      updated_at = now()
  `);
  await tx.execute(
    sql`delete from relations where origin_ref = any(${textArray(changed.map((entity) => entity.ref))})`,
  );
  for (const batch of chunks(changed.flatMap(toRelationRows), RELATION_BATCH)) {
    await tx.execute(sql`
      insert into relations (source_ref, type, target_ref, origin_ref)
      select * from unnest(${textArray(batch.map((row) => row.sourceRef))}, ${textArray(batch.map((row) => row.type))},
        ${textArray(batch.map((row) => row.targetRef))}, ${textArray(batch.map((row) => row.originRef))})
    `);
  }
}

type EntityColumns = {
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  ownerRef: string | null;
  lifecycle: string | null;
  type: string | null;
  /** JSON text, cast to jsonb by the statement. */
  envelope: string;
  sourceLocation: string;
  sourceScope: string | null;
  contentHash: string;
};

function toEntityColumns(entity: ProcessedEntity, sourceScope: string | null): EntityColumns {
  const { metadata, spec } = entity.envelope;
  return {
    ref: entity.ref,
    kind: entity.kind.toLowerCase(),
    namespace: entity.namespace.toLowerCase(),
    name: entity.name,
    title: stringOrNull(metadata.title),
    description: stringOrNull(metadata.description),
    ownerRef:
      entity.relations.find((relation) => relation.source === entity.ref && relation.type === 'ownedBy')?.target ??
      null,
    lifecycle: stringOrNull(spec?.lifecycle),
    type: stringOrNull(spec?.type),
    envelope: JSON.stringify(entity.envelope),
    sourceLocation: entity.source.location,
    sourceScope,
    contentHash: entity.hash,
  };
}

/**
 * The entity's relations with it as origin, without duplicates: with the origin's old relations deleted first and
 * each ref written once per import, the primary key can then never refuse a row.
 */
function toRelationRows(entity: ProcessedEntity): RelationRow[] {
  const seen = new Set<string>();
  const rows: RelationRow[] = [];
  for (const relation of entity.relations) {
    const key = `${relation.source}\n${relation.type}\n${relation.target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ sourceRef: relation.source, type: relation.type, targetRef: relation.target, originRef: entity.ref });
  }
  return rows;
}

async function replaceErrors(tx: Tx, errors: readonly IngestError[], read: readonly string[]): Promise<void> {
  if (read.length > 0) {
    await tx.delete(ingestErrors).where(sql`${ingestErrors.location} = any(${textArray(read)})`);
  }
  for (const batch of chunks(errors, BATCH)) {
    await tx.insert(ingestErrors).values(
      batch.map((error) => ({
        location: error.location,
        line: error.line,
        field: error.field,
        message: error.message,
        entityRef: error.entityRef,
      })),
    );
  }
}

async function recordLocations(tx: Tx, read: readonly string[]): Promise<void> {
  const unique = [...new Set(read)];
  for (const batch of chunks(unique, BATCH)) {
    await tx
      .insert(locations)
      .values(batch.map((location) => ({ location })))
      .onConflictDoUpdate({ target: locations.location, set: { lastReadAt: sql`now()` } });
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) {
    yield items.slice(start, start + size);
  }
}
