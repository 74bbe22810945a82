/**
 * `POST /github/webhook`: GitHub's `push` and `repository` deliveries keep the catalog in step between scheduled
 * syncs. The wiring adds this route only when `GITHUB_WEBHOOK_SECRET` is set; without a secret there is no route
 * (404), and `createGitHubWebhookRoute` refuses an empty one.
 *
 * In a fixed order, failing closed, like the Slack receiver:
 * 1. `X-Hub-Signature-256` present, single and shaped `sha256=<64 hex>` — else 401, body unread;
 * 2. raw body read (413 above 25 MB, GitHub's largest delivery);
 * 3. HMAC-SHA256 of the raw body under the secret, compared in constant time — else 401;
 * 4. only then parsed: JSON (or the `payload` field of a form body), then `parseGitHubWebhook` — 400 naming the field;
 * 5. `ping` and unused events → 200; a delivery id already claimed (GitHub's redelivery, on any replica) → 200
 *    "already handled";
 * 6. 202, then in the background: a push to the default branch that touches a catalog path or a descriptor file the
 *    last sync read there (or may have touched anything: a force push, a new branch) reads that repository again;
 *    a repository created, unarchived, edited, renamed or transferred is read again; one archived or deleted is
 *    forgotten (its entities orphaned). After each, `afterSync`; a push that touched no catalog file, or a
 *    repository made public or private, goes to `afterChange` (the docs read from GitHub).
 *
 * A delivery is claimed before its sync runs: if the sync then fails, the repository keeps its old push time in the
 * sync state and the next scheduled sync reads it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Background } from '../background.ts';
import { isWayfinderError } from '../core/errors.ts';
import type { ProcessedEventLog } from '../core/ports/processed-event-log.ts';
import type { SyncStateStore } from '../core/ports/sync-state-store.ts';
import { readRawBody } from '../http/read-body.ts';
import { type Route, sendText } from '../http/server.ts';
import type { SyncSummary } from '../ingestion/github-sync.ts';
import type { Logger } from '../logger.ts';
import { type GitHubWebhookEvent, type PushEvent, parseGitHubWebhook, pushTouchesCatalog } from './webhook-events.ts';
import { isValidWebhookSignature } from './webhook-signature.ts';

export const GITHUB_WEBHOOK_PATH = '/github/webhook';

/** GitHub caps webhook payloads at 25 MB and drops larger ones. */
const DEFAULT_BODY_LIMIT_BYTES = 25 * 1024 * 1024;
const SIGNATURE = /^sha256=[0-9a-f]{64}$/;
/** GitHub's delivery ids are GUIDs; anything printable and short is accepted. */
const DELIVERY_ID = /^[\w.-]{1,100}$/;

export interface WebhookCatalogSync {
  syncRepositories(opts: { fullNames: readonly string[] }): Promise<SyncSummary>;
  forgetRepositories(opts: { fullNames: readonly string[] }): Promise<SyncSummary>;
}

export interface GitHubWebhookRouteOptions {
  /** `GITHUB_WEBHOOK_SECRET`; required. */
  secret: string;
  sync: WebhookCatalogSync;
  state: Pick<SyncStateStore, 'getRepository'>;
  processedEvents: ProcessedEventLog;
  /** `GITHUB_CATALOG_PATHS`. */
  catalogPaths: readonly string[];
  background: Background;
  logger: Logger;
  /** After each sync a delivery caused, e.g. the error notices (`notifyErrorOwners`) and the docs from GitHub. */
  afterSync?: (summary: SyncSummary) => Promise<void>;
  /**
   * After a change the catalog does not read: a push to the default branch that touched no catalog file, or a
   * repository made public or private. The docs from GitHub of that repository are refreshed.
   */
  afterChange?: (change: { fullName: string }) => Promise<void>;
  bodyLimitBytes?: number;
}

/** What a delivery asks of the sync. */
type Plan =
  | { action: 'sync'; fullNames: string[]; why: string }
  | { action: 'forget'; fullNames: string[]; why: string }
  | { action: 'push'; push: PushEvent }
  /** `repo`: a repository whose docs may have changed all the same (made public or private). */
  | { action: 'none'; why: string; repo?: string };

