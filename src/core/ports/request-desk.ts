import type { Actor, AuditEntry, RequestState, TemplateRequest } from '../requests/types.ts';

/**
 * What people do with template requests, whatever the surface: submit one, decide on it, retry or cancel it. Every
 * permission is decided here from catalog ownership (the approver group's membership, the requester), never from
 * message text; a refusal throws `NotAllowedError` with a sentence saying why, a request in the wrong state throws
 * `ConflictError` saying what happened to it, an unknown id `NotFoundError`. Every change is in the audit log.
 */
export interface RequestDesk {
  /**
   * Creates a request for `templateRef` with `values` (already checked page by page): `awaiting-approval` when the
   * template asks for an approval for these values, else `approved` (the runner picks it up).
   */
  submit(opts: {
    templateRef: string;
    values: Readonly<Record<string, unknown>>;
    requester: Actor;
  }): Promise<TemplateRequest>;
  decide(opts: { id: string; actor: Actor; approve: boolean; reason?: string }): Promise<TemplateRequest>;
  /** A failed request is run again from its first unfinished step. */
  retry(opts: { id: string; actor: Actor }): Promise<TemplateRequest>;
  cancel(opts: { id: string; actor: Actor; reason?: string }): Promise<TemplateRequest>;
  get(opts: { id: string }): Promise<TemplateRequest>;
  list(opts: { limit: number; state?: RequestState }): Promise<TemplateRequest[]>;
  audit(opts: { id: string }): Promise<AuditEntry[]>;
}
