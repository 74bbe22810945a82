/**
 * The service catalog on Postgres or PGlite. Complex statements live one per file in `./queries/`; this class
 * routes the port's methods to them and keeps the simple ones. Rows are mapped to core types before they leave.
 */
import { and, asc, count, eq, isNotNull, sql } from 'drizzle-orm';
import type {
  ChatIdentity,
  DependencyNode,
  EntityRecord,
  FirstDefinitionWins,
  HoldingsFacts,
  NameResolution,
  OwnershipFacts,
  RelationFacts,
  SearchHit,
  SourceScope,
  StoredSource,
  TeamFacts,
} from '../core/catalog/records.ts';
import type { EntityRef, ImportCounts, IngestError, ProcessedEntity, RelationType } from '../core/catalog/types.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { ChatPlatform } from '../core/view-model.ts';
import { AnalyzeTrigger } from './analyze-trigger.ts';
import type { Db } from './drizzle-db.ts';
import { entityFields, toEntityRecord } from './entity-row.ts';
import * as chatIdentities from './queries/chat-identities.ts';
import { getDependencies } from './queries/dependencies.ts';
import { createFindOwnership, type FindOwnership } from './queries/find-ownership.ts';
import { getHoldings } from './queries/holdings.ts';
import { importEntities } from './queries/import-entities.ts';
import { createGetOwnership, type GetOwnership } from './queries/ownership.ts';
import { forgetScope, purgeOrphans } from './queries/purge-orphans.ts';
import { createResolveName, type ResolveName } from './queries/resolve-name.ts';
import { type SearchOptions, search } from './queries/search.ts';
import { createGetTeam, type GetTeam } from './queries/team.ts';
import { entities, ingestErrors, relations } from './schema.ts';
import { escapeLike, textArray } from './sql-fragments.ts';

export class DrizzleCatalogStore implements CatalogStore {
  readonly #db: Db;
  readonly #identityStatistics: AnalyzeTrigger;
  // The `/owner` path: prepared once per store, so each pooled connection parses them once.
  readonly #resolveName: ResolveName;
  readonly #getOwnership: GetOwnership;
  readonly #findOwnership: FindOwnership;
  readonly #getTeam: GetTeam;
  readonly #getEntity;
  /**
   * The catalog writes of this process, one after another: across processes the database's write lock orders them,
   * and this keeps writes queued here from each holding a pooled connection while they wait for it.
   */
  #writes: Promise<unknown> = Promise.resolve();

  constructor(opts: { db: Db }) {
    this.#db = opts.db;
    this.#identityStatistics = new AnalyzeTrigger({ db: opts.db, table: 'chat_identities' });
    this.#resolveName = createResolveName(opts.db);
    this.#getOwnership = createGetOwnership(opts.db);
    this.#findOwnership = createFindOwnership(opts.db);
    this.#getTeam = createGetTeam(opts.db);
    this.#getEntity = opts.db
      .select(entityFields)
      .from(entities)
      .where(eq(entities.ref, sql.placeholder('ref')))
      .prepare('wayfinder_get_entity');
  }

  importEntities(opts: {
    entities: readonly ProcessedEntity[];
    errors: readonly IngestError[];
    locations: readonly string[];
    scopes?: readonly SourceScope[];
    firstDefinitionWins?: FirstDefinitionWins;
  }): Promise<Omit<ImportCounts, 'failed'> & { refused: IngestError[] }> {
    return this.#serialise(() => importEntities(this.#db, opts));
  }

  purgeOrphans(opts: { before: Date }): Promise<number> {
    return this.#serialise(() => purgeOrphans(this.#db, opts));
  }

  forgetScope(opts: { scope: string }): Promise<number> {
    return this.#serialise(() => forgetScope(this.#db, opts));
  }

