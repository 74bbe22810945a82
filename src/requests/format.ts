/** Requests as terminal text, for `wayfinder requests list|show`. */

import { decisionLine } from '../core/requests/messages.ts';
import type { AuditEntry, TemplateRequest } from '../core/requests/types.ts';
import { actorName, approversName, stateWords } from '../core/requests/words.ts';

/**
 * One line per request, newest first: id, state, template, requester, when. People are named as `actorName` names
 * them: their catalog User's display name, else the name in their ref.
 */
export function formatRequestList(requests: readonly TemplateRequest[]): string {
  if (requests.length === 0) return 'No requests yet. Start one with /provision in Slack or the console.';
  return requests
    .map(
      (request) =>
        `${request.id}  ${stateWords(request.state).padEnd(17)}  ${request.templateTitle}  by ${actorName(request.requester)}  ${request.createdAt.toISOString()}`,
    )
    .join('\n');
}

/** A request in full: values, decision, each step with its attempts, log and error, the output, the audit log. */
export function formatRequest(request: TemplateRequest, audit: readonly AuditEntry[]): string {
  const lines = [
    `${request.id}: ${request.templateTitle} (${request.templateRef})`,
    `State:        ${stateWords(request.state)}`,
    `Requested by: ${actorName(request.requester)} at ${request.createdAt.toISOString()}`,
  ];
  if (request.approvers) lines.push(`Approvers:    ${approversName(request)} (${request.approvers})`);
  if (request.decidedBy) lines.push(`Decision:     ${decisionLine(request)}`);
  if (request.error) lines.push(`Error:        ${request.error}`);
  lines.push('', 'Values:');
  for (const [key, value] of Object.entries(request.values)) lines.push(`  ${key}: ${JSON.stringify(value)}`);
  lines.push('', 'Steps:');
  for (const step of request.steps) {
    const attempts = step.attempts === 1 ? '1 attempt' : `${step.attempts} attempts`;
    lines.push(`  ${step.id} (${step.action}): ${step.status}, ${attempts}`);
    for (const line of step.log) lines.push(`    | ${line}`);
    if (step.error) lines.push(`    ✕ ${step.error}`);
  }
  if (request.output) {
    lines.push('', 'Output:');
    for (const link of request.output.links) {
      lines.push(`  ${link.title ?? 'Link'}: ${link.url ?? link.entityRef ?? ''}`);
    }
    for (const text of request.output.text) lines.push(`  ${text.title ? `${text.title}: ` : ''}${text.content}`);
  }
  lines.push('', 'Audit log:');
  for (const entry of audit) {
    const who = entry.actor ? ` by ${actorName(entry.actor)}` : '';
    lines.push(`  ${entry.at.toISOString()}  ${entry.action}${who}${entry.detail ? `: ${entry.detail}` : ''}`);
  }
  return lines.join('\n');
}
