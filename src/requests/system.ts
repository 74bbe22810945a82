/**
 * The request system as the wiring assembles it: the store on the database, the desk people act through, and the
 * runner that claims and runs approved requests. The desk wakes the local runner when a request becomes runnable, so
 * a request approved on this replica starts at once; other replicas find it at their next poll.
 */
import type { Background } from '../background.ts';
import type { RequestDesk } from '../core/ports/request-desk.ts';
import type { RequestNotifier } from '../core/ports/request-notifier.ts';
import type { RequestStore } from '../core/ports/request-store.ts';
import type { TemplateEngine } from '../core/ports/template-engine.ts';
import type { Db } from '../db/drizzle-db.ts';
import type { Logger } from '../http/server.ts';
import { createRequestDesk } from './desk.ts';
import { createRequestRunner, type RequestRunner, type RequestRunnerOptions } from './runner.ts';
import { DrizzleRequestStore } from './store.ts';

export interface RequestSystem {
  store: DrizzleRequestStore;
  desk: RequestDesk;
  runner: RequestRunner;
}

export function createRequestSystem(opts: {
  db: Db;
  engine: TemplateEngine;
  /** The notifier, made for the system's store (it records where it posted). */
  notifier(store: RequestStore): RequestNotifier;
  logger: Logger;
  background: Background;
  runner: Omit<RequestRunnerOptions, 'store' | 'engine' | 'notifier' | 'logger'>;
}): RequestSystem {
  const store = new DrizzleRequestStore({ db: opts.db });
  const notifier = opts.notifier(store);
  const runner = createRequestRunner({
    ...opts.runner,
    store,
    engine: opts.engine,
    notifier,
    logger: opts.logger,
  });
  const desk = createRequestDesk({
    store,
    engine: opts.engine,
    notifier,
    background: opts.background,
    onRunnable: () => runner.wake(),
  });
  return { store, desk, runner };
}

/** The notifier where no chat platform is configured (the console, the CLI): the request's state is all there is. */
export const silentNotifier: RequestNotifier = { changed: async () => {} };
