/**
 * Work started after a request is answered (learning Slack identities, the sync a GitHub webhook asks for), tracked so
 * that it never delays the answer, never rejects unobserved, and can be waited for: by tests, and by shutdown.
 */
import { describeError, type Logger } from './http/server.ts';

export interface Background {
  /** Starts `task` now; a failure is logged under `name`, never thrown. */
  run(name: string, task: () => Promise<void>): void;
  /** Resolves when every task started so far has settled (or after `timeoutMs`, when given). */
  idle(timeoutMs?: number): Promise<void>;
}

export function createBackground(logger: Logger): Background {
  const running = new Set<Promise<void>>();
  return {
    run(name, task) {
      const promise = Promise.resolve()
        .then(task)
        .catch((error: unknown) => logger.warn(`Background task ${name} failed`, describeError(error)))
        .finally(() => running.delete(promise));
      running.add(promise);
    },
    async idle(timeoutMs) {
      const all = async () => {
        while (running.size > 0) await Promise.allSettled([...running]);
      };
      if (timeoutMs === undefined) return all();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      });
      await Promise.race([all(), timeout]);
      clearTimeout(timer);
    },
  };
}
