/**
 * Who may decide on a request, and who may retry or cancel it: decided from the catalog (the person's chat account
 * resolved to a catalog User, that User's membership of the approver group or its sub-teams), never from message
 * text. Pure: the membership is looked up by the caller. Refusals name people and the approver group as every answer
 * does (`actorName`, `approversName`: display names when the catalog has them), never by their refs.
 */
import type { Actor, TemplateRequest } from '../core/requests/types.ts';
import { actorName, approversName } from '../core/requests/words.ts';

export type Permission = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: Permission = { allowed: true };

/** True when `actor` is the person who asked (same catalog User, or the same account on the same platform). */
export function isRequester(request: TemplateRequest, actor: Actor): boolean {
  const requester = request.requester;
  if (actor.userRef && requester.userRef) return actor.userRef === requester.userRef;
  return actor.platform === requester.platform && actor.id === requester.id;
}

/**
 * May `actor` approve or reject `request`? Only a catalog User (an unknown chat account is refused and told how to be
 * known), only a member of the approver group or one of its sub-teams (`isMember`), and not the requester unless the
 * template allows self-approval (`wayfinder.dev/allow-self-approval: "true"`). `request` and `actor` carry the display
 * names the refusal uses (`approversName`, `Actor.name`); without them, the names in their refs.
 */
export function mayDecide(request: TemplateRequest, actor: Actor, isMember: boolean): Permission {
  if (!request.approvers) return { allowed: false, reason: `Request ${request.id} needs no approval.` };
  if (!actor.userRef) {
    return {
      allowed: false,
      reason:
        'Wayfinder does not know who you are in the catalog, so it cannot let you decide on this request. ' +
        'Your chat account is matched to a catalog User by email (spec.profile.email); ask your platform team to add you.',
    };
  }
  if (isRequester(request, actor) && !request.allowSelfApproval) {
    return {
      allowed: false,
      reason: `You asked for request ${request.id} yourself, and ${request.templateTitle} does not allow approving your own request (wayfinder.dev/allow-self-approval). Another member of ${approversName(request)} must decide.`,
    };
  }
  if (!isMember) {
    return {
      allowed: false,
      reason: `Only members of ${approversName(request)} (or its sub-teams) can decide on request ${request.id}; ${actorName(actor)} is not one.`,
    };
  }
  return ALLOWED;
}

/**
 * May `actor` retry or cancel `request`? The requester, a member of the approver group, or the operator at the
 * terminal (`wayfinder requests …`, who has the database already).
 */
export function mayManage(request: TemplateRequest, actor: Actor, isMember: boolean, verb: string): Permission {
  if (actor.platform === 'console' || isRequester(request, actor) || isMember) return ALLOWED;
  const approvers = approversName(request);
  const who = approvers ? `the requester or a member of ${approvers}` : 'the requester';
  return { allowed: false, reason: `Only ${who} can ${verb} request ${request.id}.` };
}
