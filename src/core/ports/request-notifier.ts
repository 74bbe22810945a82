import type { TemplateRequest } from '../requests/types.ts';

/**
 * Tells people how a request moves. On Slack: one direct message to the requester, posted once and then edited
 * (`chat.update`) at every change; the approval message, posted to the approver group's channel (else to each
 * member directly) while the request awaits approval, and edited once someone decides. Never throws for a message
 * it could not post (the request's state is what counts); it logs instead.
 */
export interface RequestNotifier {
  changed(request: TemplateRequest): Promise<void>;
}
