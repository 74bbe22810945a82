import type { ConditionalCache } from '../core/ports/conditional-cache.ts';

/**
 * ETags and bodies in process memory, for tests and one-off CLI runs; lost on exit. Bodies are copied in and out, as a
 * database would, so a caller may change what it stored or got back. Replicas share the Postgres-backed cache instead.
 */
export class InMemoryConditionalCache implements ConditionalCache {
  readonly #entries = new Map<string, { etag: string; body: unknown }>();

  async get(opts: { key: string }): Promise<{ etag: string; body: unknown } | undefined> {
    const entry = this.#entries.get(opts.key);
    return entry && { etag: entry.etag, body: structuredClone(entry.body) };
  }

  async set(opts: { key: string; etag: string; body: unknown }): Promise<void> {
    this.#entries.set(opts.key, { etag: opts.etag, body: structuredClone(opts.body) });
  }

  /** How many responses are cached. */
  get size(): number {
    return this.#entries.size;
  }
}
