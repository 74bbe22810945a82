import type {
  CatalogFilter,
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
} from '../catalog/records.ts';
import type { EntityRef, ImportCounts, IngestError, ProcessedEntity } from '../catalog/types.ts';
import type { ChatPlatform } from '../view-model.ts';

/** The service catalog. Implemented by `DrizzleCatalogStore` on PGlite or Postgres. */
export interface CatalogStore {
  /**
   * Stores entities whose content hash changed, with their relations, in one transaction; unchanged entities
   * are not written. Replaces the recorded errors of every file in `locations`. `scopes` are sources read as a whole
   * (a root imported by hand, a repository, an organisation's teams): each lists every ref it holds now, and an
   * entity of that scope missing from it becomes an orphan, unless its file was read with errors (a broken document
   * keeps its last good entity). An orphan read again is restored.
   *
   * Imports (and purges) run one at a time across every process on the database: two imports of the same source
   * end in the version of the one that finished last, and each counts against what the one before it stored.
   */
  importEntities(opts: {
    entities: readonly ProcessedEntity[];
    errors: readonly IngestError[];
    locations: readonly string[];
    scopes?: readonly SourceScope[];
    /** Refuse, under the write lock, entities another scope of this kind already holds (see `FirstDefinitionWins`). */
    firstDefinitionWins?: FirstDefinitionWins;
  }): Promise<Omit<ImportCounts, 'failed'> & { refused: IngestError[] }>;
  /** Deletes the entities orphaned before `before`, with the relations they declared; returns how many. */
  purgeOrphans(opts: { before: Date }): Promise<number>;
  /**
   * Deletes now every entity of `scope` and of the scopes under it (a root imported by hand, `file:/srv/catalog`),
   * with the relations they declared and their files' errors; returns how many entities.
   */
  forgetScope(opts: { scope: string }): Promise<number>;
  /** The entities last read from `location` (a file), by ref: whom to tell when that file no longer reads. */
  listRefsAt(opts: { location: string }): Promise<EntityRef[]>;
  /** The scope each of `refs` was read from; refs not in the catalog are left out. */
  listSourceScopes(opts: { refs: readonly EntityRef[] }): Promise<Map<EntityRef, StoredSource>>;
  /** Every scope entities are stored under that starts with `prefix` (`file:` for the roots imported by hand). */
  listScopes(opts: { prefix: string }): Promise<string[]>;
  listIngestErrors(opts?: { location?: string }): Promise<IngestError[]>;
  /**
   * The entities that carry `annotation` (`backstage.io/techdocs-ref`), orphans left out, ordered by ref: the docs
   * sources read from GitHub.
   */
  listAnnotated(opts: { annotation: string }): Promise<EntityRecord[]>;
  /** How many entities the catalog holds; 0 on a fresh database (the demo organisation loads then). */
  countEntities(): Promise<number>;

  /** Exact ref, then name, then title, then `wayfinder.dev/aliases`, all case-insensitive; else suggestions. */
  resolveName(opts: { text: string; kinds?: readonly string[]; suggestionLimit?: number }): Promise<NameResolution>;
  getEntity(opts: { ref: EntityRef }): Promise<EntityRecord | undefined>;
  getRelations(opts: { ref: EntityRef }): Promise<RelationFacts[]>;
  /**
   * One database round trip. People come with their ids on `platform` (`PersonRecord.identities`) where Wayfinder
   * has learned them; without `platform`, with none.
   */
  getOwnership(opts: { entity: EntityRecord; platform?: ChatPlatform }): Promise<OwnershipFacts>;
  /**
   * `/owner`'s lookup: resolves `text` as `resolveName` does and, when it names exactly one entity that is neither a
   * Group nor a User, returns that entity's ownership too (people with their ids on `platform`, as `getOwnership`).
   * One round trip; two for an unknown name (suggestions).
   */
  findOwnership(opts: {
    text: string;
    suggestionLimit?: number;
    platform?: ChatPlatform;
  }): Promise<{ resolution: NameResolution; ownership?: OwnershipFacts }>;
  /** Members come with their ids on `platform`, as `getOwnership`. */
  getTeam(opts: { ref: EntityRef; platform?: ChatPlatform }): Promise<TeamFacts | undefined>;
  /** `offset` (default 0) skips that many of the entities owned, in `owned`'s order. */
  getHoldings(opts: { ref: EntityRef; limit: number; offset?: number }): Promise<HoldingsFacts>;
  /**
   * Breadth-first to `depth`; each entity appears once, at its shortest distance, ordered by depth, then ref. A ref
   * named in a relation but missing from the catalog appears too, without `entity`; the walk ends there.
   */
  getDependencies(opts: { ref: EntityRef; direction: 'down' | 'up'; depth: number }): Promise<DependencyNode[]>;
  /**
   * Ranked full-text search over names, titles, descriptions and tags, tolerant of typos. `text` may be empty
   * when a filter is given (with no text and no filter, every entity, by name). `kind` keeps one kind; `ownerRefs`
   * keeps entities owned by any of those refs; `filter` keeps those that match it as Backstage's catalog would;
   * `refs` keeps only those refs. Filters combine with and.
   */
  search(opts: {
    text: string;
    limit: number;
    /** Hits to skip, best first (default 0): page 2 of 20 is offset 20. */
    offset?: number;
    kind?: string;
    ownerRefs?: readonly EntityRef[];
    filter?: CatalogFilter;
    refs?: readonly EntityRef[];
  }): Promise<{ hits: SearchHit[]; total: number }>;

  findChatIdentity(opts: {
    platform: ChatIdentity['platform'];
    platformUserId: string;
  }): Promise<ChatIdentity | undefined>;
  /** Remembers who a chat user is; links the catalog User with the same email (case-insensitive). */
  saveChatIdentity(opts: { identity: ChatIdentity }): Promise<ChatIdentity>;
  /** Emails of catalog users with no known identity on `platform`, among `userRefs`. */
  listUnlinkedEmails(opts: { platform: ChatIdentity['platform']; userRefs: readonly EntityRef[] }): Promise<string[]>;
}
