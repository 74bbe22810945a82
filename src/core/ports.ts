/**
 * The ports the core needs, implemented by adapters (`src/db`, later `src/github`, `src/ai`).
 * Methods take one options object so that new options never reorder arguments.
 */
import type {
  EntityEnvelope,
  EntityRef,
  ImportCounts,
  IngestError,
  ProcessedEntity,
  RelationType,
} from './catalog/types.ts';

/** An entity as stored: its descriptor plus what the catalog knows about it. */
export interface EntityRecord {
  ref: EntityRef;
  kind: string;
  namespace: string;
  name: string;
  envelope: EntityEnvelope;
  /** `file:/path/catalog-info.yaml` or a URL; Backstage's managed-by-location. */
  sourceLocation?: string;
  orphan: boolean;
}

/** A person in an answer, with their Slack identity when Wayfinder has learned it. */
export interface PersonRecord extends EntityRecord {
  slackUserId?: string;
}

export type NameResolution =
  | { status: 'found'; entity: EntityRecord }
  /** The same name in several kinds or namespaces; candidates ordered by kind, then namespace. */
  | { status: 'ambiguous'; candidates: EntityRecord[] }
  /** Nothing matched; up to `limit` closest names by trigram similarity, best first. */
  | { status: 'missing'; suggestions: EntityRecord[] };

export interface TeamFacts {
  team: EntityRecord;
  /** Parent teams, nearest first, up to the root. */
  parents: EntityRecord[];
  /** Direct members (Backstage membership is not transitive). */
  members: PersonRecord[];
}

/** Whose an entity is. The owner is the first of the chain entity → its system → its domain that resolves. */
export interface OwnershipFacts {
  entity: EntityRecord;
  /** What the entity itself names as owner (`spec.owner`), even when that entity is not in the catalog. */
  declaredOwnerRef?: EntityRef;
  /** Absent when nobody in the chain has an owner that exists in the catalog. */
  owner?: {
    via: 'entity' | 'system' | 'domain';
    /** The entity whose `spec.owner` answered (the entity itself, its system or its domain). */
    from: EntityRecord;
    /** The owner is a Group (with team facts) or a User. */
    group?: TeamFacts;
    user?: PersonRecord;
  };
}

export interface HoldingsFacts {
  /** Entities owned by the group or its sub-teams (for a User: by them or their groups), sorted by kind, name. */
  owned: { entity: EntityRecord; ownerRef: EntityRef }[];
  /** How many there are in all; `owned` stops at the limit asked. */
  total: number;
  /** The groups counted: the group itself and its sub-teams (for a User: their groups). */
  groups: EntityRecord[];
}

export interface RelationFacts {
  type: RelationType;
  targetRef: EntityRef;
  /** Absent when the target is not in the catalog (a dangling reference). */
  target?: EntityRecord;
}

export interface DependencyNode {
  entity: EntityRecord;
  /** 1 for a direct dependency (or dependant). */
  depth: number;
  /** The entity one step closer to the start, and how it links to this one. */
  viaRef: EntityRef;
  /** `dependsOn`, or `consumesApi` for a component reached through an API it provides (reverse: `dependencyOf`, `apiConsumedBy`). */
  link: RelationType;
  /** For a link through an API: the API's ref. */
  apiRef?: EntityRef;
}

export interface SearchHit {
  entity: EntityRecord;
  score: number;
}

export interface ChatIdentity {
  platform: 'slack' | 'teams';
  platformUserId: string;
  email?: string;
  /** The catalog User this person is, when one has their email. */
  userRef?: EntityRef;
}

/** The service catalog. Implemented by `DrizzleCatalogStore` on PGlite or Postgres. */
export interface CatalogStore {
  /**
   * Stores entities whose content hash changed, with their relations, in one transaction; unchanged entities
   * are not written. Replaces the recorded errors of every file in `locations`.
   */
  importEntities(opts: {
    entities: readonly ProcessedEntity[];
    errors: readonly IngestError[];
    locations: readonly string[];
  }): Promise<Omit<ImportCounts, 'failed'>>;
  listIngestErrors(opts?: { location?: string }): Promise<IngestError[]>;
  /** How many entities the catalog holds; 0 on a fresh database (the demo organisation loads then). */
  countEntities(): Promise<number>;

  /** Exact ref, then name, then title, then `wayfinder.dev/aliases`, all case-insensitive; else suggestions. */
  resolveName(opts: { text: string; kinds?: readonly string[]; suggestionLimit?: number }): Promise<NameResolution>;
  getEntity(opts: { ref: EntityRef }): Promise<EntityRecord | undefined>;
  getRelations(opts: { ref: EntityRef }): Promise<RelationFacts[]>;
  /** One database round trip. */
  getOwnership(opts: { entity: EntityRecord }): Promise<OwnershipFacts>;
  /**
   * `/owner`'s lookup: resolves `text` as `resolveName` does and, when it names exactly one entity that is neither a
   * Group nor a User, returns that entity's ownership too. One round trip; two for an unknown name (suggestions).
   */
  findOwnership(opts: {
    text: string;
    suggestionLimit?: number;
  }): Promise<{ resolution: NameResolution; ownership?: OwnershipFacts }>;
  getTeam(opts: { ref: EntityRef }): Promise<TeamFacts | undefined>;
  getHoldings(opts: { ref: EntityRef; limit: number }): Promise<HoldingsFacts>;
  /** Breadth-first to `depth`; each entity appears once, at its shortest distance. */
  getDependencies(opts: { ref: EntityRef; direction: 'down' | 'up'; depth: number }): Promise<DependencyNode[]>;
  /**
   * Ranked full-text search over names, titles, descriptions and tags, tolerant of typos. `text` may be empty
   * when a filter is given. `kind` keeps one kind; `ownerRefs` keeps entities owned by any of those refs.
   */
  search(opts: {
    text: string;
    limit: number;
    kind?: string;
    ownerRefs?: readonly EntityRef[];
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

/** Deliveries already handled, so that a retried delivery (Slack retries events up to three times) acts once. */
export interface ProcessedEventLog {
  /** True the first time `eventId` from `source` is claimed, on any replica; false for every later claim. */
  claim(opts: { source: string; eventId: string }): Promise<boolean>;
  /** Forgets claims older than `before`; returns how many. */
  prune(opts: { before: Date }): Promise<number>;
}
