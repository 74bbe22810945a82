import type { EntityRef } from '../catalog/types.ts';
import type {
  Actor,
  AuditAction,
  AuditEntry,
  PostedMessage,
  RequestState,
  RequestStep,
  StepStatus,
  TemplateRequest,
} from '../requests/types.ts';
import type { ChatPlatform } from '../view-model.ts';
import type { TemplateOutput } from './template-engine.ts';

/** The wizard of one person filling in a template's pages: kept in the database between views, not in the modal. */
export interface WizardSession {
  id: string;
  /** Who fills it in (`platform:id`); another person's submission with this id is refused. */
  owner: string;
  templateRef: string;
  /** The page shown now: 0 … pages - 1, then `pages` for the review. */
  page: number;
  /** Every page's values so far, merged. */
  values: Readonly<Record<string, unknown>>;
}

/** What a transition also writes, beside the new state, in the same statement. */
export interface TransitionChanges {
  decidedBy?: Actor;
  reason?: string;
  error?: string;
  output?: TemplateOutput;
}

/**
 * Template requests, their steps, the audit log and the provision wizards, in Postgres. Every state change is one
 * conditional statement (`transition`): of two replicas or two approvers racing, one wins and the other is told what
 * happened. Implemented by `DrizzleRequestStore`.
 */
export interface RequestStore {
  /** Stores a new request with its steps (all `pending`) and its `requested` audit entry, in one transaction. */
  createRequest(opts: {
    request: Pick<
      TemplateRequest,
      'id' | 'templateRef' | 'templateTitle' | 'values' | 'requester' | 'state' | 'approvers' | 'allowSelfApproval'
    >;
    steps: readonly Pick<RequestStep, 'id' | 'name' | 'action'>[];
  }): Promise<TemplateRequest>;
  getRequest(opts: { id: string }): Promise<TemplateRequest | undefined>;
  /** Newest first; `state` keeps one state. */
  listRequests(opts: { limit: number; state?: RequestState }): Promise<TemplateRequest[]>;
  /**
   * Moves request `id` to `to` when it is in one of `from` now, with `changes`, and writes `audit` (who and what) in
   * the same transaction. Undefined when the request is not in `from` (someone else moved it first). Leaving
   * `running` releases the run's claim. Throws when `from → to` is not a transition of the state machine.
   */
  transition(opts: {
    id: string;
    from: readonly RequestState[];
    to: RequestState;
    changes?: TransitionChanges;
    audit?: { action: AuditAction; actor?: Actor; detail?: string };
  }): Promise<TemplateRequest | undefined>;
  /**
   * Claims one request to run for `holder`: an `approved` one (oldest first), else the `running` one whose heartbeat
   * is stalest, when older than `staleMs` (its replica died) and held by another holder; `running` afterwards, with
   * `holder`'s heartbeat. A holder never claims again what it runs, even with `staleMs` 0 (taking over at start), and
   * concurrent claims never get the same request (`FOR UPDATE SKIP LOCKED`).
   */
  claimNext(opts: { holder: string; staleMs: number }): Promise<TemplateRequest | undefined>;
  /** Renews `holder`'s heartbeat on `id`; false when the claim is no longer `holder`'s (it went stale and was taken). */
  heartbeat(opts: { id: string; holder: string }): Promise<boolean>;
  /** Records that step `stepId` started (status `running`, one more attempt). */
  startStep(opts: { id: string; stepId: string }): Promise<void>;
  /** Writes `entries` over step `stepId`'s journal (key by key), in one statement. */
  saveStepJournal(opts: { id: string; stepId: string; entries: Readonly<Record<string, unknown>> }): Promise<void>;
  /** Records how step `stepId` ended. */
  finishStep(opts: {
    id: string;
    stepId: string;
    status: Exclude<StepStatus, 'pending' | 'running'>;
    output?: Readonly<Record<string, unknown>>;
    log?: readonly string[];
    error?: string;
  }): Promise<void>;
  /** Remembers where the requester's status message is (posted once, then edited). */
  setStatusMessage(opts: { id: string; message: PostedMessage }): Promise<void>;
  /** Remembers where approval messages were posted. */
  addApprovalMessages(opts: { id: string; messages: readonly PostedMessage[] }): Promise<void>;
  /** Oldest first; every request's when `requestId` is absent, at most `limit`. */
  listAudit(opts: { requestId?: string; limit: number }): Promise<AuditEntry[]>;

  /**
   * Whether `userRef` is a member of `groupRef` or of any of its sub-teams (`parentOf`, recursively), and what to call
   * them: their User's display name as `findDisplayNames` gives it (`name`, absent when the catalog has no such User).
   */
  membershipOf(opts: { userRef: EntityRef; groupRef: EntityRef }): Promise<{ member: boolean; name?: string }>;
  /** The members of `groupRef` and its sub-teams with their ids on `platform`; members not linked are left out. */
  groupMemberIds(opts: { groupRef: EntityRef; platform: ChatPlatform }): Promise<string[]>;

  createWizard(opts: Omit<WizardSession, 'id'>): Promise<WizardSession>;
  getWizard(opts: { id: string }): Promise<WizardSession | undefined>;
  saveWizard(opts: { id: string; page: number; values: Readonly<Record<string, unknown>> }): Promise<void>;
}
