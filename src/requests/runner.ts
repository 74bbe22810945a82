/**
 * Runs approved requests to completion, durably. Any replica claims work from Postgres (`RequestStore.claimNext`:
 * `FOR UPDATE SKIP LOCKED` on the request row, a heartbeat while it runs), and a run resumes at its first unfinished
 * step: after a crash (another replica, or this one when it starts, takes over once the heartbeat is stale), a
 * GitHub outage, or a Retry. Each step's start and end are recorded around the engine's `runStep`, which is
 * idempotent per request id, so a step interrupted half-way is run again and finds what it created instead of
 * creating it twice. What an action records before acting (the step's journal) is stored on the step's row at once
 * and handed to every later attempt.
 *
 * Retryable failures (`StepFailure.retryable`: GitHub 5xx, network) are tried again within the claim, `retries`
 * times with doubling delays; then, and at once for anything else, the request is `failed` with the reason and a
 * Retry button. A request cancelled while it runs stops before its next step.
 */

import { errorMessage } from '../core/errors.ts';
import type { RequestNotifier } from '../core/ports/request-notifier.ts';
import type { RequestStore } from '../core/ports/request-store.ts';
import { type RunState, StepFailure, type StepJournal, type TemplateEngine } from '../core/ports/template-engine.ts';
import type { TemplateRequest } from '../core/requests/types.ts';
import { countOf } from '../core/text.ts';
import type { Logger } from '../http/server.ts';
import { describeError } from '../http/server.ts';

export interface RequestRunnerOptions {
  store: RequestStore;
  engine: TemplateEngine;
  notifier: RequestNotifier;
  logger: Logger;
  /** This replica's name in claims (host and pid, say). */
  holder: string;
  /** Requests run at once by this replica (default 8). */
  concurrency?: number;
  /** How often (ms) a running request's heartbeat is renewed (default 5,000). */
  heartbeatMs?: number;
  /** A heartbeat older than this (ms) means its replica died; another takes over (default 30,000). */
  staleMs?: number;
  /** How often (ms) the queue is polled for work when nothing wakes it (default 2,000). */
  pollMs?: number;
  /** Tries of a retryable step failure within one claim, after the first (default 3), and the first delay (ms, default 1,000). */
  retries?: number;
  retryDelayMs?: number;
  /**
   * Take over every `running` request at start, whatever its heartbeat: right when this process is the only one on
   * the database (PGlite), where a `running` request at start was left by a process that died.
   */
  takeOverAtStart?: boolean;
}

export interface RequestRunner {
  /** Polls for work until `stop()`. */
  start(): void;
  /** Claims work now (a request was just approved). */
  wake(): void;
  /**
   * Runs claimable requests until none is left, then resolves with the ids of the requests this replica claimed
   * meanwhile, in the order claimed, each once (`wayfinder requests work`, tests).
   */
  drain(): Promise<string[]>;
  /** Stops claiming, and waits for the runs in progress to reach the end of their current step. */
  stop(): Promise<void>;
}

