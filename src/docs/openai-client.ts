/**
 * The Embedder and ChatModel ports on an OpenAI-compatible endpoint (OpenAI, Azure's compatible API, Ollama, vLLM,
 * LiteLLM…) through the official `openai` client. `baseURL` points it elsewhere than OpenAI (`OPENAI_BASE_URL`).
 * Failures after the client's retries become `UpstreamError`s whose message says which endpoint failed and how, once
 * (`the chat endpoint failed: HTTP 500 boom`, `the embedding endpoint did not answer within 30 s`).
 *
 * Time: each call (retries included) is bounded by `timeoutMs`, so that a silent endpoint costs an answer 30 s, not
 * three attempts of 30 s each. For a chat completion the bound runs until the answer starts and then between any two
 * of its pieces (a stalled stream fails as a silent endpoint does), and the whole answer may take at most
 * `ANSWER_BOUND_FACTOR` times the bound (a stream that trickles forever is stopped).
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
  /**
   * Bound on one call, retries included (ms; `WAYFINDER_AI_TIMEOUT` in seconds): the answer path should not hang on a
   * slow endpoint. Default `DEFAULT_AI_TIMEOUT_MS`.
   */
  timeoutMs?: number;
  /** Retries of a failed request (429, 5xx, connection errors) within the bound. Default 2. */
  maxRetries?: number;
}

/** Default bound on one call to the endpoint, retries included: 30 s. */
export const DEFAULT_AI_TIMEOUT_MS = 30_000;

/** A streamed answer may take this many times the bound in all (2 minutes by default), however steadily it comes. */
export const ANSWER_BOUND_FACTOR = 4;

/** The `openai` client, made on first use and the same one afterwards, with the bound on each call. */
export type OpenAiClient = (() => Promise<OpenAI>) & { timeoutMs: number };

export function createOpenAiClient(settings: OpenAiSettings): OpenAiClient {
  let client: Promise<OpenAI> | undefined;
  const timeoutMs = settings.timeoutMs ?? DEFAULT_AI_TIMEOUT_MS;
  const get = () => {
    client ??= import('openai').then(
      ({ default: OpenAI }) =>
        new OpenAI({
          apiKey: settings.apiKey,
          ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}),
          timeout: timeoutMs,
          maxRetries: settings.maxRetries ?? 2,
        }),
    );
    return client;
  };
  return Object.assign(get, { timeoutMs });
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
      const deadline = AbortSignal.timeout(client.timeoutMs);
      try {
        response = await (await client()).embeddings.create(
          {
            model,
            input: [...texts],
            encoding_format: 'float',
            ...(opts.sendDimensions ? { dimensions } : {}),
          },
          { signal: deadline },
        );
      } catch (error) {
        throw await upstreamError('the embedding endpoint', error, deadline.aborted, client.timeoutMs);
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

/**
 * Chat completions from `/chat/completions`, asked streamed; the request carries no tools. A server (or proxy) that
 * answers with one JSON completion instead of a stream is understood too: its text is passed on whole.
 */
export function createOpenAiChatModel(opts: { client: OpenAiClient; model: string }): ChatModel {
  const { client, model } = opts;
  return {
    model,
    async complete({ messages, onDelta }) {
      const controller = new AbortController();
      let stopped: 'idle' | 'whole' | undefined;
      let idle: ReturnType<typeof setTimeout> | undefined;
      // The bound runs until the answer starts, then again between any two pieces of it: a stream that stalls is
      // given up on as one that never answers. A stream that keeps trickling is stopped at `ANSWER_BOUND_FACTOR` times
      // the bound in all.
      const waitForNext = () => {
        clearTimeout(idle);
        idle = setTimeout(() => {
          stopped = 'idle';
          controller.abort();
        }, client.timeoutMs);
      };
      const whole = setTimeout(() => {
        stopped = 'whole';
        controller.abort();
      }, client.timeoutMs * ANSWER_BOUND_FACTOR);
      waitForNext();
      try {
        const { data: stream, response } = await (await client()).chat.completions
          .create(
            {
              model,
              messages: messages.map((message: ChatTurn) => ({ role: message.role, content: message.content })),
              stream: true,
            },
            { signal: controller.signal },
          )
          .withResponse();
        waitForNext();
        if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
          const text = completionText(await response.text());
          if (text) onDelta?.(text);
          return text;
        }
        let text = '';
        for await (const chunk of stream) {
          waitForNext();
          const delta = chunk.choices[0]?.delta?.content;
          if (delta) {
            text += delta;
            onDelta?.(delta);
          }
        }
        // An abort between pieces may end the iteration quietly rather than throw: the answer is then incomplete.
        if (stopped) throw new Error('aborted');
        return text;
      } catch (error) {
        if (stopped === 'whole') {
          throw new UpstreamError(
            `the chat endpoint was still answering after ${Math.round((client.timeoutMs * ANSWER_BOUND_FACTOR) / 1000)} s`,
            { cause: error },
          );
        }
        throw await upstreamError('the chat endpoint', error, stopped === 'idle', client.timeoutMs);
      } finally {
        clearTimeout(idle);
        clearTimeout(whole);
      }
    },
  };
}

/** The answer's text of a non-streamed chat completion body; throws when the body is none. */
function completionText(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const content = (parsed as { choices?: { message?: { content?: unknown } }[] } | undefined)?.choices?.[0]?.message
    ?.content;
  if (typeof content !== 'string') {
    throw new Error(
      `expected a stream of server-sent events or a chat completion, got ${JSON.stringify(body.slice(0, 80))}`,
    );
  }
  return content;
}

/** One `UpstreamError` naming the endpoint and what went wrong, said once: `HTTP 500 boom`, no answer within 30 s. */
async function upstreamError(endpoint: string, error: unknown, timedOut: boolean, timeoutMs: number) {
  const { APIError, APIConnectionTimeoutError } = await import('openai');
  if (timedOut || error instanceof APIConnectionTimeoutError) {
    return new UpstreamError(`${endpoint} did not answer within ${Math.round(timeoutMs / 1000)} s`, { cause: error });
  }
  let detail = error instanceof Error ? error.message : String(error);
  if (error instanceof APIError && error.status !== undefined) {
    const body = error.error as { message?: unknown } | undefined;
    const message =
      typeof body?.message === 'string' ? body.message : detail.replace(new RegExp(`^${error.status}\\s*`), '');
    detail = `HTTP ${error.status}${message ? ` ${message}` : ''}`;
  } else if (error instanceof Error && error.cause instanceof Error) {
    detail = `${detail} (${error.cause.message})`;
  }
  return new UpstreamError(`${endpoint} failed: ${detail}`, { cause: error });
}
