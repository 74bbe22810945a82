import { type AnyColumn, and, asc, desc, eq, gt, inArray, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm';
import type {
  ChunkToEmbed,
  DocChunkHit,
  DocSearchFilter,
  DocsIndexStatus,
  DocsIndexStore,
  StoredDocChunk,
} from '../core/ports/docs-index-store.ts';
import type { Db } from './drizzle-db.ts';
import { searchDocsLexical, searchDocsVector, vectorIndexStatement } from './queries/docs-search.ts';
import { docChunks, docFeedback, docFiles, docQuestions, docSources, entities } from './schema.ts';

/** `column is distinct from value`: true where the column is null too. */
function isDistinctFrom(column: AnyColumn, value: string | number): SQL {
  return sql`${column} is distinct from ${value}`;
}

/** The docs index on Postgres (PGlite or a server); vector search uses pgvector where the database has it. */
export class DrizzleDocsIndexStore implements DocsIndexStore {
  readonly #db: Db;
  #pgvector: Promise<boolean> | undefined;

  constructor(opts: { db: Db }) {
    this.#db = opts.db;
  }

  async saveSource(opts: { key: string; entityRef?: string; baseUrl?: string }): Promise<void> {
    const values = { key: opts.key, entityRef: opts.entityRef ?? null, baseUrl: opts.baseUrl ?? null };
    await this.#db
      .insert(docSources)
      .values(values)
      .onConflictDoUpdate({ target: docSources.key, set: { ...values, indexedAt: sql`now()` } });
  }

  async listSources(opts: {
    prefix: string;
  }): Promise<{ key: string; entityRef?: string; baseUrl?: string; fingerprint?: string }[]> {
    const rows = await this.#db
      .select({
        key: docSources.key,
        entityRef: docSources.entityRef,
        baseUrl: docSources.baseUrl,
        fingerprint: docSources.fingerprint,
      })
      .from(docSources)
      .where(sql`starts_with(${docSources.key}, ${opts.prefix})`)
      .orderBy(asc(docSources.key));
    return rows.map((row) => ({
      key: row.key,
      ...(row.entityRef ? { entityRef: row.entityRef } : {}),
      ...(row.baseUrl ? { baseUrl: row.baseUrl } : {}),
      ...(row.fingerprint ? { fingerprint: row.fingerprint } : {}),
    }));
  }

  async setSourceFingerprint(opts: { key: string; fingerprint: string | null }): Promise<void> {
    await this.#db.update(docSources).set({ fingerprint: opts.fingerprint }).where(eq(docSources.key, opts.key));
  }

  async removeSource(opts: { key: string }): Promise<void> {
    // Files and chunks go with it (on delete cascade).
    await this.#db.delete(docSources).where(eq(docSources.key, opts.key));
  }

  async fileHashes(opts: { sourceKey: string }): Promise<Map<string, string>> {
    const rows = await this.#db
      .select({ path: docFiles.path, hash: docFiles.contentHash })
      .from(docFiles)
      .where(eq(docFiles.sourceKey, opts.sourceKey));
    return new Map(rows.map((row) => [row.path, row.hash]));
  }

  async fileVersions(opts: { sourceKey: string }): Promise<Map<string, string>> {
    const rows = await this.#db
      .select({ path: docFiles.path, version: docFiles.version })
      .from(docFiles)
      .where(and(eq(docFiles.sourceKey, opts.sourceKey), isNotNull(docFiles.version)));
    return new Map(rows.flatMap((row) => (row.version ? [[row.path, row.version] as const] : [])));
  }

  async setFileVersion(opts: { sourceKey: string; path: string; version: string | null }): Promise<void> {
    await this.#db
      .update(docFiles)
      .set({ version: opts.version })
      .where(and(eq(docFiles.sourceKey, opts.sourceKey), eq(docFiles.path, opts.path)));
  }

  async embeddingsByHash(opts: {
    hashes: readonly string[];
    model?: string;
    dimensions?: number;
  }): Promise<Map<string, { model: string; vector: number[] }>> {
    if (opts.hashes.length === 0) return new Map();
    const rows = await this.#db
      .selectDistinctOn([docChunks.contentHash], {
        hash: docChunks.contentHash,
        embedding: docChunks.embedding,
        model: docChunks.embeddingModel,
      })
      .from(docChunks)
      .where(
        and(
          inArray(docChunks.contentHash, [...opts.hashes]),
          isNotNull(docChunks.embedding),
          isNotNull(docChunks.embeddingModel),
          opts.model === undefined ? undefined : eq(docChunks.embeddingModel, opts.model),
          opts.dimensions === undefined ? undefined : eq(docChunks.embeddingDimensions, opts.dimensions),
        ),
      )
      // The latest stored, when several models made one.
      .orderBy(docChunks.contentHash, desc(docChunks.id));
    return new Map(
      rows.flatMap((row) =>
        row.embedding && row.model ? [[row.hash, { model: row.model, vector: row.embedding }] as const] : [],
      ),
    );
  }

  async chunksToEmbed(opts: {
    sourceKey: string;
    model: string;
    dimensions: number;
    afterId: number;
    limit: number;
  }): Promise<ChunkToEmbed[]> {
    const rows = await this.#db
      .select({
        id: docChunks.id,
        title: docChunks.title,
        headingPath: docChunks.headingPath,
        content: docChunks.content,
        contentHash: docChunks.contentHash,
      })
      .from(docChunks)
      .where(
        and(
          eq(docChunks.sourceKey, opts.sourceKey),
          gt(docChunks.id, opts.afterId),
          or(
            isNull(docChunks.embedding),
            isDistinctFrom(docChunks.embeddingModel, opts.model),
            isDistinctFrom(docChunks.embeddingDimensions, opts.dimensions),
          ),
        ),
      )
      .orderBy(asc(docChunks.id))
      .limit(opts.limit);
    return rows;
  }

  async setEmbeddings(opts: {
    embeddings: readonly { id: number; model: string; vector: readonly number[] }[];
  }): Promise<void> {
    if (opts.embeddings.length === 0) return;
    // One statement for the lot: the rows travel as one JSON parameter, its arrays read as real[].
    const rows = opts.embeddings.map((row) => ({ id: row.id, model: row.model, embedding: row.vector }));
    await this.#db.execute(sql`
      update ${docChunks} c set embedding = v.embedding, embedding_model = v.model,
        embedding_dimensions = cardinality(v.embedding)
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id int, model text, embedding real[])
      where c.id = v.id`);
  }

  async saveFile(opts: {
    sourceKey: string;
    path: string;
    title: string;
    contentHash: string;
    version?: string;
    entityRef?: string;
    chunks: readonly StoredDocChunk[];
  }): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.delete(docChunks).where(and(eq(docChunks.sourceKey, opts.sourceKey), eq(docChunks.path, opts.path)));
      const file = {
        sourceKey: opts.sourceKey,
        path: opts.path,
        title: opts.title,
        contentHash: opts.contentHash,
        version: opts.version ?? null,
      };
      await tx
        .insert(docFiles)
        .values(file)
        .onConflictDoUpdate({ target: [docFiles.sourceKey, docFiles.path], set: { ...file, indexedAt: sql`now()` } });
      if (opts.chunks.length === 0) return;
      await tx.insert(docChunks).values(
        opts.chunks.map((chunk) => ({
          sourceKey: opts.sourceKey,
          path: opts.path,
          ordinal: chunk.ordinal,
          entityRef: opts.entityRef ?? null,
          title: opts.title,
          headingPath: [...chunk.headingPath],
          headings: [opts.title, ...chunk.headingPath.filter((heading) => heading !== opts.title)].join(' › '),
          url: chunk.url ?? null,
          content: chunk.content,
          contentHash: chunk.contentHash,
          embedding: chunk.embedding ? [...chunk.embedding.vector] : null,
          embeddingModel: chunk.embedding?.model ?? null,
          embeddingDimensions: chunk.embedding?.vector.length ?? null,
        })),
      );
    });
  }

  async removeFiles(opts: { sourceKey: string; paths: readonly string[] }): Promise<void> {
    if (opts.paths.length === 0) return;
    await this.#db.transaction(async (tx) => {
      const paths = [...opts.paths];
      await tx.delete(docChunks).where(and(eq(docChunks.sourceKey, opts.sourceKey), inArray(docChunks.path, paths)));
      await tx.delete(docFiles).where(and(eq(docFiles.sourceKey, opts.sourceKey), inArray(docFiles.path, paths)));
    });
  }

  searchLexical(opts: DocSearchFilter & { text: string }): Promise<DocChunkHit[]> {
    return searchDocsLexical(this.#db, opts);
  }

  async searchVector(
    opts: DocSearchFilter & { vector: readonly number[]; model: string; text?: string },
  ): Promise<DocChunkHit[]> {
    return searchDocsVector(this.#db, { ...opts, pgvector: await this.hasPgvector() });
  }

  async mergeSearchIndex(): Promise<number> {
    // GIN's fast update writes inserted entries to a pending list, which every search scans until it is merged (by
    // this, by autovacuum, or by an insert once the list passes gin_pending_list_limit, 4 MB).
    const result = await this.#db.execute<{ pages: number }>(
      sql`select (gin_clean_pending_list('doc_chunks_search_idx'::regclass)
        + gin_clean_pending_list('doc_chunks_heading_search_idx'::regclass))::int as pages`,
    );
    return result.rows[0]?.pages ?? 0;
  }

  async prepareVectorIndex(opts: { dimensions: number }): Promise<void> {
    if (await this.hasPgvector()) await this.#db.execute(vectorIndexStatement(opts.dimensions));
  }

  /** Whether the `vector` extension is installed in this database (asked once). */
  hasPgvector(): Promise<boolean> {
    this.#pgvector ??= this.#db
      .execute<{ installed: boolean }>(
        sql`select exists (select 1 from pg_extension where extname = 'vector') as installed`,
      )
      .then((result) => result.rows[0]?.installed === true);
    return this.#pgvector;
  }

  async status(opts: { embedding?: { model: string; dimensions: number } } = {}): Promise<DocsIndexStatus> {
    const configured = opts.embedding
      ? sql`c.embedding_model = ${opts.embedding.model} and c.embedding_dimensions = ${opts.embedding.dimensions}`
      : sql`true`;
    const sources = await this.#db.execute<{
      key: string;
      entity_ref: string | null;
      base_url: string | null;
      indexed_at: string | Date;
      files: number;
      chunks: number;
      embedded: number;
      other_model: number;
      entity_missing: boolean;
    }>(sql`
      select s.key, s.entity_ref, s.base_url, s.updated_at as indexed_at,
        (s.entity_ref is not null
          and not exists (select 1 from ${entities} e where e.ref = s.entity_ref)) as entity_missing,
        (select count(*)::int from ${docFiles} f where f.source_key = s.key) as files,
        (select count(*)::int from ${docChunks} c where c.source_key = s.key) as chunks,
        (select count(*)::int from ${docChunks} c
          where c.source_key = s.key and c.embedding is not null and ${configured}) as embedded,
        (select count(*)::int from ${docChunks} c
          where c.source_key = s.key and c.embedding is not null and not (${configured})) as other_model
      from ${docSources} s order by s.key`);
    const [feedback] = await this.#db
      .select({
        helpful: sql<number>`count(*) filter (where ${docFeedback.helpful})::int`,
        notHelpful: sql<number>`count(*) filter (where not ${docFeedback.helpful})::int`,
      })
      .from(docFeedback);
    const [questions] = await this.#db.select({ count: sql<number>`count(*)::int` }).from(docQuestions);
    return {
      sources: sources.rows.map((row) => ({
        key: row.key,
        ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
        ...(row.base_url ? { baseUrl: row.base_url } : {}),
        files: row.files,
        chunks: row.chunks,
        embedded: row.embedded,
        otherModel: row.other_model,
        entityMissing: row.entity_missing,
        indexedAt: new Date(row.indexed_at),
      })),
      vectorSearch: (await this.hasPgvector()) ? 'pgvector' : 'exact',
      feedback: { helpful: feedback?.helpful ?? 0, notHelpful: feedback?.notHelpful ?? 0 },
      questions: questions?.count ?? 0,
    };
  }
}
