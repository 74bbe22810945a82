/**
 * The Embedder and ChatModel ports on an OpenAI-compatible endpoint (OpenAI, Azure's compatible API, Ollama, vLLM,
 * LiteLLM…) through the official `openai` client. `baseURL` points it elsewhere than OpenAI (`OPENAI_BASE_URL`).
 * Failures after the client's retries become `UpstreamError`s whose message says which endpoint failed and how.
 * The `openai` package is loaded on the first request, so a process that never asks a model does not load it.
 */
import type OpenAI from 'openai';
import { UpstreamError } from '../core/errors.ts';
import type { ChatModel, ChatTurn } from '../core/ports/chat-model.ts';
import type { Embedder } from '../core/ports/embedder.ts';

export interface OpenAiSettings {
  apiKey: string;
  /** Absent: OpenAI's own API. */
  baseUrl?: string;
  /** Per request (ms); the answer path should not hang on a slow endpoint. Default 30 s. */
  timeoutMs?: number;
  /** Retries of a failed request (429, 5xx, connection errors). Default 2. */
  maxRetries?: number;
}

/** The `openai` client, made on first use and the same one afterwards. */
export type OpenAiClient = () => Promise<OpenAI>;

export function createOpenAiClient(settings: OpenAiSettings): OpenAiClient {
  let client: Promise<OpenAI> | undefined;
  return () => {
    client ??= import('openai').then(
      ({ default: OpenAI }) =>
        new OpenAI({
          apiKey: settings.apiKey,
          ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}),
          timeout: settings.timeoutMs ?? 30_000,
          maxRetries: settings.maxRetries ?? 2,
        }),
    );
    return client;
  };
}

/**
 * Embeddings from `/embeddings`. `dimensions` is sent only when `sendDimensions` (models that can shorten their
 * vectors, such as text-embedding-3); every vector must have `dimensions` numbers, else the setting is wrong and
 * the error says which value the model gives.
 */
export function createOpenAiEmbedder(opts: {
  client: OpenAiClient;
  model: string;
  dimensions: number;
  sendDimensions: boolean;
}): Embedder {
  const { client, model, dimensions } = opts;
  return {
    model,
    dimensions,
    async embed(texts) {
      if (texts.length === 0) return [];
      let response: OpenAI.CreateEmbeddingResponse;
      try {
        response = await (await client()).embeddings.create({
          model,
          input: [...texts],
          encoding_format: 'float',
          ...(opts.sendDimensions ? { dimensions } : {}),
        });
      } catch (error) {
        throw new UpstreamError(`the embedding endpoint failed: ${await describe(error)}`, { cause: error });
      }
      const vectors = [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
      const wrong = vectors.find((vector) => vector.length !== dimensions);
      if (vectors.length !== texts.length || wrong) {
        throw new UpstreamError(
          wrong
            ? `the embedding model ${model} returned vectors of ${wrong.length} numbers; set WAYFINDER_EMBEDDING_DIMENSIONS=${wrong.length}`
            : `the embedding endpoint returned ${vectors.length} vectors for ${texts.length} texts`,
        );
      }
      return vectors;
    },
  };
}

/** Chat completions from `/chat/completions`, streamed; the request carries no tools. */
export function createOpenAiChatModel(opts: { client: OpenAiClient; model: string }): ChatModel {
  const { client, model } = opts;
  return {
    model,
    async complete({ messages, onDelta }) {
      try {
        const stream = await (await client()).chat.completions.create({
          model,
          messages: messages.map((message: ChatTurn) => ({ role: message.role, content: message.content })),
          stream: true,
        });
        let text = '';
        for await (const chunk of stream) {
          const delta = chunk.choices[0]?.delta?.content;
          if (delta) {
            text += delta;
            onDelta?.(delta);
          }
        }
        return text;
      } catch (error) {
        throw new UpstreamError(`the chat endpoint failed: ${await describe(error)}`, { cause: error });
      }
    },
  };
}

async function describe(error: unknown): Promise<string> {
  const { APIError } = await import('openai');
  if (error instanceof APIError) return `${error.status ?? 'no answer'} ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
