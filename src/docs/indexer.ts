/**
 * Indexing a docs source: each file has its secret-looking strings redacted (`secrets.ts`), is cut into chunks
 * (`markdown-chunks.ts`), linked to its page (`baseUrl` + path + GitHub's heading anchor) and its entity, embedded
 * where an embedder is set up, and stored. Redaction comes first, so no secret reaches the embedding endpoint, the
 * database, a search result or a model.
 *
 * Costs: a file whose content hash is unchanged is not read further (no parse, no write). A changed file is rewritten,
 * and of its chunks only those whose hash has no vector yet (by the same model, of the same size) are embedded; the
 * others keep theirs. A file's hash does not depend on the embedding model: a run without an embedder (no
 * `WAYFINDER_EMBEDDING_MODEL`) leaves unchanged files, and their vectors, as they are, and the chunks it rewrites keep
 * the vectors stored for their text. With an embedder, a run ends by embedding the source's chunks that have no vector
 * of its model and size (never embedded, embedding failed, or made by another model or size), unchanged files' too.
 * A source indexed again for another entity or address (it moved) has every file cut again, so its chunks carry the
 * new entity (and so its owner) and links; their text is unchanged, so their vectors are reused, not asked for again.
 * A run that wrote anything ends by merging the full-text index's pending list (`DocsIndexStore.mergeSearchIndex`):
 * inserts stay fast, and searches do not scan what the run added. Embeddings are asked in batches of
 * `EMBEDDING_BATCH` texts. When the embedding endpoint fails, the file is stored without vectors (lexical search still
 * finds it), and the next run with an embedder embeds it.
 */
import { createHash } from 'node:crypto';
import type { EntityRef } from '../core/catalog/types.ts';
import { errorMessage } from '../core/errors.ts';
import type { DocsIndexStore, StoredDocChunk } from '../core/ports/docs-index-store.ts';
import type { Embedder } from '../core/ports/embedder.ts';
import { chunkMarkdown } from './markdown-chunks.ts';
import { redactSecrets } from './secrets.ts';

/** A markdown file of a source: its path relative to the docs root (`runbooks/deploy.md`). */
export interface DocFile {
  path: string;
  markdown: string;
  /** A title given by the source (mkdocs nav); else the file's own. */
  title?: string;
  /** The file's Git blob sha, when read from a repository: stored as its version (`fileVersion`). */
  blobSha?: string;
}

export interface DocSource {
  /** Stable name of the source (`dir:/srv/docs/payments`, `github:acme/payments-api:docs`). */
  key: string;
  entityRef?: EntityRef;
  /** The address of the docs root; a file's link is this plus its path. Absent: chunks have no link. */
  baseUrl?: string;
}

export interface IndexSummary {
  files: { indexed: number; unchanged: number; removed: number };
  chunks: { written: number; embedded: number; reused: number };
  /** Set when the embedding endpoint failed: the files were indexed for keyword search only. */
  embeddingFailure?: string;
  /** Set when the source was indexed before for another entity: its chunks (and links) now follow the new one. */
  moved?: { fromEntityRef?: EntityRef; fromBaseUrl?: string };
  /** Set when the source was indexed before for the same entity at another address: its links now use the new one. */
  relinked?: { fromBaseUrl?: string; toBaseUrl?: string };
}

/** Texts per embeddings request (OpenAI accepts up to 2,048; local servers prefer fewer). */
export const EMBEDDING_BATCH = 64;

/**
 * Bumped when chunking (or redaction) changes, so that every file is cut again. 2: secrets redacted before chunks are
 * stored and embedded (chunks stored by 1 may hold them). 3: HTML comments left out of chunks. 4: no chunk longer
 * than the bound (a longer code block, table or paragraph is cut), so every chunk can be embedded.
 */
const CHUNKER_VERSION = '4';
/** Stored chunks without a vector of the model read per page by the end of a run (`embedMissing`). */
const MISSING_PAGE = EMBEDDING_BATCH * 8;

/**
 * Indexes `files` as the whole content of `source`: files of the source not in `files` are removed.
 * Throws what the store throws; an embedder's failure is reported in the summary instead. A caller passing `unchanged`
 * must not move the source (another entity or base URL): those files would keep their old entity and links.
 */
