/**
 * Tells each team, in its channel, about new errors in the descriptor files it owns, once per error.
 *
 * After a sync: each error is fingerprinted (location, line, field, message); `current` is every error the catalog
 * still holds, so a notice of an error that went away is forgotten and the error is posted again if it comes back.
 * An error's owner is the owner of the entity it names (`entityRef`; a broken document keeps its last good entity),
 * found through its system and domain like `/owner`; a Group's own file is its own. Only errors whose owner has a
 * channel are claimed: one nobody can be told about stays unclaimed, and is posted once an owner or channel appears
 * and a later sync reports it again.
 *
 * Posting is at most once: a notice is claimed (across replicas) before it is posted, so a crash or a Slack failure
 * after the claim loses that notice rather than posting it twice. Failures are logged and reported by a throw at the
 * end, after every other team has been told.
 *
 * Errors without an `entityRef` (a file that is not valid YAML) name no entity; finding the entities last read from
 * that location would need a store query by `source_location`, which `CatalogStore` does not offer yet.
 */
import { createHash } from 'node:crypto';
import { buildErrorNotice, noticeChannelOf } from '../core/catalog/error-notice.ts';
import type { ChannelSpan } from '../core/catalog/facts.ts';
import type { EntityRecord } from '../core/catalog/records.ts';
import type { EntityRef, IngestError } from '../core/catalog/types.ts';
import { errorMessage, UpstreamError } from '../core/errors.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { ChannelNotifier } from '../core/ports/channel-notifier.ts';
import type { SyncStateStore } from '../core/ports/sync-state-store.ts';
import { describeError } from '../http/server.ts';
import type { Logger } from '../logger.ts';

export interface ErrorNoticeResult {
  /** Notices posted, and to how many teams. */
  posted: number;
  teams: number;
  /** Errors of this sync whose owner or channel is unknown: not claimed, not posted. */
  unowned: number;
}

/** Stable identity of an error across syncs: the same problem at the same place. */
export function fingerprintError(error: IngestError): string {
  return createHash('sha256')
    .update(JSON.stringify([error.location, error.line ?? null, error.field ?? null, error.message]))
    .digest('hex');
}

export async function notifyErrorOwners(opts: {
  /** The errors the sync just reported (`SyncSummary.errors`). */
  errors: readonly IngestError[];
  store: Pick<CatalogStore, 'listIngestErrors' | 'listRefsAt' | 'getEntity' | 'getOwnership'>;
  state: Pick<SyncStateStore, 'claimErrorNotices'>;
  notifier: ChannelNotifier;
  logger: Logger;
}): Promise<ErrorNoticeResult> {
  const { store, logger } = opts;
  const current = new Set((await store.listIngestErrors()).map(fingerprintError));

  // Errors still stored (another sync may have replaced them since), each once.
  const candidates = new Map<string, IngestError>();
  for (const error of opts.errors) {
    const fingerprint = fingerprintError(error);
    if (current.has(fingerprint) && !candidates.has(fingerprint)) candidates.set(fingerprint, error);
  }

  const owners = new Map<EntityRef, Promise<TeamChannel | undefined>>();
  const ownerOf = (ref: EntityRef) => {
    let owner = owners.get(ref);
    if (!owner) {
      owner = findTeamChannel(store, opts.notifier, ref);
      owners.set(ref, owner);
    }
    return owner;
  };
  const routed = new Map<string, { owner: TeamChannel; error: IngestError }>();
  let unowned = 0;
  for (const [fingerprint, error] of candidates) {
    // A document too broken to name its entity is told to the owners of what its file held when it last read.
    const refs = error.entityRef ? [error.entityRef] : await store.listRefsAt({ location: error.location });
    let owner: TeamChannel | undefined;
    for (const ref of refs) {
      owner = await ownerOf(ref);
      if (owner) break;
    }
    if (owner) routed.set(fingerprint, { owner, error });
    else unowned += 1;
  }

  // Called even with nothing to claim: it also forgets the notices of errors that are gone.
  const claimed = await opts.state.claimErrorNotices({ fingerprints: [...routed.keys()], current: [...current] });

  const byTeam = new Map<EntityRef, { owner: TeamChannel; errors: IngestError[] }>();
  for (const fingerprint of claimed) {
    const entry = routed.get(fingerprint);
    if (!entry) continue;
    const notice = byTeam.get(entry.owner.team.ref) ?? { owner: entry.owner, errors: [] };
    notice.errors.push(entry.error);
    byTeam.set(entry.owner.team.ref, notice);
  }

  const failures: string[] = [];
  let posted = 0;
  for (const { owner, errors } of byTeam.values()) {
    try {
      await opts.notifier.post({ channel: owner.channel, message: buildErrorNotice({ team: owner.team, errors }) });
      posted += errors.length;
    } catch (error) {
      failures.push(owner.team.ref);
      logger.error(
        `Could not post ${errors.length} catalog error notices to ${owner.team.ref}: ${errorMessage(error)}`,
        describeError(error),
      );
    }
  }
  if (posted > 0 || unowned > 0) {
    logger.info(
      `Catalog error notices: ${posted} posted to ${byTeam.size - failures.length} teams, ${unowned} errors with no owner or channel to tell`,
    );
  }
  if (failures.length > 0) {
    throw new UpstreamError(`Catalog error notices could not be posted to ${failures.join(', ')}`);
  }
  return { posted, teams: byTeam.size, unowned };
}

interface TeamChannel {
  team: EntityRecord;
  channel: ChannelSpan;
}

/** The team that owns `ref` and its channel; undefined when either is unknown (or the owner is a person). */
async function findTeamChannel(
  store: Pick<CatalogStore, 'getEntity' | 'getOwnership'>,
  notifier: Pick<ChannelNotifier, 'reaches'>,
  ref: EntityRef,
): Promise<TeamChannel | undefined> {
  const entity = await store.getEntity({ ref });
  if (!entity) return undefined;
  const team = entity.kind === 'group' ? entity : (await store.getOwnership({ entity })).owner?.group?.team;
  const channel = team && noticeChannelOf(team);
  return team && channel && notifier.reaches({ channel }) ? { team, channel } : undefined;
}
