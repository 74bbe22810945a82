/**
 * Who may start a `/wayfinder refresh` now. A refresh re-reads a file or a GitHub repository and writes the catalog,
 * so it is admitted sparingly: one at a time per source (a second refresh of the same repository would read the same
 * thing again), one at a time per person, a few per person per window, and a bounded number in all. Every map here is
 * bounded, so no number of people or sources grows memory without limit.
 *
 * Per process: with several replicas each admits its own; the catalog's write path serialises what reaches the
 * database.
 */
import type { Asker } from './asker.ts';

export interface RefreshGateOptions {
  /** Refreshes running at once in this process, all people together. Default 16. */
  maxRunning?: number;
  /** Refreshes one person may start per window. Default 10. */
  perAskerPerWindow?: number;
  /** The window of `perAskerPerWindow`, in milliseconds. Default 10 minutes. */
  windowMs?: number;
  /** People whose recent refreshes are remembered; the longest idle are forgotten first. Default 1,000. */
  maxAskersTracked?: number;
  /** Milliseconds since the epoch; for tests. */
  now?: () => number;
}

/** A refresh in progress. */
export interface RunningRefresh {
  /** What is being read, as people know it (`acme/payments-api`, a file). */
  label: string;
  asker: Asker;
  startedAt: number;
}

export type Admission =
  /** Admitted: call `done()` exactly once when the refresh ends, however it ends. */
  | { admitted: true; done(): void }
  /** The same source is being refreshed; its answer is on its way to whoever started it. */
  | { admitted: false; reason: 'source-busy'; running: RunningRefresh }
  /** This person's own refresh is still running. */
  | { admitted: false; reason: 'asker-busy'; running: RunningRefresh }
  /** This person started `perAskerPerWindow` refreshes within the window; `retryInMs` until the oldest leaves it. */
  | { admitted: false; reason: 'asker-rate'; limit: number; windowMs: number; retryInMs: number }
  /** `maxRunning` refreshes are running. */
  | { admitted: false; reason: 'full'; limit: number };

export interface RefreshGate {
  /** Admits a refresh of `source` (a key: a GitHub scope, a file location) by `asker`, or says why not. */
  tryStart(opts: { asker: Asker; source: string; label: string }): Admission;
  /** Refreshes running now. */
  running(): number;
}

export function createRefreshGate(opts: RefreshGateOptions = {}): RefreshGate {
  const maxRunning = opts.maxRunning ?? 16;
  const perWindow = opts.perAskerPerWindow ?? 10;
  const windowMs = opts.windowMs ?? 10 * 60 * 1000;
  const maxAskers = opts.maxAskersTracked ?? 1_000;
  const now = opts.now ?? Date.now;

  // Both bounded by maxRunning: an entry is added only when admitted and removed by done().
  const bySource = new Map<string, RunningRefresh>();
  const byAsker = new Map<string, RunningRefresh>();
  // Start times within the window, per person; bounded by maxAskers (insertion order = least recently started first).
  const recent = new Map<string, number[]>();

  return {
    tryStart({ asker, source, label }) {
      const at = now();
      const askerKey = `${asker.platform}:${asker.id}`;
      const sourceRunning = bySource.get(source);
      if (sourceRunning) return { admitted: false, reason: 'source-busy', running: sourceRunning };
      const askerRunning = byAsker.get(askerKey);
      if (askerRunning) return { admitted: false, reason: 'asker-busy', running: askerRunning };
      const starts = (recent.get(askerKey) ?? []).filter((start) => at - start < windowMs);
      if (starts.length >= perWindow) {
        const oldest = starts[0] ?? at;
        return { admitted: false, reason: 'asker-rate', limit: perWindow, windowMs, retryInMs: oldest + windowMs - at };
      }
      if (bySource.size >= maxRunning) return { admitted: false, reason: 'full', limit: maxRunning };

      const running: RunningRefresh = { label, asker, startedAt: at };
      bySource.set(source, running);
      byAsker.set(askerKey, running);
      recent.delete(askerKey);
      recent.set(askerKey, [...starts, at]);
      while (recent.size > maxAskers) {
        const oldest = recent.keys().next().value;
        if (oldest === undefined) break;
        recent.delete(oldest);
      }
      let ended = false;
      return {
        admitted: true,
        done() {
          if (ended) return;
          ended = true;
          if (bySource.get(source) === running) bySource.delete(source);
          if (byAsker.get(askerKey) === running) byAsker.delete(askerKey);
        },
      };
    },
    running: () => bySource.size,
  };
}
