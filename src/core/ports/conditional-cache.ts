/**
 * ETag and body of a previous 200, keyed by request URL, so that the next read can be conditional. Postgres-backed
 * in production and shared by replicas; `InMemoryConditionalCache` for tests and one-off CLI runs. Bodies are plain
 * JSON values. A cache is per GitHub identity: ETags depend on the token that read them.
 */
export interface ConditionalCache {
  get(opts: { key: string }): Promise<{ etag: string; body: unknown } | undefined>;
  set(opts: { key: string; etag: string; body: unknown }): Promise<void>;
}
