import { fileURLToPath } from 'node:url';
import type { CommandContext } from '../../src/core/commands/types.ts';
import type { DocsAsker } from '../../src/core/ports/docs-asker.ts';
import type { Embedder } from '../../src/core/ports/embedder.ts';
import { DrizzleDocsIndexStore } from '../../src/db/DrizzleDocsIndexStore.ts';
import { DrizzleDocsQuestionLog } from '../../src/db/DrizzleDocsQuestionLog.ts';
import { indexDemoDocs } from '../../src/docs/demo-docs.ts';
import { createDocsAsker } from '../../src/docs/docs-asker.ts';
import { indexDocs } from '../../src/docs/indexer.ts';
import { createOpenAiChatModel, createOpenAiClient, createOpenAiEmbedder } from '../../src/docs/openai-client.ts';
import { type DemoCatalog, openDemoCatalog } from './demo-catalog.ts';

export const DEMO_DOCS = fileURLToPath(new URL('../../demo/docs', import.meta.url));

/** The fake OpenAI server's settings as the wiring would read them. */
export interface FakeAi {
  url: string;
  embeddingDimensions?: number;
  chat?: boolean;
}

export interface DemoDocs extends DemoCatalog {
  index: DrizzleDocsIndexStore;
  questions: DrizzleDocsQuestionLog;
  embedder?: Embedder;
  asker: DocsAsker;
  /** The demo catalog's context with the docs asker. */
  context: CommandContext;
}

/** The demo catalog with the demo docs indexed, keyword-only or with the fake OpenAI server's embedder and model. */
export async function openDemoDocs(opts: { ai?: FakeAi } = {}): Promise<DemoDocs> {
  const demo = await openDemoCatalog();
  try {
    return await attachDocs(demo, opts.ai);
  } catch (error) {
    await demo.close();
    throw error;
  }
}

export function aiParts(ai: FakeAi | undefined): {
  embedder?: Embedder;
  model?: ReturnType<typeof createOpenAiChatModel>;
} {
  if (!ai) return {};
  const client = createOpenAiClient({ apiKey: 'sk-test', baseUrl: ai.url, maxRetries: 0 });
  return {
    ...(ai.embeddingDimensions
      ? {
          embedder: createOpenAiEmbedder({
            client,
            model: 'fake-embedding',
            dimensions: ai.embeddingDimensions,
            sendDimensions: true,
          }),
        }
      : {}),
    ...(ai.chat ? { model: createOpenAiChatModel({ client, model: 'fake-chat' }) } : {}),
  };
}

async function attachDocs(demo: DemoCatalog, ai: FakeAi | undefined): Promise<DemoDocs> {
  const index = new DrizzleDocsIndexStore({ db: demo.database.db });
  const questions = new DrizzleDocsQuestionLog({ db: demo.database.db });
  const { embedder, model } = aiParts(ai);
  await indexDemoDocs({ dir: DEMO_DOCS, store: index, ...(embedder ? { embedder } : {}) });
  const asker = createDocsAsker({ store: index, ...(embedder ? { embedder } : {}), ...(model ? { model } : {}) });
  return {
    ...demo,
    index,
    questions,
    asker,
    ...(embedder ? { embedder } : {}),
    context: { ...demo.context, docs: asker },
  };
}

/** Indexes one more markdown file, as the docs of payments-worker, beside the demo docs (with vectors when set up). */
export async function addDoc(demo: DemoDocs, opts: { key: string; path: string; markdown: string }): Promise<void> {
  await indexDocs({
    store: demo.index,
    source: { key: opts.key, entityRef: 'component:default/payments-worker' },
    files: [{ path: opts.path, markdown: opts.markdown }],
    ...(demo.embedder ? { embedder: demo.embedder } : {}),
  });
}
