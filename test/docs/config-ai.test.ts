import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('the docs settings', () => {
  it('has no endpoint by default: keyword search and quoted passages', () => {
    const config = loadConfig({});
    expect(config.ai).toBeUndefined();
    expect(config.docs).toEqual({ privateRepos: false });
  });

  it("knows the size of OpenAI's embedding models, and sends a size only when it is set", () => {
    expect(
      loadConfig({
        OPENAI_API_KEY: 'sk-x',
        WAYFINDER_EMBEDDING_MODEL: 'text-embedding-3-small',
        WAYFINDER_CHAT_MODEL: 'gpt-4o-mini',
      }).ai,
    ).toEqual({
      apiKey: 'sk-x',
      embedding: { model: 'text-embedding-3-small', dimensions: 1536, sendDimensions: false },
      chatModel: 'gpt-4o-mini',
    });
    expect(
      loadConfig({
        OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
        WAYFINDER_EMBEDDING_MODEL: 'nomic-embed-text',
        WAYFINDER_EMBEDDING_DIMENSIONS: '768',
        WAYFINDER_AI_TIMEOUT: '90',
      }).ai,
    ).toEqual({
      apiKey: 'unused',
      baseUrl: 'http://127.0.0.1:11434/v1',
      embedding: { model: 'nomic-embed-text', dimensions: 768, sendDimensions: true },
      timeoutSeconds: 90,
    });
  });

  it('names the key and what it needs when a setting cannot work', () => {
    expect(problems({ WAYFINDER_CHAT_MODEL: 'gpt-4o-mini' })).toEqual([
      'WAYFINDER_CHAT_MODEL needs an endpoint: set OPENAI_API_KEY (OpenAI), or OPENAI_BASE_URL for a local server such as Ollama',
    ]);
    expect(
      problems({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', WAYFINDER_EMBEDDING_MODEL: 'nomic-embed-text' }),
    ).toEqual([
      'WAYFINDER_EMBEDDING_DIMENSIONS is required with WAYFINDER_EMBEDDING_MODEL=nomic-embed-text: the length of its vectors, such as 768 or 1024',
    ]);
    expect(
      problems({ OPENAI_API_KEY: 'sk-x', WAYFINDER_EMBEDDING_MODEL: 'm', WAYFINDER_EMBEDDING_DIMENSIONS: 'many' }),
    ).toEqual(['WAYFINDER_EMBEDDING_DIMENSIONS expected a whole number such as 1536']);
    expect(problems({ OPENAI_API_KEY: 'sk-x', WAYFINDER_AI_TIMEOUT: '30s' })).toEqual([
      'WAYFINDER_AI_TIMEOUT expected a whole number of seconds such as 30',
    ]);
    expect(problems({ OPENAI_BASE_URL: 'localhost' })).toEqual([
      'OPENAI_BASE_URL expected a URL such as http://127.0.0.1:11434/v1',
    ]);
  });
});
