import type { EntityRef } from '../catalog/types.ts';

/** A chunk as the index stores it (`src/docs/markdown-chunks.ts` makes them). */
export interface StoredDocChunk {
  ordinal: number;
  headingPath: readonly string[];
  url?: string;
  content: string;
  contentHash: string;
  /** Its vector, when an embedder made one (or an earlier one with the same hash and model is reused). */
  embedding?: { model: string; vector: readonly number[] };
}

/** A chunk found by a search, with its file's title and source entity. */
export interface DocChunkHit {
  id: number;
  title: string;
  headingPath: readonly string[];
  /** The file's path in its source. */
  path: string;
  url?: string;
  content: string;
  entityRef?: EntityRef;
  /**
   * Full-text hits: the share (0..1) of the question's distinctive words (English stems; generic words such as
   * "policy", "guide" or "how" are left out unless the question has no other) the chunk holds.
   */
  coverage?: number;
}

export interface DocsIndexStatus {
  sources: {
    key: string;
    entityRef?: EntityRef;
    baseUrl?: string;
    files: number;
    chunks: number;
    /** Chunks with a vector of the model and size asked about (`status({ embedding })`), else with any vector. */
    embedded: number;
    /** Chunks whose vector is of another model or size than the one asked about (0 when none was asked about). */
    otherModel: number;
    indexedAt: Date;
    /** The source names an entity the catalog no longer holds: its docs still answer, with no owner to name. */
    entityMissing: boolean;
  }[];
  /** Whether the database has pgvector (vector search by index) or searches vectors exactly. */
  vectorSearch: 'pgvector' | 'exact';
  feedback: { helpful: number; notHelpful: number };
  questions: number;
}

export interface DocSearchFilter {
  /** Only the docs of `entityRefs`, or of `ownerRefs` and what they own (either, when both are given). */
  scope?: { entityRefs?: readonly EntityRef[]; ownerRefs?: readonly EntityRef[] };
  limit: number;
}

/** A stored chunk that has no vector of the configured model and size (`DocsIndexStore.chunksToEmbed`). */
export interface ChunkToEmbed {
  id: number;
  /** Its file's title, embedded with it (`embeddingText`). */
  title: string;
  headingPath: readonly string[];
  content: string;
  contentHash: string;
}

/** Where the docs index lives (`DrizzleDocsIndexStore`). */
export interface DocsIndexStore {
  /** Creates or updates a source; its files are replaced by `saveFile`/`removeFiles`. */
  saveSource(opts: { key: string; entityRef?: EntityRef; baseUrl?: string }): Promise<void>;
  /** The sources whose key starts with `prefix`, ordered by key. */
  listSources(opts: {
    prefix: string;
  }): Promise<{ key: string; entityRef?: EntityRef; baseUrl?: string; fingerprint?: string }[]>;
  /** Records what the source's last complete indexing read (null: unknown, read it all next time). */
  setSourceFingerprint(opts: { key: string; fingerprint: string | null }): Promise<void>;
  /** Deletes a source with its files and chunks; nothing happens for an unknown key. */
  removeSource(opts: { key: string }): Promise<void>;
  /** The content hash of each file of the source, by path. */
  fileHashes(opts: { sourceKey: string }): Promise<Map<string, string>>;
  /** The version (`fileVersion`) of each file of the source that has one, by path. */
  fileVersions(opts: { sourceKey: string }): Promise<Map<string, string>>;
  /** Sets the version of a stored file whose content is unchanged (null: none). */
  setFileVersion(opts: { sourceKey: string; path: string; version: string | null }): Promise<void>;
  /**
   * Vectors already stored for these chunk hashes, by hash, so that unchanged chunks are not embedded again: those of
   * `model` with `dimensions` numbers when given, else the latest stored of any model (kept by a run without an
   * embedder, so that it does not throw away what an earlier run paid for).
   */
  embeddingsByHash(opts: {
    hashes: readonly string[];
    model?: string;
    dimensions?: number;
  }): Promise<Map<string, { model: string; vector: number[] }>>;
  /**
   * Up to `limit` chunks of the source, by id after `afterId`, with no vector of `model` at `dimensions` (none at all,
   * or one of another model or size): what an indexing run embeds though their files are unchanged.
   */
  chunksToEmbed(opts: {
    sourceKey: string;
    model: string;
    dimensions: number;
    afterId: number;
    limit: number;
  }): Promise<ChunkToEmbed[]>;
  /** Stores the vector of each chunk by id (replacing any other); unknown ids are left alone. */
  setEmbeddings(opts: {
    embeddings: readonly { id: number; model: string; vector: readonly number[] }[];
  }): Promise<void>;
  /** Replaces a file and its chunks in one transaction. */
  saveFile(opts: {
    sourceKey: string;
    path: string;
    title: string;
    contentHash: string;
    /** See `fileVersion`; absent: none. */
    version?: string;
    entityRef?: EntityRef;
    chunks: readonly StoredDocChunk[];
  }): Promise<void>;
  removeFiles(opts: { sourceKey: string; paths: readonly string[] }): Promise<void>;
  /**
   * Full-text search on the question's words (English stems): chunks holding more of the words first, then ranked
   * with the heading path weighing most; only a bounded pool of them is ranked.
   */
  searchLexical(opts: DocSearchFilter & { text: string }): Promise<DocChunkHit[]>;
  /**
   * Nearest chunks to `vector` by cosine distance among those embedded by `model`. `text`, the question the vector
   * was made from, lets a store without a vector index bound its exact search to the chunks sharing words with it.
   */
  searchVector(
    opts: DocSearchFilter & { vector: readonly number[]; model: string; text?: string },
  ): Promise<DocChunkHit[]>;
  /**
   * Merges what indexing added to the full-text index's pending list into the index proper, so that searches stop
   * scanning it; run at the end of an indexing run that wrote something. Returns the index pages merged.
   */
  mergeSearchIndex(): Promise<number>;
  /** Makes the vector index for `dimensions` where pgvector is installed; idempotent. */
  prepareVectorIndex(opts: { dimensions: number }): Promise<void>;
  /**
   * What is indexed. `embedding`, the configured model and size, decides which vectors count as embedded: vector
   * search compares only those.
   */
  status(opts?: { embedding?: { model: string; dimensions: number } }): Promise<DocsIndexStatus>;
}
