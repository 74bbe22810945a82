/**
 * Turns texts into vectors (an OpenAI-compatible `/embeddings` endpoint). Implementations batch as the endpoint
 * allows; errors are thrown as `UpstreamError`, so callers can fall back to lexical search and say so.
 */
export interface Embedder {
  /** The model name, stored with each vector: a vector made by another model is never compared. */
  readonly model: string;
  /** The length of every vector returned. */
  readonly dimensions: number;
  /** One vector per text, in order. */
  embed(texts: readonly string[]): Promise<number[][]>;
}