export function createRequestRunner(opts: RequestRunnerOptions): RequestRunner {
  const concurrency = opts.concurrency ?? 8;
  const heartbeatMs = opts.heartbeatMs ?? 5_000;
  const staleMs = opts.staleMs ?? 30_000;
  const pollMs = opts.pollMs ?? 2_000;
  const retries = opts.retries ?? 3;
  const retryDelayMs = opts.retryDelayMs ?? 1_000;
  const running = new Set<Promise<void>>();
  let stopping = false;
  let firstClaim = opts.takeOverAtStart ?? false;
  let timer: NodeJS.Timeout | undefined;
  let filling: Promise<void> | undefined;
  /** One list per `drain()` in progress: the ids it claims. */
  const drains = new Set<string[]>();

  /** Claims until this replica runs `concurrency` requests or nothing is claimable. */
  const fill = (): Promise<void> => {
    filling ??= (async () => {
      try {
        while (!stopping && running.size < concurrency) {
          const request = await opts.store.claimNext({ holder: opts.holder, staleMs: firstClaim ? 0 : staleMs });
          if (!request) break;
          for (const claimed of drains) if (!claimed.includes(request.id)) claimed.push(request.id);
          const run = runClaimed(request).finally(() => {
            running.delete(run);
            if (!stopping) void fill();
          });
          running.add(run);
        }
        firstClaim = false;
      } catch (error) {
        opts.logger.error('Claiming template requests failed', { error: describeError(error) });
      } finally {
        filling = undefined;
      }
    })();
    return filling;
  };

  const runClaimed = async (claimed: TemplateRequest): Promise<void> => {
    let lost = false;
    const beat = setInterval(() => {
      opts.store
        .heartbeat({ id: claimed.id, holder: opts.holder })
        .then((held) => {
          if (!held) lost = true;
        })
        .catch((error: unknown) => opts.logger.warn('A request heartbeat failed', describeError(error)));
    }, heartbeatMs);
    beat.unref();
    try {
      await opts.notifier.changed(claimed);
      await runSteps(claimed, () => lost || stopping);
      // Stopping (a deploy): hand the request back at once rather than leave it for the heartbeat to go stale.
      if (stopping && !lost) {
        await opts.store.transition({ id: claimed.id, from: ['running'], to: 'approved' });
      }
    } catch (error) {
      opts.logger.error(`Request ${claimed.id} failed in the runner`, { error: describeError(error) });
    } finally {
      clearInterval(beat);
    }
  };

  const runSteps = async (claimed: TemplateRequest, interrupted: () => boolean): Promise<void> => {
    const outputs: Record<string, Readonly<Record<string, unknown>>> = {};
    for (const step of claimed.steps) {
      if (step.status === 'succeeded' || step.status === 'skipped') outputs[step.id] = step.output;
    }
    const state = (): RunState => ({
      requestId: claimed.id,
      user: claimed.requester.userRef ? { ref: claimed.requester.userRef } : {},
      values: claimed.values,
      outputs: { ...outputs },
    });
    for (const step of claimed.steps) {
      if (step.status === 'succeeded' || step.status === 'skipped') continue;
      const current = await opts.store.getRequest({ id: claimed.id });
      // Cancelled meanwhile, or the claim went stale and another replica runs it now: stop here.
      if (current?.state !== 'running' || interrupted()) return;
      await opts.store.startStep({ id: claimed.id, stepId: step.id });
      await notifyLatest(claimed.id);
      const journal = stepJournal(claimed.id, step.id, current.steps.find((s) => s.id === step.id)?.journal ?? {});
      const outcome = await runStepWithRetries(claimed.id, claimed.templateRef, step.id, state, journal);
      if ('error' in outcome) {
        await opts.store.finishStep({ id: claimed.id, stepId: step.id, status: 'failed', error: outcome.reason });
        const failed = await opts.store.transition({
          id: claimed.id,
          from: ['running'],
          to: 'failed',
          changes: {
            error: `Step "${step.name}" (${step.action}) failed${triesWords(outcome)}: ${outcome.reason}`,
          },
          audit: { action: 'failed', detail: `${step.id}: ${outcome.reason}` },
        });
        if (failed) await opts.notifier.changed(failed);
        return;
      }
      outputs[step.id] = outcome.output;
      await opts.store.finishStep({
        id: claimed.id,
        stepId: step.id,
        status: outcome.ran ? 'succeeded' : 'skipped',
        output: outcome.output,
        log: outcome.log,
      });
    }
    const output = await opts.engine.output(claimed.templateRef, state());
    const done = await opts.store.transition({
      id: claimed.id,
      from: ['running'],
      to: 'succeeded',
      changes: { output },
      audit: { action: 'succeeded' },
    });
    if (done) await opts.notifier.changed(done);
  };

  /** A step's journal: each attempt sees what the earlier ones saved (in the database, and in this claim). */
  const stepJournal = (id: string, stepId: string, stored: Readonly<Record<string, unknown>>) => {
    let saved = { ...stored };
    return (): StepJournal => ({
      saved: { ...saved },
      async save(entries) {
        await opts.store.saveStepJournal({ id, stepId, entries });
        saved = { ...saved, ...entries };
      },
    });
  };

  /**
   * Runs a step, trying a retryable failure again `retries` times. Every try after the first is recorded as an
   * attempt of the step (`startStep`), so the step's attempts count each try. A failure comes back as its reason
   * (without the step's name, which the caller's sentence gives), the number of tries, and how many times the calls
   * that failed were sent in all (`StepFailure.tries` summed: the GitHub client retries a call within one try; the
   * step's other requests, which succeeded, are not counted).
   */
  const runStepWithRetries = async (
    id: string,
    templateRef: string,
    stepId: string,
    state: () => RunState,
    journal: () => StepJournal,
  ) => {
    let sent = 0;
    for (let attempt = 0; ; attempt += 1) {
      if (attempt > 0) await opts.store.startStep({ id, stepId });
      try {
        return await opts.engine.runStep(templateRef, stepId, state(), journal());
      } catch (error) {
        const retryable = error instanceof StepFailure && error.retryable;
        sent += error instanceof StepFailure ? (error.tries ?? 0) : 0;
        if (!retryable || attempt >= retries) {
          const reason = error instanceof StepFailure ? error.reason : errorMessage(error);
          return { error: true as const, reason, tries: attempt + 1, sent };
        }
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** attempt));
      }
    }
  };

  const notifyLatest = async (id: string) => {
    const latest = await opts.store.getRequest({ id });
    if (latest) await opts.notifier.changed(latest);
  };

  return {
    start() {
      stopping = false;
      const tick = () => {
        void fill().finally(() => {
          if (!stopping) timer = setTimeout(tick, pollMs);
        });
      };
      tick();
    },
    wake() {
      if (!stopping) void fill();
    },
    async drain() {
      const claimed: string[] = [];
      drains.add(claimed);
      try {
        for (;;) {
          await fill();
          if (running.size === 0) return claimed;
          await Promise.race(running);
        }
      } finally {
        drains.delete(claimed);
      }
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await filling;
      await Promise.allSettled([...running]);
    },
  };
}

/**
 * How a failed step's tries read in its failure: ` after 4 attempts`, and, when the GitHub client's own retries sent
 * the calls that failed more often than the step was tried, how often (` after 2 attempts (6 tries of the GitHub calls
 * that failed)`), so the sentence never claims fewer tries than GitHub saw. The figure counts only the calls that
 * failed (`StepFailure.tries`), not every request the step sent to GitHub, and says so. Empty for one try that sent
 * its failing call at most once.
 */
function triesWords(outcome: { tries: number; sent: number }): string {
  const attempts = countOf(outcome.tries, 'attempt');
  if (outcome.sent > outcome.tries) {
    const calls = outcome.tries === 1 ? 'the GitHub call that failed' : 'the GitHub calls that failed';
    return ` after ${attempts} (${outcome.sent} tries of ${calls})`;
  }
  return outcome.tries > 1 ? ` after ${attempts}` : '';
}
