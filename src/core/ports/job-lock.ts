/**
 * Expiring leases that let one replica at a time run a scheduled job (`job_leases`). Times are the database's clock,
 * so replicas' clocks need not agree.
 */
export interface JobLock {
  /** True when `holder` now holds `name` for `ttlMs`: nobody held it, or the last lease expired (its holder died). */
  tryAcquire(opts: { name: string; holder: string; ttlMs: number }): Promise<boolean>;
  /** Extends `holder`'s lease to `ttlMs` from now; false when `holder` no longer holds it (it expired and was taken). */
  renew(opts: { name: string; holder: string; ttlMs: number }): Promise<boolean>;
  /**
   * Ends `holder`'s lease, at once or `keepMs` from now: a replica whose tick fires a little late then finds the
   * job still held and skips instead of running it a second time.
   */
  release(opts: { name: string; holder: string; keepMs?: number }): Promise<void>;
}
