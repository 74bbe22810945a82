/** A digest post to deliver, as recorded in `digest_deliveries`: unique per team, channel and period. */
export interface Delivery {
  id: number;
  teamRef: string;
  channel: string;
  period: string;
  status: 'pending' | 'sending' | 'posted' | 'failed';
  attempts: number;
  lastError?: string;
  messageTs?: string;
  /**
   * On a claim: the delivery may have been posted already, so the channel is checked before posting: it was claimed
   * before by a holder whose claim ran out (it crashed mid-post, perhaps), or it had failed and is tried again.
   */
  resumed?: boolean;
  /** While `sending`: the run holding it, and when its claim runs out unless renewed. */
  claimedBy?: string;
  claimedUntil?: Date;
}

export interface DigestRun {
  period: string;
  /** Teams skipped for want of a channel. */
  skipped: string[];
  plannedAt: Date;
  finishedAt?: Date;
}

/**
 * The digest's deliveries and runs (`DrizzleDigestDeliveries`). Every change is one statement, so that replicas and
 * restarts agree: a delivery is claimed by one holder at a time (`FOR UPDATE SKIP LOCKED`), for a lease.
 */
export interface DigestDeliveries {
  findRun(opts: { period: string }): Promise<DigestRun | undefined>;
  latestRun(): Promise<DigestRun | undefined>;
  /** Records the run and its deliveries, once: a second plan of the same period changes nothing. */
  plan(opts: {
    period: string;
    targets: readonly { teamRef: string; channel: string }[];
    skipped: readonly string[];
  }): Promise<void>;
  /**
   * Claims the next delivery of `period` that is due (pending and past its `not_before`, or sending with an expired
   * claim) for `holder` until `leaseMs` from now; undefined when none is due. Only `teamRef`'s with it.
   */
  claimNext(opts: { period: string; holder: string; leaseMs: number; teamRef?: string }): Promise<Delivery | undefined>;
  renew(opts: { id: number; holder: string; leaseMs: number }): Promise<boolean>;
  markPosted(opts: { id: number; holder: string; ts: string }): Promise<void>;
  /** Back to pending after a failed attempt, due again `backoffMs` from now (the database's clock). */
  markRetry(opts: { id: number; holder: string; error: string; backoffMs: number }): Promise<void>;
  markFailed(opts: { id: number; holder: string; error: string }): Promise<void>;
  /**
   * Makes `period`'s failed deliveries (only `teamRef`'s with it) due again, at once, with their attempts counted from
   * zero; the next claim of each comes back `resumed`, so the channel is checked for a post before posting again.
   * Returns how many.
   */
  retryFailed(opts: { period: string; teamRef?: string }): Promise<number>;
  /**
   * In how many milliseconds the next delivery of `period` not yet posted or failed is due (0 or less: now); undefined
   * when none is left.
   */
  nextDue(opts: { period: string; teamRef?: string }): Promise<number | undefined>;
  finish(opts: { period: string }): Promise<void>;
  list(opts: { period: string }): Promise<Delivery[]>;
}
