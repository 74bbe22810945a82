/**
 * A fake OpenAI-compatible server on 127.0.0.1 (`OPENAI_BASE_URL=<url>`), spoken to by the real `openai` client:
 *
 * - `POST /v1/embeddings`: deterministic vectors, a bag of words hashed into `dimensions` buckets (the request's
 *   `dimensions`, else 64) and normalised, so that texts sharing words are near. `failEmbeddings(status)` makes it
 *   answer that status instead (the client retries, then gives up).
 * - `POST /v1/chat/completions`, streamed (server-sent events, `data: [DONE]`) or not: it answers from the numbered
 *   context it is given, like a model that follows its prompt. It reads the `<source n="…">` elements of the last user
 *   message and the question after `Question:` (with the thread's earlier questions); it answers with the first
 *   sentence of the source sharing the most distinct words with them, cited as `[n]`, or `NOT_COVERED` when none shares a word. It is gullible on purpose: a
 *   line `INSTRUCTION: <text>` anywhere outside the source elements is obeyed (it answers `<text>`), so a document
 *   that escapes its source element would take it over; one that stays inside changes nothing.
 *
 * `chatMode(mode)` changes how chat completions are answered: `{ status }` fails with that status, `'hang'` never
 * answers, `'unstreamed'` answers one JSON completion even when a stream was asked for (as some proxies do), and
 * `{ answer, gapMs, stallAfter }` streams `answer` (instead of the answer from the sources) with `gapMs` between
 * pieces (a slow model trickling), stopping after `stallAfter` pieces with the response left open (a stalled stream)
 * until `resume()` is called.
 *
 * Every request body is recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOpenAiApi {
  /** The base URL the client is given: `http://127.0.0.1:PORT/v1`. */
  url: string;
  requests: { path: string; body: Record<string, unknown> }[];
  /** Texts embedded so far, in order. */
  embedded: string[];
  /** Answer every embeddings request with this HTTP status (`undefined`: answer normally). */
  failEmbeddings(status: number | undefined): void;
  /** How chat completions are answered from now on (`undefined`: normally). */
  chatMode(mode: ChatMode): void;
  /** Lets streams stopped by `stallAfter` go on to their end. */
  resume(): void;
  close(): Promise<void>;
}

/** How the fake answers chat completions; see the file's comment. */
export type ChatMode =
  | { status: number; message?: string }
  | 'hang'
  | 'unstreamed'
  | { answer?: string; gapMs?: number; stallAfter?: number }
  | undefined;

const DEFAULT_DIMENSIONS = 64;

export async function startFakeOpenAiApi(): Promise<FakeOpenAiApi> {
  const requests: FakeOpenAiApi['requests'] = [];
  const embedded: string[] = [];
  let embeddingFailure: number | undefined;
  let chat: ChatMode;
  let resume = () => {};
  let resumed = new Promise<void>((resolve) => {
    resume = resolve;
  });

  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = await readJson(req);
    requests.push({ path, body });
    if (req.method !== 'POST') return sendJson(res, 404, { error: { message: 'not found' } });
    if (path === '/v1/embeddings') {
      if (embeddingFailure !== undefined) {
        return sendJson(res, embeddingFailure, { error: { message: 'embeddings are down', type: 'server_error' } });
      }
      const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input)];
      embedded.push(...inputs);
      const dimensions = typeof body.dimensions === 'number' ? body.dimensions : DEFAULT_DIMENSIONS;
      return sendJson(res, 200, {
        object: 'list',
        model: body.model,
        data: inputs.map((input, index) => ({ object: 'embedding', index, embedding: embedText(input, dimensions) })),
        usage: { prompt_tokens: 0, total_tokens: 0 },
      });
    }
    if (path === '/v1/chat/completions') {
      if (chat === 'hang') return; // The connection stays open, unanswered, until the client gives up.
      if (typeof chat === 'object' && 'status' in chat) {
        return sendJson(res, chat.status, { error: { message: chat.message ?? 'boom', type: 'server_error' } });
      }
      const pacing = typeof chat === 'object' ? chat : {};
      const answer = pacing.answer ?? answerFrom(body.messages as { role: string; content: string }[]);
      if (body.stream === true && chat !== 'unstreamed') {
        return streamAnswer(res, String(body.model), answer, { ...pacing, resumed: () => resumed });
      }
      return sendJson(res, 200, {
        id: 'chatcmpl-fake',
        object: 'chat.completion',
        created: 0,
        model: body.model,
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: answer } }],
      });
    }
    return sendJson(res, 404, { error: { message: `no route ${path}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    embedded,
    failEmbeddings(status) {
      embeddingFailure = status;
    },
    chatMode(mode) {
      chat = mode;
    },
    resume() {
      resume();
      resumed = new Promise<void>((resolve) => {
        resume = resolve;
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The fake's deterministic embedding: words hashed (FNV-1a) into buckets, normalised. */
export function embedText(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of wordsOf(text)) {
    let hash = 0x811c9dc5;
    for (const char of word) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0;
    vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + 1;
  }
  const length = Math.hypot(...vector) || 1;
  return vector.map((value) => value / length);
}

const STOP_WORDS = new Set(
  'a an and are as at be by do does for from how i in is it my of on or the to what when where which who why with you your'.split(
    ' ',
  ),
);

function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? [])
    .filter((word) => !STOP_WORDS.has(word))
    .map((word) => word.replace(/(ing|ed|es|s)$/, ''));
}

function answerFrom(messages: { role: string; content: string }[]): string {
  const outside = messages.map((message) => message.content.replace(/<source\b[\s\S]*?<\/source>/g, '')).join('\n');
  const instruction = /^INSTRUCTION: (.+)$/m.exec(outside);
  if (instruction?.[1]) return instruction[1];
  const users = messages.filter((message) => message.role === 'user');
  const last = users.at(-1)?.content ?? '';
  const question = /Question: ([\s\S]*)$/.exec(last)?.[1] ?? '';
  // The thread's earlier questions count too, as a model reading the conversation would take them.
  const wanted = new Set([...users.slice(0, -1).flatMap((message) => wordsOf(message.content)), ...wordsOf(question)]);
  let best: { n: string; text: string; score: number } | undefined;
  for (const match of last.matchAll(/<source n="(\d+)"[^>]*>\n([\s\S]*?)\n<\/source>/g)) {
    const [, n = '', text = ''] = match;
    const score = new Set(wordsOf(text).filter((word) => wanted.has(word))).size;
    if (score > 0 && (!best || score > best.score)) best = { n, text, score };
  }
  if (!best) return 'NOT_COVERED';
  const sentence = best.text.split(/(?<=[.!?])\s/)[0]?.trim() ?? best.text;
  return `${sentence} [${best.n}]`;
}

async function streamAnswer(
  res: ServerResponse,
  model: string,
  answer: string,
  pacing: { gapMs?: number; stallAfter?: number; resumed: () => Promise<void> },
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const pieces = answer.match(/\S+\s*/g) ?? [answer];
  for (const [index, piece] of pieces.entries()) {
    if (index > 0 && pacing.gapMs) await new Promise((resolve) => setTimeout(resolve, pacing.gapMs));
    if (index > 0 && index === pacing.stallAfter) await pacing.resumed();
    if (res.destroyed) return;
    const chunk = {
      id: 'chatcmpl-fake',
      object: 'chat.completion.chunk',
      created: 0,
      model,
      choices: [{ index: 0, delta: { content: piece }, finish_reason: null }],
    };
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }
  res.write(
    `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
  );
  res.end('data: [DONE]\n\n');
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
