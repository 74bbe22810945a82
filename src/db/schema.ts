/**
 * The catalog's tables. drizzle-kit generates `migrations/` from this file (STYLE.md rule 14); after a change run
 * `npm run db:generate` and commit the new migration. Row types declared here never leave `src/db` (rule 15).
 *
 * Generated columns and expression indexes are written with bare column names: Postgres evaluates them per row of
 * this table, and a table-qualified name is not accepted everywhere drizzle-kit would print one.
 */
import { type SQL, sql } from 'drizzle-orm';
import {
  boolean,
  customType,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { EntityEnvelope } from '../core/catalog/types.ts';

/** Postgres `tsvector`; only ever written by Postgres itself (generated column), read as its text form. */
const tsvector = customType<{ data: string }>({
  dataType() {
    return 'tsvector';
  },
});

/**
 * An entity's name and title, lowercased, as one text: what name suggestions compare with. Queries must use this
 * same expression for Postgres to use `entities_label_trgm_gist_idx`.
 */
export function entityLabel(name: SQL, title: SQL): SQL {
  return sql`(lower(${name}) || ' ' || lower(coalesce(${title}, '')))`;
}

/** A weighted full-text document for the `search` column (english stemming). */
function weighted(document: string, weight: 'A' | 'B' | 'C'): string {
  return `setweight(to_tsvector('english', ${document}), '${weight}')`;
}

const ALIASES_ANNOTATION = `"envelope" -> 'metadata' -> 'annotations' ->> 'wayfinder.dev/aliases'`;

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** One row per catalog entity, keyed by its canonical ref. */
export const entities = pgTable(
  'entities',
  {
    /** `kind:namespace/name`, all lowercase (Backstage's `stringifyEntityRef`). */
    ref: text('ref').primaryKey(),
    /** Lowercase, as in the ref (`component`); the envelope keeps the kind as written. */
    kind: text('kind').notNull(),
    /** Lowercase, as in the ref. */
    namespace: text('namespace').notNull(),
    /** As written in the descriptor (names are case-insensitive but shown as written). */
    name: text('name').notNull(),
    title: text('title'),
    description: text('description'),
    /** Canonical ref of `spec.owner` (the `ownedBy` relation's target), even when that entity does not exist. */
    ownerRef: text('owner_ref'),
    lifecycle: text('lifecycle'),
    type: text('type'),
    envelope: jsonb('envelope').$type<EntityEnvelope>().notNull(),
    sourceLocation: text('source_location'),
    /**
     * What a sync reads as a whole (`github:acme/payments-api`, `github-teams:acme`): an entity of a scope read again
     * that is no longer there is an orphan. Null for files imported by hand, which are never orphaned.
     */
    sourceScope: text('source_scope'),
    contentHash: text('content_hash').notNull(),
    orphan: boolean('orphan').notNull().default(false),
    /** When the entity's source went away; it is deleted a grace period later (`WAYFINDER_ORPHAN_GRACE`). */
    orphanedAt: timestamp('orphaned_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Full-text document: name and title weigh most, then tags, then the description. */
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql.raw(
          [
            weighted(`coalesce("name", '')`, 'A'),
            weighted(`coalesce("title", '')`, 'A'),
            // to_tsvector(jsonb) reads the string values: here, the tags.
            weighted(`coalesce("envelope" -> 'metadata' -> 'tags', '[]'::jsonb)`, 'B'),
            weighted(`coalesce("description", '')`, 'C'),
          ].join(' || '),
        ),
      ),
    /** `wayfinder.dev/aliases`, lowercased and split on commas, so `/owner <alias>` is one index probe. */
    aliases: text('aliases')
      .array()
      .generatedAlwaysAs(sql.raw(`regexp_split_to_array(lower(btrim(${ALIASES_ANNOTATION})), '\\s*,\\s*')`)),
  },
  (t) => [
    index('entities_search_idx').using('gin', t.search),
    // GIN serves the trigram filters of search (`%`, LIKE '%text%').
    index('entities_name_trgm_idx').using('gin', sql`lower(${t.name}) gin_trgm_ops`),
    index('entities_title_trgm_idx').using('gin', sql`lower(${t.title}) gin_trgm_ops`),
    // GiST answers "the k nearest labels" (`order by text <<-> label limit k`) for name suggestions without scoring
    // every row. Over the label rather than the name, so that `lower(name) = ...` keeps using the btree.
    index('entities_label_trgm_gist_idx').using(
      'gist',
      sql`${entityLabel(sql`${t.name}`, sql`${t.title}`)} gist_trgm_ops`,
    ),
    index('entities_lower_name_idx').on(sql`lower(${t.name})`),
    index('entities_lower_title_idx').on(sql`lower(${t.title})`),
    // Probed by every name lookup: no pending list (fastupdate), which PGlite, lacking autovacuum, would never flush
    // and every lookup would scan. Aliases are few, so writing them straight into the index costs little.
    index('entities_aliases_idx').using('gin', t.aliases).with({ fastupdate: false }),
    index('entities_owner_ref_idx').on(t.ownerRef),
    index('entities_source_scope_idx').on(t.sourceScope),
    index('entities_orphaned_at_idx').on(t.orphanedAt).where(sql`${t.orphan}`),
    /** User entities by email, to link chat identities and to resolve a name typed as an email. */
    index('entities_email_idx')
      .on(sql`lower(${t.envelope} #>> '{spec,profile,email}')`)
      .where(sql`${t.envelope} #>> '{spec,profile,email}' is not null`),
    /** People and teams by `spec.profile.displayName`, to resolve `/owner Ada Lovelace`. */
    index('entities_display_name_idx')
      .on(sql`lower(${t.envelope} #>> '{spec,profile,displayName}')`)
      .where(sql`${t.envelope} #>> '{spec,profile,displayName}' is not null`),
  ],
);

/**
 * Relations in both directions, each recorded under the entity whose descriptor declared it (`origin_ref`), so that
 * re-importing one entity replaces exactly the relations it contributed. The same relation may appear once per origin.
 */
export const relations = pgTable(
  'relations',
  {
    sourceRef: text('source_ref').notNull(),
    type: text('type').notNull(),
    targetRef: text('target_ref').notNull(),
    originRef: text('origin_ref').notNull(),
  },
  (t) => [
    // The primary key's leading columns serve lookups by (source_ref, type).
    primaryKey({ columns: [t.sourceRef, t.type, t.targetRef, t.originRef] }),
    index('relations_target_type_idx').on(t.targetRef, t.type),
    index('relations_origin_idx').on(t.originRef),
  ],
);

/** Every file (or URL) read, with when it was last read. */
export const locations = pgTable('locations', {
  location: text('location').primaryKey(),
  lastReadAt: timestamp('last_read_at', { withTimezone: true }).notNull().defaultNow(),
});

/** What could not be read or validated at the last read of each location. */
export const ingestErrors = pgTable(
  'ingest_errors',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    location: text('location').notNull(),
    line: integer('line'),
    field: text('field'),
    message: text('message').notNull(),
    entityRef: text('entity_ref'),
    createdAt: createdAt(),
  },
  (t) => [index('ingest_errors_location_idx').on(t.location)],
);