  #serialise<T>(write: () => Promise<T>): Promise<T> {
    const result = this.#writes.then(write);
    this.#writes = result.catch(() => undefined);
    return result;
  }

  async listRefsAt(opts: { location: string }): Promise<EntityRef[]> {
    const rows = await this.#db
      .select({ ref: entities.ref })
      .from(entities)
      .where(eq(entities.sourceLocation, opts.location))
      .orderBy(asc(entities.ref));
    return rows.map((row) => row.ref);
  }

  async listSourceScopes(opts: { refs: readonly EntityRef[] }): Promise<Map<EntityRef, StoredSource>> {
    if (opts.refs.length === 0) return new Map();
    const rows = await this.#db
      .select({ ref: entities.ref, scope: entities.sourceScope, orphan: entities.orphan })
      .from(entities)
      .where(sql`${entities.ref} = any(${textArray(opts.refs.map((ref) => ref.toLowerCase()))})`);
    return new Map(rows.map((row) => [row.ref, { scope: row.scope, orphan: row.orphan }]));
  }

  async listScopes(opts: { prefix: string }): Promise<string[]> {
    const rows = await this.#db
      .selectDistinct({ scope: entities.sourceScope })
      .from(entities)
      .where(sql`${entities.sourceScope} like ${`${escapeLike(opts.prefix)}%`}`);
    return rows.flatMap((row) => (row.scope ? [row.scope] : []));
  }

  async listIngestErrors(opts: { location?: string } = {}): Promise<IngestError[]> {
    const rows = await this.#db
      .select()
      .from(ingestErrors)
      .where(opts.location === undefined ? undefined : eq(ingestErrors.location, opts.location))
      .orderBy(asc(ingestErrors.location), asc(ingestErrors.line), asc(ingestErrors.id));
    return rows.map((row) => {
      const error: IngestError = { location: row.location, message: row.message };
      if (row.line !== null) error.line = row.line;
      if (row.field !== null) error.field = row.field;
      if (row.entityRef !== null) error.entityRef = row.entityRef;
      return error;
    });
  }

  async listAnnotated(opts: { annotation: string }): Promise<EntityRecord[]> {
    const rows = await this.#db
      .select(entityFields)
      .from(entities)
      .where(
        and(
          eq(entities.orphan, false),
          isNotNull(sql`${entities.envelope} -> 'metadata' -> 'annotations' ->> ${opts.annotation}`),
        ),
      )
      .orderBy(asc(entities.ref));
    return rows.map(toEntityRecord);
  }

  async countEntities(): Promise<number> {
    const [row] = await this.#db.select({ n: count() }).from(entities);
    return row?.n ?? 0;
  }

  resolveName(opts: { text: string; kinds?: readonly string[]; suggestionLimit?: number }): Promise<NameResolution> {
    return this.#resolveName(opts);
  }

  async getEntity(opts: { ref: EntityRef }): Promise<EntityRecord | undefined> {
    const [row] = await this.#getEntity.execute({ ref: opts.ref.toLowerCase() });
    return row ? toEntityRecord(row) : undefined;
  }

  async getRelations(opts: { ref: EntityRef }): Promise<RelationFacts[]> {
    // A relation declared by both ends is stored once per origin; each is listed once.
    const rows = await this.#db
      .selectDistinctOn([relations.type, relations.targetRef], {
        type: relations.type,
        targetRef: relations.targetRef,
        target: entityFields,
      })
      .from(relations)
      .leftJoin(entities, eq(entities.ref, relations.targetRef))
      .where(eq(relations.sourceRef, opts.ref.toLowerCase()))
      .orderBy(asc(relations.type), asc(relations.targetRef));
    return rows.map((row) => {
      const facts: RelationFacts = { type: row.type as RelationType, targetRef: row.targetRef };
      if (row.target) facts.target = toEntityRecord(row.target);
      return facts;
    });
  }

  getOwnership(opts: { entity: EntityRecord; platform?: ChatPlatform }): Promise<OwnershipFacts> {
    return this.#getOwnership(opts);
  }

  findOwnership(opts: {
    text: string;
    suggestionLimit?: number;
    platform?: ChatPlatform;
  }): Promise<{ resolution: NameResolution; ownership?: OwnershipFacts }> {
    return this.#findOwnership(opts);
  }

  getTeam(opts: { ref: EntityRef; platform?: ChatPlatform }): Promise<TeamFacts | undefined> {
    return this.#getTeam({ ...opts, ref: opts.ref.toLowerCase() });
  }

  getHoldings(opts: { ref: EntityRef; limit: number; offset?: number }): Promise<HoldingsFacts> {
    return getHoldings(this.#db, { ...opts, ref: opts.ref.toLowerCase() });
  }

  getDependencies(opts: { ref: EntityRef; direction: 'down' | 'up'; depth: number }): Promise<DependencyNode[]> {
    return getDependencies(this.#db, { ...opts, ref: opts.ref.toLowerCase() });
  }

  search(opts: SearchOptions): Promise<{ hits: SearchHit[]; total: number }> {
    return search(this.#db, opts);
  }

  findChatIdentity(opts: {
    platform: ChatIdentity['platform'];
    platformUserId: string;
  }): Promise<ChatIdentity | undefined> {
    return chatIdentities.findChatIdentity(this.#db, opts);
  }

  async saveChatIdentity(opts: { identity: ChatIdentity }): Promise<ChatIdentity> {
    const { identity, inserted } = await chatIdentities.saveChatIdentity(this.#db, opts);
    if (inserted) await this.#identityStatistics.rowsAdded(1);
    return identity;
  }

  listUnlinkedEmails(opts: { platform: ChatIdentity['platform']; userRefs: readonly EntityRef[] }): Promise<string[]> {
    return chatIdentities.listUnlinkedEmails(this.#db, opts);
  }
}
