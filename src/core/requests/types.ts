/**
 * A template request: someone asked for a template to run with their values. It moves through
 * `awaiting-approval → approved → running → succeeded | failed`, or ends `rejected` (by an approver) or `cancelled`
 * (by its requester or an approver); a failed request can be retried, which makes it `approved` again and resumes at
 * its first unfinished step. Every step's status, output and log are kept, so a run resumes after a crash.
 */
import type { EntityRef } from '../catalog/types.ts';
import type { TemplateOutput } from '../ports/template-engine.ts';
import type { ChatPlatform } from '../view-model.ts';

export const REQUEST_STATES = [
  'awaiting-approval',
  'approved',
  'running',
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** States a request never leaves (but `failed`, which Retry leaves for `approved`). */
export const FINAL_STATES: readonly RequestState[] = ['succeeded', 'rejected', 'cancelled'];

/**
 * Which state may follow which: the state machine every change goes through (`RequestStore.transition` refuses any
 * other). `failed → approved` is a retry; `running → approved` hands a run back to the queue (a replica stopping).
 */
export const TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  'awaiting-approval': ['approved', 'rejected', 'cancelled'],
  approved: ['running', 'cancelled'],
  running: ['succeeded', 'failed', 'cancelled', 'approved'],
  failed: ['approved', 'cancelled'],
  succeeded: [],
  rejected: [],
  cancelled: [],
};

export function canMove(from: RequestState, to: RequestState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Who did something: a chat user on a platform, or the person at the terminal (CLI, console). */
export interface Actor {
  platform: ChatPlatform | 'console';
  /** The platform's user id; `local` at the terminal. */
  id: string;
  /** Their catalog User, when their account resolves to one. */
  userRef?: EntityRef;
  /**
   * What to call them: their catalog User's display name (`spec.profile.displayName`, else its title or name), looked
   * up by the store each time it reads a request, never stored; absent when the catalog has no such User.
   */
  name?: string;
}

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'skipped' | 'failed';

export interface RequestStep {
  id: string;
  name: string;
  action: string;
  status: StepStatus;
  output: Readonly<Record<string, unknown>>;
  log: readonly string[];
  error?: string;
  /** How many times the step was started (a resumed or retried step counts again). */
  attempts: number;
  startedAt?: Date;
  finishedAt?: Date;
  /** What the step's action recorded across its attempts (`StepJournal`); `{}` when nothing. */
  journal: Readonly<Record<string, unknown>>;
}

/** Where the messages about a request were posted, so they can be edited as it moves (Slack: channel and ts). */
export interface PostedMessage {
  platform: ChatPlatform;
  channel: string;
  ts: string;
}

export interface TemplateRequest {
  /** `req-` and 10 lowercase letters or digits; also names the branch of the request's pull requests. */
  id: string;
  templateRef: string;
  templateTitle: string;
  values: Readonly<Record<string, unknown>>;
  requester: Actor;
  state: RequestState;
  /** The approver group ref, when the request needed an approval. */
  approvers?: EntityRef;
  /** The approver group's display name, looked up like `Actor.name`; absent when the catalog has no such group. */
  approversName?: string;
  allowSelfApproval: boolean;
  decidedBy?: Actor;
  decidedAt?: Date;
  /** The rejection's or cancellation's reason, when one was given. */
  reason?: string;
  /** The template's `spec.output`, once it succeeded. */
  output?: TemplateOutput;
  /** Why it failed, for the person (the step and GitHub's answer). */
  error?: string;
  steps: readonly RequestStep[];
  /** The requester's status message (a DM), edited as the request moves. */
  statusMessage?: PostedMessage;
  /** The approval messages (a channel's, or each approver's DM), edited once someone decides. */
  approvalMessages: readonly PostedMessage[];
  createdAt: Date;
  updatedAt: Date;
}

export type AuditAction = 'requested' | 'approved' | 'rejected' | 'retried' | 'cancelled' | 'succeeded' | 'failed';

export interface AuditEntry {
  at: Date;
  requestId: string;
  action: AuditAction;
  /** Absent for what the runner did on its own (a run finishing). */
  actor?: Actor;
  detail?: string;
}
