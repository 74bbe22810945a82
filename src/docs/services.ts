/**
 * The docs' parts as the wiring (`src/main.ts`) creates them: the index and question log on the database, and, when
 * an OpenAI-compatible endpoint is configured, the embedder and chat model on one `openai` client. Without one, the
 * asker searches by keywords and quotes passages (STYLE.md rule 5: the fallback is chosen here, once).
 */
import type { AiConfig } from '../config-ai.ts';
import type { DocsAsker } from '../core/ports/docs-asker.ts';
import type { DocsIndexStore } from '../core/ports/docs-index-store.ts';
import type { DocsQuestionLog } from '../core/ports/docs-question-log.ts';
import type { Embedder } from '../core/ports/embedder.ts';
import type { Database } from '../db/client.ts';
import { DrizzleDocsIndexStore } from '../db/DrizzleDocsIndexStore.ts';
import { DrizzleDocsQuestionLog } from '../db/DrizzleDocsQuestionLog.ts';
import type { Logger } from '../logger.ts';
import { DEMO_DOCS_PREFIX, indexDemoDocs } from './demo-docs.ts';
import { createDocsAsker } from './docs-asker.ts';
import { createOpenAiChatModel, createOpenAiClient, createOpenAiEmbedder } from './openai-client.ts';

export interface Docs {
  index: DocsIndexStore;
  questions: DocsQuestionLog;
  asker: DocsAsker;
  /** Present when `WAYFINDER_EMBEDDING_MODEL` is set. */
  embedder?: Embedder;
}

export function createDocs(opts: { database: Database; ai?: AiConfig }): Docs {
  const index = new DrizzleDocsIndexStore({ db: opts.database.db });
  const questions = new DrizzleDocsQuestionLog({ db: opts.database.db });
  const ai = opts.ai;
  const client =
    ai &&
    createOpenAiClient({
      apiKey: ai.apiKey,
      ...(ai.baseUrl ? { baseUrl: ai.baseUrl } : {}),
      ...(ai.timeoutSeconds !== undefined ? { timeoutMs: ai.timeoutSeconds * 1000 } : {}),
    });
  const embedder = client && ai?.embedding ? createOpenAiEmbedder({ client, ...ai.embedding }) : undefined;
  const model = client && ai?.chatModel ? createOpenAiChatModel({ client, model: ai.chatModel }) : undefined;
  const asker = createDocsAsker({ store: index, ...(embedder ? { embedder } : {}), ...(model ? { model } : {}) });
  return { index, questions, asker, ...(embedder ? { embedder } : {}) };
}

/** Indexes the demo docs and logs what was done; a failure is logged, never fatal (the demo catalog still answers). */
export async function indexDemoDocsLogged(opts: { docs: Docs; dir: string; logger: Logger }): Promise<void> {
  try {
    const summary = await indexDemoDocs({
      dir: opts.dir,
      store: opts.docs.index,
      ...(opts.docs.embedder ? { embedder: opts.docs.embedder } : {}),
    });
    if (summary.files.indexed > 0) {
      opts.logger.info(`Indexed the demo docs: ${summary.files.indexed} files, ${summary.chunks.written} chunks.`);
    }
    if (summary.embeddingFailure) {
      opts.logger.warn(`The demo docs were indexed for keyword search only: ${summary.embeddingFailure}`);
    }
  } catch (error) {
    opts.logger.error('Could not index the demo docs; /ask answers from whatever else is indexed.', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** Removes every demo docs source (and its files and chunks) from the index; returns how many there were. */
export async function removeDemoDocs(docs: Docs): Promise<number> {
  const sources = await docs.index.listSources({ prefix: DEMO_DOCS_PREFIX });
  for (const source of sources) await docs.index.removeSource({ key: source.key });
  return sources.length;
}