export function createGitHubWebhookRoute(opts: GitHubWebhookRouteOptions): Route {
  // Fail closed: with an empty secret every signature would be forgeable.
  if (!opts.secret) throw new Error('A GitHub webhook secret is required to receive webhooks');
  const limit = opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const { logger } = opts;

  const refuse = (res: ServerResponse, reason: string) => {
    logger.warn(`Refused a GitHub webhook: ${reason}`);
    // Close rather than drain an unverified body of unknown size.
    res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end(reason);
  };

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const signature = req.headers['x-hub-signature-256'];
    if (typeof signature !== 'string') return refuse(res, 'missing X-Hub-Signature-256');
    if (!SIGNATURE.test(signature)) return refuse(res, 'X-Hub-Signature-256 is not a sha256 signature');

    const rawBody = await readRawBody(req, limit);
    if (rawBody === undefined) {
      logger.warn(`GitHub webhook body exceeds ${limit} bytes`);
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('payload too large');
      return;
    }
    if (!(await isValidWebhookSignature({ secret: opts.secret, rawBody, signature }))) {
      return refuse(res, 'signature mismatch');
    }

    const event = headerString(req.headers['x-github-event']);
    const delivery = headerString(req.headers['x-github-delivery']);
    if (!event) return sendText(res, 400, 'missing X-GitHub-Event');
    if (!delivery || !DELIVERY_ID.test(delivery)) return sendText(res, 400, 'missing or malformed X-GitHub-Delivery');

    const payload = parseBody(rawBody, req.headers['content-type']);
    if (payload === undefined) {
      logger.warn(`Malformed GitHub ${event} delivery ${delivery}: not JSON`);
      return sendText(res, 400, 'malformed body: expected JSON (content type application/json)');
    }
    let parsed: GitHubWebhookEvent;
    try {
      parsed = parseGitHubWebhook({ event, payload });
    } catch (error) {
      if (!isWayfinderError(error)) throw error;
      logger.warn(`Malformed GitHub ${event} delivery ${delivery}: ${error.message}`);
      return sendText(res, 400, error.message);
    }
    if (parsed.kind === 'ignored') {
      logger.debug(`GitHub delivery ${delivery} ignored: ${parsed.reason}`);
      return sendText(res, 200, `ignored: ${parsed.reason}`);
    }

    if (!(await opts.processedEvents.claim({ source: 'github', eventId: delivery }))) {
      logger.info(`GitHub delivery ${delivery} (${event}) already handled`);
      return sendText(res, 200, 'already handled');
    }
    sendText(res, 202, 'accepted');
    opts.background.run(`GitHub ${event} delivery ${delivery}`, () => act(delivery, planFor(parsed)));
  };

  const act = async (delivery: string, plan: Plan): Promise<void> => {
    const started = Date.now();
    let summary: SyncSummary | undefined;
    let what: string;
    if (plan.action === 'push') {
      const { push } = plan;
      const at = `push to ${push.repo}@${push.branch}`;
      if (!(await touchesCatalog(push))) {
        logger.info(`GitHub delivery ${delivery} (${at}): no catalog file touched`);
        await opts.afterChange?.({ fullName: push.repo });
        return;
      }
      what = `${at}: read ${push.repo} again`;
      summary = await opts.sync.syncRepositories({ fullNames: [push.repo] });
    } else if (plan.action === 'sync') {
      what = `${plan.why}: read ${plan.fullNames.join(', ')} again`;
      summary = await opts.sync.syncRepositories({ fullNames: plan.fullNames });
    } else if (plan.action === 'forget') {
      what = `${plan.why}: forgot ${plan.fullNames.join(', ')}`;
      summary = await opts.sync.forgetRepositories({ fullNames: plan.fullNames });
    } else {
      logger.info(`GitHub delivery ${delivery}: ${plan.why}`);
      if (plan.repo) await opts.afterChange?.({ fullName: plan.repo });
      return;
    }
    const { counts } = summary;
    logger.info(
      `GitHub delivery ${delivery} (${what}): ${counts.created} created, ${counts.updated} updated, ${counts.orphaned} orphaned, ${summary.errors.length} errors, ${summary.failed.length} failed, ${summary.requests} GitHub requests, ${Date.now() - started} ms`,
    );
    await opts.afterSync?.(summary);
  };

  /** The configured catalog paths, and every descriptor file the last sync of this repository read. */
  const touchesCatalog = async (push: PushEvent): Promise<boolean> => {
    if (!push.touchedPathsComplete) return true;
    const known = await opts.state.getRepository({ fullName: push.repo });
    return pushTouchesCatalog({ push, catalogPaths: [...opts.catalogPaths, ...(known?.descriptorPaths ?? [])] });
  };

  // What escapes the handler (the database failing a claim) is logged and answered 500 by the server.
  return { method: 'POST', path: GITHUB_WEBHOOK_PATH, handler };
}

/**
 * What a delivery asks for. A renamed or transferred repository is synced under its previous name: GitHub redirects
 * that name to the repository, and the sync reads it under its new name and forgets the old one, or forgets it when
 * it left the organisation.
 */
function planFor(event: Exclude<GitHubWebhookEvent, { kind: 'ignored' }>): Plan {
  if (event.kind === 'push') {
    if (!event.isDefaultBranch)
      return { action: 'none', why: `push to ${event.repo}@${event.branch}, not the default branch` };
    return { action: 'push', push: event };
  }
  const why = `repository ${event.repo} ${event.action}`;
  switch (event.action) {
    case 'created':
    case 'unarchived':
    // A new default branch or topics change which files are read, and whether the repository is.
    case 'edited':
      return { action: 'sync', fullNames: [event.repo], why };
    case 'renamed':
    case 'transferred':
      return { action: 'sync', fullNames: [event.previousFullName ?? event.repo], why };
    case 'archived':
    case 'deleted':
      return { action: 'forget', fullNames: [event.repo], why };
    case 'publicized':
    case 'privatized':
      return { action: 'none', why: `${why}: nothing the catalog reads changed`, repo: event.repo };
  }
}

/** JSON (content type `application/json`), or the JSON in the `payload` field of a form body. */
function parseBody(rawBody: Buffer, contentType: string | undefined): unknown {
  try {
    const type = contentType?.split(';')[0]?.trim().toLowerCase();
    if (type === 'application/x-www-form-urlencoded') {
      const payload = new URLSearchParams(rawBody.toString('utf8')).get('payload');
      return payload === null ? undefined : JSON.parse(payload);
    }
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
}

function headerString(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