/**
 * Each entity's owner, worked out through its system and domain when the catalog changes
 * (`queries/ownership.ts`); an entity that nobody in that chain owns has no row.
 */
export const entityOwners = pgTable(
  'entity_owners',
  {
    ref: text('ref').primaryKey(),
    /** `entity`, `system` or `domain`: whose `spec.owner` answered. */
    via: text('via').notNull(),
    /** The entity whose `spec.owner` answered: this one, its system or its domain. */
    fromRef: text('from_ref').notNull(),
    ownerRef: text('owner_ref').notNull(),
    /** `group` or `user`. */
    ownerKind: text('owner_kind').notNull(),
  },
  // What a team or person holds (`queries/holdings.ts`) is read by owner.
  (t) => [index('entity_owners_owner_ref_idx').on(t.ownerRef)],
);

/**
 * Each Group's answer card (`queries/team-cards.ts`): the team, its parent teams and its members, rebuilt by every
 * import that writes, so `/owner` reads one row instead of walking relations.
 */
export const teamCards = pgTable('team_cards', {
  teamRef: text('team_ref').primaryKey(),
  /**
   * `json`, not `jsonb`: the card is only ever read whole, and sending `json` is sending its text, where `jsonb` is
   * written out again on every read (3 KB of it: 40 µs of a 340 µs `/owner` statement).
   */
  card: json('card').notNull(),
  /** The members' emails, lowercased: how their chat ids are found (`memberIds`). */
  memberEmails: text('member_emails').array().notNull(),
  /**
   * The members' ids on each chat platform: platform → lowercased email → user id. Kept up to date when the card is
   * rebuilt and when an identity is saved (`queries/team-cards.ts`); null until worked out after the migration that
   * added it.
   */
  memberIds: jsonb('member_ids').$type<Record<string, Record<string, string>>>(),
});

