/**
 * `RequestDesk`: submitting, deciding, retrying and cancelling template requests. Each change is one conditional
 * transition of the state machine with its audit entry (`RequestStore.transition`); who may make it is decided by
 * `approvals.ts` from catalog ownership. People are told in the background (`RequestNotifier`), so an answer never
 * waits for Slack; the runner (`runner.ts`) is woken for work it can start.
 */
import type { Background } from '../background.ts';
import { ConflictError, NotAllowedError, NotFoundError } from '../core/errors.ts';
import type { RequestDesk } from '../core/ports/request-desk.ts';
import type { RequestNotifier } from '../core/ports/request-notifier.ts';
import type { RequestStore } from '../core/ports/request-store.ts';
import type { TemplateEngine } from '../core/ports/template-engine.ts';
import type { Actor, TemplateRequest } from '../core/requests/types.ts';
import { actorName, stateWords } from '../core/requests/words.ts';
import { mayDecide, mayManage } from './approvals.ts';
import { newRequestId } from './store.ts';

export interface RequestDeskOptions {
  store: RequestStore;
  engine: TemplateEngine;
  notifier: RequestNotifier;
  background: Background;
  /** Called when a request becomes runnable (`approved`): the local runner claims it at once instead of at its next poll. */
  onRunnable?: () => void;
}

export function createRequestDesk(opts: RequestDeskOptions): RequestDesk {
  const { store, engine } = opts;

  const notify = (request: TemplateRequest) => {
    opts.background.run(`notify about ${request.id}`, () => opts.notifier.changed(request));
    if (request.state === 'approved') opts.onRunnable?.();
    return request;
  };

  const mustGet = async (id: string) => {
    const request = await store.getRequest({ id });
    if (!request) throw new NotFoundError(`There is no request ${id}. Try wayfinder requests list.`);
    return request;
  };

  /**
   * `actor` with their catalog User's display name (so a refusal names them), and whether they are a member of
   * `request`'s approver group or its sub-teams: one statement, and none when there is no group or no User to look up.
   */
  const asApprover = async (request: TemplateRequest, actor: Actor) => {
    if (!request.approvers || !actor.userRef) return { actor, isMember: false };
    const { member, name } = await store.membershipOf({ userRef: actor.userRef, groupRef: request.approvers });
    return { actor: name ? { ...actor, name } : actor, isMember: member };
  };

  /** The message for a request that someone else moved first, or that is past what was asked. */
  const conflict = (request: TemplateRequest, verb: string) => {
    if (request.state === 'succeeded') {
      return new ConflictError(`Request ${request.id} cannot be ${verb}: it has already succeeded.`);
    }
    const by = request.decidedBy ? ` by ${actorName(request.decidedBy)}` : '';
    return new ConflictError(`Request ${request.id} cannot be ${verb}: it is ${stateWords(request.state)}${by}.`);
  };

  return {
    async submit({ templateRef, values, requester }) {
      const template = await engine.get(templateRef);
      if (!template) throw new NotFoundError(`There is no template ${templateRef}. Try /provision to pick one.`);
      const id = newRequestId();
      const state = { requestId: id, user: requester.userRef ? { ref: requester.userRef } : {}, values, outputs: {} };
      const approval = template.approval && (await engine.needsApproval(template.ref, state));
      const request = await store.createRequest({
        request: {
          id,
          templateRef: template.ref,
          templateTitle: template.title,
          values,
          requester,
          state: approval ? 'awaiting-approval' : 'approved',
          ...(approval && template.approval ? { approvers: template.approval.approvers } : {}),
          allowSelfApproval: template.approval?.allowSelfApproval ?? false,
        },
        steps: template.steps.map((step) => ({ id: step.id, name: step.name ?? step.id, action: step.action })),
      });
      return notify(request);
    },

    async decide({ id, actor, approve, reason }) {
      const request = await mustGet(id);
      const approver = await asApprover(request, actor);
      const permission = mayDecide(request, approver.actor, approver.isMember);
      if (!permission.allowed) throw new NotAllowedError(permission.reason);
      const moved = await store.transition({
        id,
        from: ['awaiting-approval'],
        to: approve ? 'approved' : 'rejected',
        changes: { decidedBy: actor, ...(reason ? { reason } : {}) },
        audit: { action: approve ? 'approved' : 'rejected', actor, ...(reason ? { detail: reason } : {}) },
      });
      if (!moved) throw conflict(await mustGet(id), approve ? 'approved' : 'rejected');
      return notify(moved);
    },

    async retry({ id, actor }) {
      const request = await mustGet(id);
      const permission = mayManage(request, actor, (await asApprover(request, actor)).isMember, 'retry');
      if (!permission.allowed) throw new NotAllowedError(permission.reason);
      const moved = await store.transition({
        id,
        from: ['failed'],
        to: 'approved',
        audit: { action: 'retried', actor },
      });
      if (!moved) throw conflict(await mustGet(id), 'retried (only a failed request can be)');
      return notify(moved);
    },

    async cancel({ id, actor, reason }) {
      const request = await mustGet(id);
      const permission = mayManage(request, actor, (await asApprover(request, actor)).isMember, 'cancel');
      if (!permission.allowed) throw new NotAllowedError(permission.reason);
      // A running request is cancelled between steps: the runner checks the state before each one.
      const moved = await store.transition({
        id,
        from: ['awaiting-approval', 'approved', 'running', 'failed'],
        to: 'cancelled',
        changes: { decidedBy: actor, ...(reason ? { reason } : {}) },
        audit: { action: 'cancelled', actor, ...(reason ? { detail: reason } : {}) },
      });
      if (!moved) throw conflict(await mustGet(id), 'cancelled');
      return notify(moved);
    },

    get: ({ id }) => mustGet(id),
    list: (listing) => store.listRequests(listing),
    audit: ({ id }) => store.listAudit({ requestId: id, limit: 1_000 }),
  };
}
