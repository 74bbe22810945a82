/** A repository as last synced. */
export interface RepositorySyncState {
  fullName: string;
  defaultBranch: string;
  pushedAt: string | null;
  /** Descriptor files read (catalog paths and Location targets), to tell whether a push touched one. */
  descriptorPaths: string[];
}

/** What the GitHub sync remembers between runs, shared by replicas. */
export interface SyncStateStore {
  listRepositories(): Promise<RepositorySyncState[]>;
  /** One repository's state, its name matched case-insensitively (as GitHub does); undefined if never synced. */
  getRepository(opts: { fullName: string }): Promise<RepositorySyncState | undefined>;
  saveRepositories(opts: { states: readonly RepositorySyncState[] }): Promise<void>;
  forgetRepositories(opts: { fullNames: readonly string[] }): Promise<void>;
  /**
   * Claims the error notices not yet posted, and forgets the notices of errors no longer in `current` (so an error
   * that comes back is posted again). Returns the fingerprints newly claimed, which the caller posts.
   */
  claimErrorNotices(opts: { fingerprints: readonly string[]; current: readonly string[] }): Promise<string[]>;
}
