/** One message of a chat completion. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * A chat model (an OpenAI-compatible `/chat/completions` endpoint) that writes text and nothing else: it is given no
 * tools, so what it reads cannot make it act. Errors are thrown as `UpstreamError`.
 */
export interface ChatModel {
  readonly model: string;
  /** The completion of `messages`, streamed: `onDelta` gets each piece as it arrives; resolves with the whole text. */
  complete(opts: { messages: readonly ChatTurn[]; onDelta?: (text: string) => void }): Promise<string>;
}