/** A chat user and, once known, the catalog User with the same email. */
export const chatIdentities = pgTable(
  'chat_identities',
  {
    platform: text('platform').notNull(),
    platformUserId: text('platform_user_id').notNull(),
    email: text('email'),
    userRef: text('user_ref'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.platform, t.platformUserId] }),
    index('chat_identities_email_idx').on(sql`lower(${t.email})`),
  ],
);

/**
 * Deliveries already handled, for at-least-once sources (Slack events and their retries). A claim is an insert
 * that wins or hits the primary key, so it holds across replicas. Rows older than a day are pruned at start-up:
 * Slack's last retry comes about five minutes after the first delivery.
 */
export const processedEvents = pgTable(
  'processed_events',
  {
    source: text('source').notNull(),
    eventId: text('event_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.source, t.eventId] }), index('processed_events_received_at_idx').on(t.receivedAt)],
);

/**
 * The ETag and body of the last 200 for a GitHub request (`ConditionalCache`), so that the next sync asks with
 * `If-None-Match` and an unchanged answer costs a free 304. Shared by replicas.
 */
export const conditionalCache = pgTable('conditional_cache', {
  key: text('key').primaryKey(),
  etag: text('etag').notNull(),
  body: jsonb('body').notNull(),
  updatedAt: updatedAt(),
});

/** Each repository as last synced: a repository GitHub lists with the same push time and branch is not read again. */
export const githubRepositories = pgTable('github_repositories', {
  fullName: text('full_name').primaryKey(),
  defaultBranch: text('default_branch').notNull(),
  pushedAt: text('pushed_at'),
  /** Descriptor files read at the last sync (catalog paths and Location targets), for matching pushes. */
  descriptorPaths: text('descriptor_paths').array().notNull(),
  syncedAt: timestamp('synced_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Ingest errors already posted to the owning team's channel, by fingerprint, so each is posted once. */
export const errorNotices = pgTable('error_notices', {
  fingerprint: text('fingerprint').primaryKey(),
  notifiedAt: timestamp('notified_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Who runs each scheduled job now (`JobLock`). Every replica's cron fires; the one whose insert or takeover wins runs
 * the job, renewing `leased_until` while it works. A replica that dies mid-run stops renewing, and the lease is taken
 * over once it expires. Statements are single and short: nothing holds a transaction open for a job's duration.
 */
export const jobLeases = pgTable('job_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  leasedUntil: timestamp('leased_until', { withTimezone: true }).notNull(),
});

/**
 * Template requests (`src/requests/`): who asked for which template with which values, where it stands in the state
 * machine (`src/core/requests/types.ts`), who decided, and the run's claim: `claimed_by` and `heartbeat_at` while a
 * replica runs it. A claim whose heartbeat is stale is taken over by another replica, which resumes at the first
 * unfinished step.
 */
export const templateRequests = pgTable(
  'template_requests',
  {
    id: text('id').primaryKey(),
    templateRef: text('template_ref').notNull(),
    templateTitle: text('template_title').notNull(),
    values: jsonb('values').$type<Record<string, unknown>>().notNull(),
    /** `{ platform, id, userRef? }` */
    requester: jsonb('requester').$type<Record<string, unknown>>().notNull(),
    state: text('state').notNull(),
    approvers: text('approvers'),
    allowSelfApproval: boolean('allow_self_approval').notNull().default(false),
    decidedBy: jsonb('decided_by').$type<Record<string, unknown>>(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    reason: text('reason'),
    output: jsonb('output').$type<Record<string, unknown>>(),
    error: text('error'),
    statusMessage: jsonb('status_message').$type<Record<string, unknown>>(),
    approvalMessages: jsonb('approval_messages').$type<Record<string, unknown>[]>().notNull().default([]),
    claimedBy: text('claimed_by'),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('template_requests_state_idx').on(t.state, t.createdAt),
    index('template_requests_created_idx').on(t.createdAt),
  ],
);

/** Each step of a request as it ran: status, output, log lines and attempts. */
export const requestSteps = pgTable(
  'request_steps',
  {
    requestId: text('request_id')
      .notNull()
      .references(() => templateRequests.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    stepId: text('step_id').notNull(),
    name: text('name').notNull(),
    action: text('action').notNull(),
    status: text('status').notNull().default('pending'),
    output: jsonb('output').$type<Record<string, unknown>>().notNull().default({}),
    log: text('log').array().notNull().default([]),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** What the step's action recorded across attempts (`StepJournal`): a dispatch about to be sent. */
    journal: jsonb('journal').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.stepId] })],
);

/** Every request, decision, retry and cancel: who (platform, id, catalog User) and when. Append-only. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    requestId: text('request_id').notNull(),
    action: text('action').notNull(),
    actor: jsonb('actor').$type<Record<string, unknown>>(),
    detail: text('detail'),
  },
  (t) => [index('audit_log_request_idx').on(t.requestId, t.at)],
);

/** `/provision` wizards between views (Slack's `private_metadata` holds only the id). Pruned after a day. */
export const wizardSessions = pgTable('wizard_sessions', {
  id: text('id').primaryKey(),
  owner: text('owner').notNull(),
  templateRef: text('template_ref').notNull(),
  page: integer('page').notNull().default(0),
  values: jsonb('values').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * Docs sources (issue 10): a local folder indexed with `wayfinder docs index`, or a repository's docs read through
 * GitHub (`backstage.io/techdocs-ref`). `key` names it (`dir:/srv/docs/payments`, `github:acme/payments-api:docs`).
 */
export const docSources = pgTable('doc_sources', {
  key: text('key').primaryKey(),
  /** The entity the docs describe (`component:default/payments-api`); its owner answers when the docs do not. */
  entityRef: text('entity_ref'),
  /** Where a file's page is shown: a file's link is this base plus its path (and `#anchor` for a section). */
  baseUrl: text('base_url'),
  /**
   * For a source read from GitHub: what its last complete indexing read (the blob shas of the repository's markdown
   * and mkdocs.yml at the ref, and the indexing settings); the same tree again means nothing to read.
   */
  fingerprint: text('fingerprint'),
  indexedAt: updatedAt(),
});

/** One markdown file of a source as last indexed; an unchanged `content_hash` (or `version`) means nothing to do. */
export const docFiles = pgTable(
  'doc_files',
  {
    sourceKey: text('source_key')
      .notNull()
      .references(() => docSources.key, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    title: text('title').notNull(),
    contentHash: text('content_hash').notNull(),
    /**
     * For a file read from GitHub: its Git blob sha with its title and the chunker's version (`fileVersion`); the
     * same version again means the file need not be read. Null when unknown.
     */
    version: text('version'),
    indexedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.sourceKey, t.path] })],
);

/**
 * A section of a file, cut on its headings (`src/docs/markdown-chunks.ts`). `search` weighs the heading path (with the
 * file's title) above the text; `heading_search` holds the heading path alone. `embedding` (float4[]) is kept when the chunk's `content_hash` and the model are
 * unchanged; where pgvector is installed an HNSW index over `embedding::vector(n)` is made for the configured size.
 */
export const docChunks = pgTable(
  'doc_chunks',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    sourceKey: text('source_key')
      .notNull()
      .references(() => docSources.key, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    ordinal: integer('ordinal').notNull(),
    entityRef: text('entity_ref'),
    title: text('title').notNull(),
    headingPath: text('heading_path').array().notNull(),
    /** The title and heading path as one text, for the weighted full-text document. */
    headings: text('headings').notNull(),
    url: text('url'),
    content: text('content').notNull(),
    contentHash: text('content_hash').notNull(),
    embedding: real('embedding').array(),
    embeddingModel: text('embedding_model'),
    embeddingDimensions: integer('embedding_dimensions'),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(sql.raw([weighted('"headings"', 'A'), weighted('"content"', 'C')].join(' || '))),
    /** The title and heading path alone, so that chunks whose headings hold the question's words are found apart. */
    headingSearch: tsvector('heading_search')
      .notNull()
      .generatedAlwaysAs(sql.raw(`to_tsvector('english', "headings")`)),
  },
  (t) => [
    // With GIN's pending list (fastupdate, the default) inserts are fast (with it off, 100,000 chunks took 33 minutes
    // to load on PGlite), and an indexing run ends by merging the list into the index (`gin_clean_pending_list`, see
    // `DrizzleDocsIndexStore.mergeSearchIndex`), so that searches do not scan entries left there (296 pages read by
    // every query after indexing 100,000 chunks). https://www.postgresql.org/docs/current/gin.html#GIN-FAST-UPDATE
    index('doc_chunks_search_idx').using('gin', t.search),
    index('doc_chunks_heading_search_idx').using('gin', t.headingSearch),
    index('doc_chunks_file_idx').on(t.sourceKey, t.path),
    index('doc_chunks_entity_idx').on(t.entityRef),
    index('doc_chunks_hash_idx').on(t.contentHash),
  ],
);

/**
 * Each question answered, once per `key` (the Slack event id, or a command's own id): a retry that finds its key
 * taken is not answered again. `thread_key` groups a thread's questions, so a follow-up is read with the earlier ones.
 */
export const docQuestions = pgTable(
  'doc_questions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    key: text('key').notNull().unique(),
    threadKey: text('thread_key'),
    asker: text('asker'),
    question: text('question').notNull(),
    answer: text('answer'),
    createdAt: createdAt(),
  },
  (t) => [index('doc_questions_thread_idx').on(t.threadKey, t.createdAt)],
);

/** Helpful / not helpful, one vote per person and answer (the last one counts). */
export const docFeedback = pgTable(
  'doc_feedback',
  {
    questionId: integer('question_id')
      .notNull()
      .references(() => docQuestions.id, { onDelete: 'cascade' }),
    voter: text('voter').notNull(),
    helpful: boolean('helpful').notNull(),
    votedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.voter] })],
);

/**
 * Scorecard results per entity, scorecard and ISO week (`2026-W47`): the history trends and "last week" are read from.
 * Evaluating again in the same week overwrites that week's row. `outcomes` maps each rule id to pass, fail, unknown or
 * exempt. `level` indexes the scorecard's levels, -1 below the first.
 */
export const scorecardResults = pgTable(
  'scorecard_results',
  {
    scorecardId: text('scorecard_id').notNull(),
    period: text('period').notNull(),
    entityRef: text('entity_ref').notNull(),
    level: integer('level').notNull(),
    score: real('score').notNull(),
    outcomes: jsonb('outcomes').$type<Record<string, string>>().notNull(),
    evaluatedAt: timestamp('evaluated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.period, t.scorecardId, t.entityRef] }),
    index('scorecard_results_entity_idx').on(t.entityRef, t.period),
  ],
);

/**
 * Facts collected from outside the catalog (GitHub), one row per entity and fact, with when they were read. A fact
 * that could not be read has a null value and the reason in `unknown_reason`.
 */
export const entityFacts = pgTable(
  'entity_facts',
  {
    entityRef: text('entity_ref').notNull(),
    name: text('name').notNull(),
    value: jsonb('value'),
    unknownReason: text('unknown_reason'),
    readAt: timestamp('read_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.entityRef, t.name] })],
);

/**
 * One weekly digest post: unique per team, channel and period, claimed by one replica before it posts and marked
 * after. `status`: pending → sending (claimed until `claimed_until`) → posted, or failed after the last attempt.
 * The org digest's team is `org`.
 */
export const digestDeliveries = pgTable(
  'digest_deliveries',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    teamRef: text('team_ref').notNull(),
    channel: text('channel').notNull(),
    period: text('period').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    claimedBy: text('claimed_by'),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    messageTs: text('message_ts'),
    createdAt: createdAt(),
    postedAt: timestamp('posted_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('digest_deliveries_key_idx').on(t.teamRef, t.channel, t.period),
    index('digest_deliveries_period_status_idx').on(t.period, t.status),
  ],
);

/** Each week's digest run: planned once (the deliveries written), finished when none is left to post. */
export const digestRuns = pgTable('digest_runs', {
  period: text('period').primaryKey(),
  /** Teams skipped for want of a channel (`slack.com/bot-notify`), as refs. */
  skipped: text('skipped').array().notNull(),
  plannedAt: timestamp('planned_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});
