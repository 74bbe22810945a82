/** Deliveries already handled, so that a retried delivery (Slack retries events up to three times) acts once. */
export interface ProcessedEventLog {
  /** True the first time `eventId` from `source` is claimed, on any replica; false for every later claim. */
  claim(opts: { source: string; eventId: string }): Promise<boolean>;
  /** Forgets claims older than `before`; returns how many. */
  prune(opts: { before: Date }): Promise<number>;
}
