/**
 * The catalog model: Backstage's descriptor format as Wayfinder stores and answers from it.
 * See ../shared/reference/backstage.md §1 for the rules these types carry.
 */

/** Canonical entity reference: `kind:namespace/name`, all lowercase (Backstage's `stringifyEntityRef`). */
export type EntityRef = string;

export interface CompoundEntityRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface EntityLink {
  url: string;
  title?: string;
  icon?: string;
  type?: string;
}

export interface EntityMetadata {
  name: string;
  namespace?: string;
  title?: string;
  description?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  tags?: string[];
  links?: EntityLink[];
  [key: string]: unknown;
}

/** A descriptor document as written in `catalog-info.yaml`. */
export interface EntityEnvelope {
  apiVersion: string;
  kind: string;
  metadata: EntityMetadata;
  spec?: Record<string, unknown>;
}

/** Backstage's well-known relation types; every pair is stored in both directions. */
export const RELATION_PAIRS = {
  ownedBy: 'ownerOf',
  ownerOf: 'ownedBy',
  providesApi: 'apiProvidedBy',
  apiProvidedBy: 'providesApi',
  consumesApi: 'apiConsumedBy',
  apiConsumedBy: 'consumesApi',
  dependsOn: 'dependencyOf',
  dependencyOf: 'dependsOn',
  parentOf: 'childOf',
  childOf: 'parentOf',
  memberOf: 'hasMember',
  hasMember: 'memberOf',
  partOf: 'hasPart',
  hasPart: 'partOf',
  // An AiResource plugin's skills and a marketplace's plugins (Backstage's RELATION_HAS_SKILL, RELATION_HAS_PLUGIN).
  hasSkill: 'skillOf',
  skillOf: 'hasSkill',
  hasPlugin: 'pluginOf',
  pluginOf: 'hasPlugin',
} as const;

export type RelationType = keyof typeof RELATION_PAIRS;

export interface Relation {
  source: EntityRef;
  type: RelationType;
  target: EntityRef;
}

/** Where a document came from: `file:/abs/path/catalog-info.yaml` (Backstage's `<type>:<target>`) and its line. */
export interface SourcePosition {
  location: string;
  /** 1-based line of the document's first line in the file. */
  line: number;
}

/**
 * A validated, ready-to-store entity. `relations` holds the relations this entity's own spec declares,
 * in both directions (the reverse ones have this entity as target); the store keeps them per source entity.
 */
export interface ProcessedEntity {
  ref: EntityRef;
  kind: string;
  namespace: string;
  name: string;
  envelope: EntityEnvelope;
  relations: Relation[];
  source: SourcePosition;
  /** sha-256 of the normalised envelope and relations; equal hashes mean nothing to write. */
  hash: string;
}

/** A descriptor document, or a file, that could not be read or validated. */
export interface IngestError {
  location: string;
  /** 1-based line of the field at fault where the file has it, else of the document; absent for a whole file. */
  line?: number;
  /** 1-based line of the document, when `line` is a field's line inside it: errors of one document count once. */
  documentLine?: number;
  /** Path of the offending field, e.g. `metadata.name` or `spec.owner`; absent for file-level failures. */
  field?: string;
  /** What is wrong, what was expected, and (where useful) what to do. */
  message: string;
  /** The entity ref the document would have had, when it got that far. */
  entityRef?: EntityRef;
  /** A problem that did not stop the entity (it was imported): not counted as failed, and orphans nothing less. */
  warning?: true;
}

/**
 * A document, Location target or placeholder that was left unread on purpose (a kind Wayfinder does not read, a url
 * target with no GitHub configured): not a failure, but reported with the reason.
 */
export interface SkippedDocument {
  location: string;
  /** 1-based line of the document, when known. */
  line?: number;
  /** The field that named what was skipped, e.g. `kind`, `spec.targets[0]` or `spec.definition`. */
  field?: string;
  entityRef?: EntityRef;
  /** Why it was skipped and what would make it read. */
  reason: string;
  /**
   * A `$text`/`$json`/`$yaml` placeholder left unread: its document was imported with the placeholder kept as
   * written, so it is counted as a placeholder not read, never as a document skipped.
   */
  placeholder?: true;
}

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  /** Entities whose source was read again and no longer holds them (kept, flagged, until the grace period ends). */
  orphaned: number;
  failed: number;
}