export async function indexDocs(opts: {
  store: DocsIndexStore;
  source: DocSource;
  files: readonly DocFile[];
  /** Paths of files of the source the caller knows are unchanged (by `fileVersion`) and did not read: kept as stored. */
  unchanged?: readonly string[];
  embedder?: Embedder;
}): Promise<IndexSummary> {
  const { store, source, embedder } = opts;
  const before = (await store.listSources({ prefix: source.key })).find((stored) => stored.key === source.key);
  // Either change has every file cut again (chunks carry their entity and links); only an entity's is a move.
  const recut = before !== undefined && (before.entityRef !== source.entityRef || before.baseUrl !== source.baseUrl);
  const moved =
    before !== undefined && before.entityRef !== source.entityRef
      ? {
          ...(before.entityRef ? { fromEntityRef: before.entityRef } : {}),
          ...(before.baseUrl ? { fromBaseUrl: before.baseUrl } : {}),
        }
      : undefined;
  const relinked =
    recut && !moved
      ? {
          ...(before?.baseUrl ? { fromBaseUrl: before.baseUrl } : {}),
          ...(source.baseUrl ? { toBaseUrl: source.baseUrl } : {}),
        }
      : undefined;
  await store.saveSource(source);
  if (embedder) await store.prepareVectorIndex({ dimensions: embedder.dimensions });
  const known = await store.fileHashes({ sourceKey: source.key });
  const summary: IndexSummary = {
    files: { indexed: 0, unchanged: 0, removed: 0 },
    chunks: { written: 0, embedded: 0, reused: 0 },
    ...(moved ? { moved } : {}),
    ...(relinked ? { relinked } : {}),
  };
  summary.files.unchanged += opts.unchanged?.length ?? 0;
  for (const file of opts.files) {
    const hash = fileHash(file);
    const version = file.blobSha === undefined ? undefined : fileVersion(file.blobSha, file.title);
    if (!recut && known.get(file.path) === hash) {
      summary.files.unchanged += 1;
      // Read because its version was not known (indexed before versions were kept, or by hand): now it is.
      if (version !== undefined) await store.setFileVersion({ sourceKey: source.key, path: file.path, version });
      continue;
    }
    const { title: ownTitle, chunks } = await chunkMarkdown(redactSecrets(file.markdown), { path: file.path });
    const title = redactSecrets(file.title ?? ownTitle);
    const stored: StoredDocChunk[] = chunks.map((chunk) => ({
      ordinal: chunk.ordinal,
      headingPath: chunk.headingPath,
      content: chunk.content,
      contentHash: chunk.contentHash,
      ...(source.baseUrl ? { url: pageUrl(source.baseUrl, file.path, chunk.anchor) } : {}),
    }));
    if (!embedder || summary.embeddingFailure) {
      // No model to ask (or it failed earlier in this run): the vectors stored for the chunks' text are kept.
      summary.chunks.reused += await keepEmbeddings({ store, chunks: stored, embedder });
    } else {
      try {
        const counts = await embedChunks({ store, embedder, title, chunks: stored });
        summary.chunks.embedded += counts.embedded;
        summary.chunks.reused += counts.reused;
      } catch (error) {
        // Stored without vectors: the next run with an embedder embeds them (`embedMissing`).
        summary.embeddingFailure = errorMessage(error);
      }
    }
    await store.saveFile({
      sourceKey: source.key,
      path: file.path,
      title,
      contentHash: hash,
      ...(version !== undefined ? { version } : {}),
      ...(source.entityRef ? { entityRef: source.entityRef } : {}),
      chunks: stored,
    });
    summary.files.indexed += 1;
    summary.chunks.written += stored.length;
  }
  const present = new Set([...opts.files.map((file) => file.path), ...(opts.unchanged ?? [])]);
  const gone = [...known.keys()].filter((path) => !present.has(path));
  await store.removeFiles({ sourceKey: source.key, paths: gone });
  summary.files.removed = gone.length;
  let updated = 0;
  if (embedder && !summary.embeddingFailure) {
    try {
      const counts = await embedMissing({ store, embedder, sourceKey: source.key });
      summary.chunks.embedded += counts.embedded;
      summary.chunks.reused += counts.reused;
      updated = counts.embedded + counts.reused;
    } catch (error) {
      summary.embeddingFailure = errorMessage(error);
    }
  }
  // An updated row is a new row version, with its full-text entries added to the pending list too.
  if (summary.files.indexed > 0 || gone.length > 0 || updated > 0) await store.mergeSearchIndex();
  return summary;
}

/**
 * Sets each chunk's `embedding` to the vector stored for its hash, asking for none: without an embedder, of
 * whichever model made one last (a run without the model settings does not discard vectors); with one, of its model
 * and size. Returns how many were kept.
 */
async function keepEmbeddings<Chunk extends Pick<StoredDocChunk, 'contentHash' | 'embedding'>>(opts: {
  store: DocsIndexStore;
  chunks: Chunk[];
  embedder: Embedder | undefined;
}): Promise<number> {
  const stored = await opts.store.embeddingsByHash({
    hashes: opts.chunks.map((chunk) => chunk.contentHash),
    ...(opts.embedder ? { model: opts.embedder.model, dimensions: opts.embedder.dimensions } : {}),
  });
  let kept = 0;
  for (const chunk of opts.chunks) {
    const embedding = stored.get(chunk.contentHash);
    if (embedding) {
      chunk.embedding = embedding;
      kept += 1;
    }
  }
  return kept;
}

