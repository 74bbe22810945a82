/**
 * The docs' settings (issue 10): the OpenAI-compatible endpoint and the models, and which repositories' docs are
 * read. Part of `config.ts`'s schema, kept apart so that file stays about the catalog and chat.
 */
import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

/** An optional setting of digits only (`notDigits` otherwise), within `min` and `max`, each with its message. */
function optionalWholeNumber(notDigits: string, bounds: { min: [number, string]; max: [number, string] }) {
  return optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, notDigits)
      .transform(Number)
      .pipe(
        z
          .number()
          .min(...bounds.min)
          .max(...bounds.max),
      )
      .optional(),
  );
}

/** Vector sizes of OpenAI's own embedding models, so that naming one is enough. */
const KNOWN_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

export const aiEnv = {
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.pipe(z.url({ error: 'expected a URL such as http://127.0.0.1:11434/v1' }).optional()),
  WAYFINDER_EMBEDDING_MODEL: optionalText,
  WAYFINDER_EMBEDDING_DIMENSIONS: optionalWholeNumber('expected a whole number such as 1536', {
    min: [1, 'expected a whole number such as 1536'],
    max: [16_000, 'expected at most 16000'],
  }),
  WAYFINDER_CHAT_MODEL: optionalText,
  WAYFINDER_AI_TIMEOUT: optionalWholeNumber('expected a whole number of seconds such as 30', {
    min: [1, 'expected at least 1 second'],
    max: [600, 'expected at most 600 seconds'],
  }),
  WAYFINDER_DOCS_PRIVATE_REPOS: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .optional()
    .transform((value) => value !== undefined && ['true', '1', 'yes'].includes(value)),
};

type AiEnv = { [K in keyof typeof aiEnv]?: z.output<(typeof aiEnv)[K]> };

export interface AiConfig {
  /** OpenAI's key, or any text for a local server that checks none. */
  apiKey: string;
  baseUrl?: string;
  embedding?: { model: string; dimensions: number; sendDimensions: boolean };
  chatModel?: string;
  /** Bound on one call to the endpoint, retries included, in seconds (`WAYFINDER_AI_TIMEOUT`); absent: 30. */
  timeoutSeconds?: number;
}

export interface DocsConfig {
  /** Index the docs of private repositories too (`WAYFINDER_DOCS_PRIVATE_REPOS`); default only public ones. */
  privateRepos: boolean;
}

export function checkAiEnv(env: AiEnv, context: z.RefinementCtx): void {
  const endpoint = env.OPENAI_API_KEY !== undefined || env.OPENAI_BASE_URL !== undefined;
  for (const key of ['WAYFINDER_EMBEDDING_MODEL', 'WAYFINDER_CHAT_MODEL'] as const) {
    if (env[key] && !endpoint) {
      context.addIssue({
        code: 'custom',
        path: [key],
        message: 'needs an endpoint: set OPENAI_API_KEY (OpenAI), or OPENAI_BASE_URL for a local server such as Ollama',
      });
    }
  }
  const model = env.WAYFINDER_EMBEDDING_MODEL;
  if (model && env.WAYFINDER_EMBEDDING_DIMENSIONS === undefined && KNOWN_DIMENSIONS[model] === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['WAYFINDER_EMBEDDING_DIMENSIONS'],
      message: `is required with WAYFINDER_EMBEDDING_MODEL=${model}: the length of its vectors, such as 768 or 1024`,
    });
  }
  if (env.WAYFINDER_EMBEDDING_DIMENSIONS !== undefined && !model) {
    context.addIssue({
      code: 'custom',
      path: ['WAYFINDER_EMBEDDING_MODEL'],
      message: 'is required with WAYFINDER_EMBEDDING_DIMENSIONS: the embedding model, such as text-embedding-3-small',
    });
  }
}

/** Only called on settings `checkAiEnv` accepted. */
export function aiConfig(env: AiEnv): AiConfig | undefined {
  if (env.OPENAI_API_KEY === undefined && env.OPENAI_BASE_URL === undefined) return undefined;
  const model = env.WAYFINDER_EMBEDDING_MODEL;
  const dimensions = env.WAYFINDER_EMBEDDING_DIMENSIONS ?? (model ? KNOWN_DIMENSIONS[model] : undefined);
  return {
    // The client refuses to start without a key; local servers ignore it.
    apiKey: env.OPENAI_API_KEY ?? 'unused',
    ...(env.OPENAI_BASE_URL ? { baseUrl: env.OPENAI_BASE_URL } : {}),
    ...(model && dimensions
      ? { embedding: { model, dimensions, sendDimensions: env.WAYFINDER_EMBEDDING_DIMENSIONS !== undefined } }
      : {}),
    ...(env.WAYFINDER_CHAT_MODEL ? { chatModel: env.WAYFINDER_CHAT_MODEL } : {}),
    ...(env.WAYFINDER_AI_TIMEOUT !== undefined ? { timeoutSeconds: env.WAYFINDER_AI_TIMEOUT } : {}),
  };
}

export function docsConfig(env: AiEnv): DocsConfig {
  return { privateRepos: env.WAYFINDER_DOCS_PRIVATE_REPOS === true };
}
