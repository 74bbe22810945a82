/**
 * What the catalog knows about its entities, as the core's ports return it: stored entities, people with their chat
 * identities, and the facts commands answer from. Plain data; the stores (`src/db`) map their rows to these.
 */

import type { ChatIds, ChatPlatform } from '../view-model.ts';
import type { EntityEnvelope, EntityRef, ImportCounts, IngestError, ProcessedEntity, RelationType } from './types.ts';

/** An entity as stored: its descriptor plus what the catalog knows about it. */
export interface EntityRecord {
  ref: EntityRef;
  kind: string;
  namespace: string;
  name: string;
  envelope: EntityEnvelope;
  /** `file:/path/catalog-info.yaml` or a URL; Backstage's managed-by-location. */
  sourceLocation?: string;
  /**
   * For a `file:` location, the path it was imported from (`catalog import <dir or file>`, its source scope): answers
   * show the file relative to it, never as a path on the server. Absent when unknown.
   */
  sourceRoot?: string;
  orphan: boolean;
}

/** A person in an answer, with their id on the platform asked about (`platform` of the read) once Wayfinder has learned it. */
export interface PersonRecord extends EntityRecord {
  identities?: ChatIds;
}

export type NameResolution =
  /**
   * `nameShared` when another entity in its namespace has the same name (an API and a Component): a button that names
   * it must then use its full ref.
   */
  | { status: 'found'; entity: EntityRecord; nameShared?: true }
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
  /**
   * Entities owned by the group or its sub-teams, sorted by kind, name; for a User, those they own themselves first,
   * then their groups', each by kind, name. From the offset asked, at most the limit asked.
   */
  owned: { entity: EntityRecord; ownerRef: EntityRef }[];
  /** How many there are in all. */
  total: number;
  /**
   * Of `total`, how many the group or User owns itself (not through a sub-team or a group). The store always tells;
   * a view built without it (the Home's) reads as none.
   */
  direct?: number;
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
  ref: EntityRef;
  /** Absent when the catalog has no such entity: a dependency named in a descriptor but never defined. */
  entity?: EntityRecord;
  /** 1 for a direct dependency (or dependant). */
  depth: number;
  /** The entity one step closer to the start, and how it links to this one. */
  viaRef: EntityRef;
  /**
   * `dependsOn`, or `consumesApi` for a component reached through an API it provides (reverse: `dependencyOf`,
   * `apiConsumedBy`). From an API itself: `apiProvidedBy` down (its providers), `apiConsumedBy` up (its consumers).
   */
  link: RelationType;
  /** For a link through an API: the API's ref. */
  apiRef?: EntityRef;
}

/**
 * Backstage's catalog filter (`EntityFilterQuery`, as the scaffolder's `catalogFilter` writes it): an entity matches
 * when it matches any alternative; it matches an alternative when every key matches; a key matches when the entity has
 * one of its values there (case-insensitive, keys too), or, for `{ exists: true }`, any value. Keys are dot paths into
 * the entity as Backstage flattens it: `kind`, `metadata.namespace`, `spec.type`, `spec.lifecycle`, `metadata.tags`
 * (any item), `metadata.annotations.backstage.io/techdocs-ref`, `relations.ownedBy` (a relation's target refs).
 * Source: backstage/backstage `plugins/catalog-backend` (buildEntitySearch, the filter's SQL) and `plugins/scaffolder`
 * (`EntityPicker`'s `catalogFilter`).
 */
export type CatalogFilter = readonly Readonly<Record<string, CatalogFilterValue>>[];
/** Values (any of them, lowercased or not), or `{ exists: true }` for any value at all. */
export type CatalogFilterValue = readonly string[] | { readonly exists: true };

export interface SearchHit {
  entity: EntityRecord;
  score: number;
}

export interface ChatIdentity {
  platform: ChatPlatform;
  platformUserId: string;
  email?: string;
  /** The catalog User this person is, when one has their email. */
  userRef?: EntityRef;
}

/** Where a stored entity came from. */
export interface StoredSource {
  /**
   * `file:<root>` for an import by hand (the file or directory given to `catalog import`), a GitHub scope for the
   * sync; null for an entity stored before imports by hand had scopes (its next import gives it one).
   */
  scope: string | null;
  orphan: boolean;
}

/** A source read as a whole, and every entity it holds now. */
export interface SourceScope {
  /**
   * `github:acme/payments-api` for a repository, `github-teams:acme` for an organisation's teams, `file:/srv/catalog`
   * for a file or directory imported by hand.
   */
  scope: string;
  refs: readonly EntityRef[];
  /**
   * Hand imports only: the absolute path read (a file or a folder), which is the scope's own root or lies inside it
   * (a subfolder of a folder imported before keeps that folder's scope). Only entities read from under `covers`, and
   * those of scopes under it (roots imported on their own before a folder holding them was), are then compared with
   * `refs`. Absent: every entity of `scope` is.
   */
  covers?: string;
}

/**
 * The rule that the first definition of a ref wins across sources (Backstage's "conflicting entity" rule): an entity
 * stored under a scope starting with `scopePrefix` stays there while it is not orphaned and its scope is not among
 * the scopes this import reads, and another source's definition of it is refused. Checked under the catalog write
 * lock, so that two replicas syncing two repositories that define the same entity cannot both take it.
 */
export interface FirstDefinitionWins {
  scopePrefix: string;
  /**
   * Where the kept definition is, as the refusal of `entity` names it: `repository acme/payments` for a scope
   * `github:acme/payments`, or its file relative to the refused one's. `location` is the stored source location.
   */
  describeDefinition(stored: { scope: string; location: string | null }, entity: ProcessedEntity): string;
}

export type RefreshOutcome =
  /** `source` is the file or repository read; the counts cover everything it holds. */
  | {
      status: 'refreshed';
      source: string;
      counts: ImportCounts;
      errors: IngestError[];
      /** Orphans (of any source) past the grace period, deleted after the refresh. */
      purged?: number;
    }
  /** The source could not be reached (GitHub down, a file gone); nothing was changed. */
  | { status: 'unavailable'; source: string; reason: string }
  /** Wayfinder cannot read this entity's source (no source recorded, or GitHub is not configured). */
  | { status: 'unsupported'; reason: string };