/**
 * Embeds the stored chunks of the source that have no vector of `embedder`'s model and size, a page at a time:
 * those of files stored while the endpoint failed or without an embedder, and those embedded by another model or
 * size (vector search compares only the configured model's). Reuses vectors by hash as `embedChunks` does.
 */
async function embedMissing(opts: {
  store: DocsIndexStore;
  embedder: Embedder;
  sourceKey: string;
}): Promise<{ embedded: number; reused: number }> {
  const { store, embedder } = opts;
  const total = { embedded: 0, reused: 0 };
  let afterId = 0;
  for (;;) {
    const page = await store.chunksToEmbed({
      sourceKey: opts.sourceKey,
      model: embedder.model,
      dimensions: embedder.dimensions,
      afterId,
      limit: MISSING_PAGE,
    });
    if (page.length === 0) return total;
    afterId = page.at(-1)?.id ?? afterId;
    const chunks = page.map((chunk) => ({ ...chunk, embedding: undefined as StoredDocChunk['embedding'] }));
    const counts = await embedChunks({ store, embedder, title: (chunk) => chunk.title, chunks });
    total.embedded += counts.embedded;
    total.reused += counts.reused;
    await store.setEmbeddings({
      embeddings: chunks.flatMap((chunk) => (chunk.embedding ? [{ id: chunk.id, ...chunk.embedding }] : [])),
    });
    if (page.length < MISSING_PAGE) return total;
  }
}

/**
 * Sets each chunk's `embedding`: reused by hash where the model made one of its size before, else asked for in
 * batches. `title` is the file's title, or a chunk's own when the chunks are of several files.
 */
async function embedChunks<
  Chunk extends Pick<StoredDocChunk, 'headingPath' | 'content' | 'contentHash' | 'embedding'>,
>(opts: {
  store: DocsIndexStore;
  embedder: Embedder;
  title: string | ((chunk: Chunk) => string);
  chunks: Chunk[];
}): Promise<{ embedded: number; reused: number }> {
  const { store, embedder, chunks } = opts;
  const titleOf = (chunk: Chunk) => (typeof opts.title === 'string' ? opts.title : opts.title(chunk));
  const model = embedder.model;
  const reused = await keepEmbeddings({ store, chunks, embedder });
  const missing = chunks.filter((chunk) => !chunk.embedding);
  for (let start = 0; start < missing.length; start += EMBEDDING_BATCH) {
    const batch = missing.slice(start, start + EMBEDDING_BATCH);
    const vectors = await embedder.embed(batch.map((chunk) => embeddingText(titleOf(chunk), chunk)));
    batch.forEach((chunk, index) => {
      const vector = vectors[index];
      if (vector) chunk.embedding = { model, vector: normalise(vector) };
    });
  }
  return { embedded: missing.length, reused };
}

/** What is embedded for a chunk: its title and headings, then its text. */
export function embeddingText(title: string, chunk: Pick<StoredDocChunk, 'headingPath' | 'content'>): string {
  return [[title, ...chunk.headingPath.filter((heading) => heading !== title)].join(' › '), chunk.content].join('\n\n');
}

/** `vector` scaled to length 1, so that cosine similarity is a dot product (the exact search relies on it). */
export function normalise(vector: readonly number[]): number[] {
  const length = Math.hypot(...vector);
  return length === 0 ? [...vector] : vector.map((value) => value / length);
}

/** The page of `path` under `baseUrl`, each segment percent-encoded, with `#anchor` for a section. */
export function pageUrl(baseUrl: string, path: string, anchor?: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  return `${base}${encoded}${anchor ? `#${anchor}` : ''}`;
}

/**
 * What decides a file's chunks: the chunker's version, its title and its text. Not the embedding model: vectors are
 * kept or made per chunk (`embedChunks`, `embedMissing`). (A new format indexes every file again, once; hashes
 * before this one held the model, and its vectors are kept by chunk hash.)
 */
function fileHash(file: DocFile): string {
  return createHash('sha256')
    .update(`${CHUNKER_VERSION}\u0000${file.title ?? ''}\u0000`)
    .update(file.markdown)
    .digest('hex');
}

/**
 * What else than a file's text decides its chunks and vectors: the chunker's version and the embedding model. A
 * GitHub source's tree fingerprint holds it, so that a new model has `indexDocs` run and embed what it lacks.
 */
export function indexSettings(embedder: Embedder | undefined): string {
  return `${CHUNKER_VERSION}\u0000${embedder ? `${embedder.model}/${embedder.dimensions}` : ''}`;
}

/**
 * A file's version by its Git blob sha (the same text has the same sha), its title and the chunker's version: a file
 * stored with the version a source's tree now gives it is unchanged, and need not be read (`unchanged`). Like
 * `fileHash`, it does not depend on the embedding model.
 */
export function fileVersion(blobSha: string, title: string | undefined): string {
  return `blob:${createHash('sha256')
    .update(`${CHUNKER_VERSION}\u0000${title ?? ''}\u0000${blobSha}`)
    .digest('hex')}`;
}
