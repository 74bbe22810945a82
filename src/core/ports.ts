/**
 * The ports the core needs, implemented by adapters (`src/db`, `src/github`, later `src/ai`).
 * Methods take one options object so that new options never reorder arguments.
 */

import type { ChannelSpan } from './catalog/facts.ts';
import type {
  EntityEnvelope,
  EntityRef,
  ImportCounts,
  IngestError,
  ProcessedEntity,
  RelationType,
} from './catalog/types.ts';
import type { ChatIds, ChatPlatform, Message } from './view-model.ts';

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
  }): Promise<Omit<ImportCounts, 'failed'>>;
  /** Deletes the entities orphaned before `before`, with the relations they declared; returns how many. */
  purgeOrphans(opts: { before: Date }): Promise<number>;
  /** The entities last read from `location` (a file), by ref: whom to tell when that file no longer reads. */
  listRefsAt(opts: { location: string }): Promise<EntityRef[]>;
  /** The scope each of `refs` was read from; refs not in the catalog are left out. */
  listSourceScopes(opts: { refs: readonly EntityRef[] }): Promise<Map<EntityRef, StoredSource>>;
  listIngestErrors(opts?: { location?: string }): Promise<IngestError[]>;
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
   * when a filter is given. `kind` keeps one kind; `ownerRefs` keeps entities owned by any of those refs.
   */
  search(opts: {
    text: string;
    limit: number;
    /** Hits to skip, best first (default 0): page 2 of 20 is offset 20. */
    offset?: number;
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
}

/** A repository as last synced. */
export interface RepositorySyncState {
  fullName: string;
  defaultBranch: string;
  pushedAt: string | null;
  /** Descriptor files read (catalog paths and Location targets), to tell whether a push touched one. */
  descriptorPaths: string[];
}

/** What the GitHub sync remembers between runs, shared by replicas. */
export interface SyncStateStore {
  listRepositories(): Promise<RepositorySyncState[]>;
  /** One repository's state, its name matched case-insensitively (as GitHub does); undefined if never synced. */
  getRepository(opts: { fullName: string }): Promise<RepositorySyncState | undefined>;
  saveRepositories(opts: { states: readonly RepositorySyncState[] }): Promise<void>;
  forgetRepositories(opts: { fullNames: readonly string[] }): Promise<void>;
  /**
   * Claims the error notices not yet posted, and forgets the notices of errors no longer in `current` (so an error
   * that comes back is posted again). Returns the fingerprints newly claimed, which the caller posts.
   */
  claimErrorNotices(opts: { fingerprints: readonly string[]; current: readonly string[] }): Promise<string[]>;
}

/** Re-reads one entity's source on demand (`/wayfinder refresh <name>`). */
export interface CatalogRefresher {
  refresh(opts: { entity: EntityRecord }): Promise<RefreshOutcome>;
}

export type RefreshOutcome =
  /** `source` is the file or repository read; the counts cover everything it holds. */
  | { status: 'refreshed'; source: string; counts: ImportCounts; errors: IngestError[] }
  /** The source could not be reached (GitHub down, a file gone); nothing was changed. */
  | { status: 'unavailable'; source: string; reason: string }
  /** Wayfinder cannot read this entity's source (no source recorded, or GitHub is not configured). */
  | { status: 'unsupported'; reason: string };

/** Posts a message to a chat channel (a team's `slack.com/bot-notify`). */
export interface ChannelNotifier {
  /** Whether `channel` is somewhere this notifier can post (on Slack: a channel id or name, not a person's id). */
  reaches(opts: { channel: ChannelSpan }): boolean;
  post(opts: { channel: ChannelSpan; message: Message }): Promise<void>;
}

/** Deliveries already handled, so that a retried delivery (Slack retries events up to three times) acts once. */
export interface ProcessedEventLog {
  /** True the first time `eventId` from `source` is claimed, on any replica; false for every later claim. */
  claim(opts: { source: string; eventId: string }): Promise<boolean>;
  /** Forgets claims older than `before`; returns how many. */
  prune(opts: { before: Date }): Promise<number>;
}

/** A conditional read: `changed: false` means GitHub answered 304 Not Modified and `value` is the cached copy. */
export interface Conditional<T> {
  value: T;
  changed: boolean;
}

export interface GitHubRepository {
  /** `owner/name` as GitHub spells it now (after a rename or transfer, the new one). */
  fullName: string;
  owner: string;
  name: string;
  defaultBranch: string;
  htmlUrl: string;
  archived: boolean;
  fork: boolean;
  topics: string[];
  /** ISO 8601; null for an empty repository. */
  pushedAt: string | null;
}

export interface GitHubFile {
  /** `owner/name`. */
  repo: string;
  path: string;
  /** The ref asked for (branch, tag or commit sha). */
  ref: string;
  /** The file decoded as UTF-8. */
  text: string;
  /** Git blob sha of the content. */
  sha: string;
  htmlUrl: string;
}

export interface GitHubTeam {
  slug: string;
  name: string;
  description: string | null;
  /** The parent team's slug; null for a top-level team. */
  parentSlug: string | null;
  htmlUrl: string;
}

export interface GitHubUser {
  login: string;
  name: string | null;
  /**
   * The user's first organisation-verified email when `getUser` was given the organisation and GitHub tells one, else
   * the public profile email; null when there is neither (the user keeps it private).
   */
  email: string | null;
  htmlUrl: string;
  avatarUrl: string | null;
}

export interface GitHubRequestStats {
  /** HTTP requests GitHub received: every page and GraphQL query, each retry of one, and token requests. */
  requests: number;
  /** Of those, how many GitHub answered 304 Not Modified (free of rate limit). */
  notModified: number;
  /** From the latest response's `x-ratelimit-remaining`; null before the first response. */
  rateLimitRemaining: number | null;
  /** From the latest response's `x-ratelimit-reset`. */
  rateLimitReset: Date | null;
}

/**
 * Everything Wayfinder reads from GitHub, implemented by `OctokitGitHubGateway`.
 *
 * Reads are conditional: each sends the ETag of its last 200 (kept in a `ConditionalCache`), so an unchanged answer
 * costs no rate limit and comes back with `changed: false`. A list is complete and in GitHub's order; it is
 * `changed` when any of its pages changed.
 *
 * Errors: a 404 is an answer (`undefined`, `{ missing: true }`), except for an organisation or team that does not
 * exist (`NotFoundError`). When GitHub keeps failing after the client's retries (5xx, timeouts, a rate limit that
 * will not reset soon) the call throws `GitHubUnavailableError`, and the caller should leave what that call covers
 * as it was. Other refusals (401 bad credentials, 403 no permission) throw `UpstreamError`.
 */
export interface GitHubGateway {
  /** Every repository of the organisation, archived and forks included (filtering is the caller's choice). */
  listRepositories(opts: { org: string }): Promise<Conditional<GitHubRepository[]>>;
  /**
   * undefined when the repository does not exist (404). A renamed or transferred repository is found under its old
   * name (GitHub redirects) and returned with its new `fullName`.
   */
  getRepository(opts: { fullName: string }): Promise<GitHubRepository | undefined>;
  /** `missing` when the file, the ref or the repository does not exist, or `path` is a directory. */
  readFile(opts: { repo: string; path: string; ref: string }): Promise<Conditional<GitHubFile> | { missing: true }>;
  listTeams(opts: { org: string }): Promise<Conditional<GitHubTeam[]>>;
  /**
   * Members' logins, in GitHub's order, from the REST API, which includes the members of child teams: for a team
   * without child teams these are its direct members; for the others see `listImmediateTeamMembers`.
   */
  listTeamMembers(opts: { org: string; teamSlug: string }): Promise<Conditional<string[]>>;
  /**
   * Every team's direct members (GitHub's `IMMEDIATE` membership, as Backstage's GitHub provider reads it), by team
   * slug: a person who is a direct member of a team and of its child team is a member of both, and one who is only
   * in the child team is not a member of the parent. Read from GraphQL, which has no ETags: the last answer is
   * reused while `reread` is false (the caller saw no change in the REST lists) and it is less than a day old.
   */
  listImmediateTeamMembers(opts: { org: string; reread: boolean }): Promise<Conditional<Record<string, string[]>>>;
  /**
   * undefined when the account does not exist (404), e.g. deleted since a team listed it. With `org`, the email is
   * the one the user verified on a domain of that organisation when there is one (GraphQL; needs organisation members
   * read access, and falls back to the public email without it). Verified emails are read for the whole
   * organisation at once and at most a day old, so an unchanged user costs a 304 only.
   */
  getUser(opts: { login: string; org?: string }): Promise<Conditional<GitHubUser> | undefined>;
  stats(): GitHubRequestStats;
}

/**
 * ETag and body of a previous 200, keyed by request URL, so that the next read can be conditional. Postgres-backed
 * in production and shared by replicas; `InMemoryConditionalCache` for tests and one-off CLI runs. Bodies are plain
 * JSON values. A cache is per GitHub identity: ETags depend on the token that read them.
 */
export interface ConditionalCache {
  get(opts: { key: string }): Promise<{ etag: string; body: unknown } | undefined>;
  set(opts: { key: string; etag: string; body: unknown }): Promise<void>;
}

/**
 * Expiring leases that let one replica at a time run a scheduled job (`job_leases`). Times are the database's clock,
 * so replicas' clocks need not agree.
 */
export interface JobLock {
  /** True when `holder` now holds `name` for `ttlMs`: nobody held it, or the last lease expired (its holder died). */
  tryAcquire(opts: { name: string; holder: string; ttlMs: number }): Promise<boolean>;
  /** Extends `holder`'s lease to `ttlMs` from now; false when `holder` no longer holds it (it expired and was taken). */
  renew(opts: { name: string; holder: string; ttlMs: number }): Promise<boolean>;
  /**
   * Ends `holder`'s lease, at once or `keepMs` from now: a replica whose tick fires a little late then finds the
   * job still held and skips instead of running it a second time.
   */
  release(opts: { name: string; holder: string; keepMs?: number }): Promise<void>;
}
