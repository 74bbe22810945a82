/**
 * Spaces calls at most `perSecond` a second (a token bucket holding one token): the digest's own pace, under Slack's
 * `chat.postMessage` limits (about one message a second per channel, and a workspace-wide cap Slack does not publish;
 * shared/reference/perf-reliability.md §2.1–2.3). `wait()` resolves when the next call may go.
 */
export interface Pacer {
  wait(): Promise<void>;
  /** Holds every later call until `ms` from now (a 429's `Retry-After`). */
  pause(ms: number): void;
}

export function createPacer(opts: {
  perSecond: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}): Pacer {
  const now = opts.now ?? (() => performance.now());
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const intervalMs = 1000 / opts.perSecond;
  let next = Number.NEGATIVE_INFINITY;
  return {
    async wait() {
      const at = Math.max(now(), next);
      next = at + intervalMs;
      const delay = at - now();
      if (delay > 0) await sleep(delay);
    },
    pause(ms) {
      next = Math.max(next, now() + ms);
    },
  };
}
