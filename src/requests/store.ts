/**
 * `RequestStore` on Postgres (PGlite or a server): `template_requests`, `request_steps`, `audit_log` and
 * `wizard_sessions` (migration 0008). Each state change is one conditional `update … where state in (…)`, written
 * with its audit entry in one transaction; claims are the durable jobs of `src/db/claims.ts` (`FOR UPDATE SKIP
 * LOCKED`, a heartbeat lease), so replicas never run the same request at once. Times are the database's clock, so replicas' clocks need not agree.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { EntityRef } from '../core/catalog/types.ts';
import type { RequestStore, TransitionChanges, WizardSession } from '../core/ports/request-store.ts';
import type { TemplateOutput } from '../core/ports/template-engine.ts';
import {
  type Actor,
  type AuditEntry,
  canMove,
  type PostedMessage,
  type RequestState,
  type RequestStep,
  type StepStatus,
  type TemplateRequest,
} from '../core/requests/types.ts';
import type { ChatPlatform } from '../core/view-model.ts';
import { type ClaimTable, claimNext, renewClaim } from '../db/claims.ts';
import type { Db, Tx } from '../db/drizzle-db.ts';
import { displayNameColumn, findDisplayNames } from '../db/queries/display-names.ts';
import { auditLog, requestSteps, templateRequests, wizardSessions } from '../db/schema.ts';

type RequestRow = typeof templateRequests.$inferSelect;

/**
 * A request is a durable job (`src/db/claims.ts`, shared with the digest's deliveries): `running` while claimed, its
 * lease kept by a heartbeat (`heartbeat_at`). It is released by `transition` to any other state, which clears the claim.
 */
const REQUESTS: ClaimTable = {
  table: 'template_requests',
  id: 'id',
  state: { column: 'state', claimed: 'running' },
  holder: 'claimed_by',
  lease: { kind: 'heartbeat', column: 'heartbeat_at' },
};
type StepRow = typeof requestSteps.$inferSelect;

const ActorJson = z.object({
  platform: z.enum(['slack', 'teams', 'console']),
  id: z.string(),
  userRef: z.string().optional(),
});
const PostedJson = z.object({ platform: z.enum(['slack', 'teams']), channel: z.string(), ts: z.string() });

/** A new request id: `req-` and 10 lowercase letters and digits (about 52 bits). */
export function newRequestId(): string {
  return `req-${randomId(10)}`;
}

function randomId(length: number): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

export class DrizzleRequestStore implements RequestStore {
  readonly #db: Db;

  constructor(opts: { db: Db }) {
    this.#db = opts.db;
  }

  async createRequest(opts: Parameters<RequestStore['createRequest']>[0]): Promise<TemplateRequest> {
    const { request } = opts;
    await this.#db.transaction(async (tx) => {
      await tx.insert(templateRequests).values({
        id: request.id,
        templateRef: request.templateRef,
        templateTitle: request.templateTitle,
        values: { ...request.values },
        requester: storedActor(request.requester),
        state: request.state,
        approvers: request.approvers ?? null,
        allowSelfApproval: request.allowSelfApproval,
      });
      if (opts.steps.length > 0) {
        await tx.insert(requestSteps).values(
          opts.steps.map((step, position) => ({
            requestId: request.id,
            position,
            stepId: step.id,
            name: step.name,
            action: step.action,
          })),
        );
      }
      await appendAudit(tx, { requestId: request.id, action: 'requested', actor: request.requester });
    });
    return this.#mustGet(request.id);
  }

  async getRequest(opts: { id: string }): Promise<TemplateRequest | undefined> {
    const read = await readRequest(this.#db, opts.id);
    if (!read) return undefined;
    const [request] = await this.#named([read]);
    return request;
  }

  async listRequests(opts: { limit: number; state?: RequestState }): Promise<TemplateRequest[]> {
    const rows = await this.#db
      .select()
      .from(templateRequests)
      .where(opts.state ? eq(templateRequests.state, opts.state) : undefined)
      .orderBy(desc(templateRequests.createdAt), desc(templateRequests.id))
      .limit(opts.limit);
    if (rows.length === 0) return [];
    const steps = await this.#db
      .select()
      .from(requestSteps)
      .where(
        inArray(
          requestSteps.requestId,
          rows.map((row) => row.id),
        ),
      )
      .orderBy(asc(requestSteps.position));
    return this.#named(
      rows.map((row) =>
        toRequest(
          row,
          steps.filter((step) => step.requestId === row.id),
        ),
      ),
    );
  }

  async transition(opts: Parameters<RequestStore['transition']>[0]): Promise<TemplateRequest | undefined> {
    const from = opts.from.filter((state) => canMove(state, opts.to));
    if (from.length !== opts.from.length) {
      throw new Error(`A request cannot move from ${opts.from.join(' or ')} to ${opts.to}.`);
    }
    const moved = await this.#db.transaction(async (tx) => {
      const changes = opts.changes ?? {};
      const rows = await tx
        .update(templateRequests)
        .set({
          state: opts.to,
          updatedAt: sql`now()`,
          ...decisionColumns(changes),
          ...(changes.reason !== undefined ? { reason: changes.reason } : {}),
          ...(changes.error !== undefined ? { error: changes.error } : {}),
          ...(changes.output !== undefined ? { output: { ...changes.output } } : {}),
          ...(opts.to !== 'running' ? { claimedBy: null, heartbeatAt: null } : {}),
          ...(opts.to === 'approved' ? { error: null } : {}),
        })
        .where(and(eq(templateRequests.id, opts.id), inArray(templateRequests.state, [...opts.from])))
        .returning({ id: templateRequests.id });
      if (rows.length === 0) return undefined;
      if (opts.audit) {
        await appendAudit(tx, {
          requestId: opts.id,
          action: opts.audit.action,
          ...(opts.audit.actor ? { actor: opts.audit.actor } : {}),
          ...(opts.audit.detail !== undefined ? { detail: opts.audit.detail } : {}),
        });
      }
      // Read in the transaction: once it commits, a runner may claim an approved request at once, and the caller is
      // answered with the state it moved the request to, not whatever came next.
      return readRequest(tx, opts.id);
    });
    if (!moved) return undefined;
    const [named] = await this.#named([moved]);
    return named;
  }

  async claimNext(opts: { holder: string; staleMs: number }): Promise<TemplateRequest | undefined> {
    const claimed = await claimNext<{ id: string }>(this.#db, REQUESTS, {
      holder: opts.holder,
      leaseMs: opts.staleMs,
      ready: sql`state = 'approved'`,
      order: sql`heartbeat_at nulls first, created_at, id`,
      set: sql`updated_at = now()`,
    });
    return claimed === undefined ? undefined : this.#mustGet(claimed.id);
  }

  heartbeat(opts: { id: string; holder: string }): Promise<boolean> {
    return renewClaim(this.#db, REQUESTS, { where: sql`id = ${opts.id}`, holder: opts.holder });
  }

  async startStep(opts: { id: string; stepId: string }): Promise<void> {
    await this.#db
      .update(requestSteps)
      .set({ status: 'running', attempts: sql`${requestSteps.attempts} + 1`, startedAt: sql`now()`, error: null })
      .where(stepKey(opts));
  }

  async saveStepJournal(opts: {
    id: string;
    stepId: string;
    entries: Readonly<Record<string, unknown>>;
  }): Promise<void> {
    await this.#db
      .update(requestSteps)
      .set({ journal: sql`${requestSteps.journal} || ${JSON.stringify(opts.entries)}::jsonb` })
      .where(stepKey(opts));
  }

  async finishStep(opts: Parameters<RequestStore['finishStep']>[0]): Promise<void> {
    await this.#db
      .update(requestSteps)
      .set({
        status: opts.status,
        finishedAt: sql`now()`,
        ...(opts.output ? { output: { ...opts.output } } : {}),
        ...(opts.log ? { log: [...opts.log] } : {}),
        error: opts.error ?? null,
      })
      .where(stepKey(opts));
  }

  async setStatusMessage(opts: { id: string; message: PostedMessage }): Promise<void> {
    await this.#db
      .update(templateRequests)
      .set({ statusMessage: { ...opts.message } })
      .where(eq(templateRequests.id, opts.id));
  }

  async addApprovalMessages(opts: { id: string; messages: readonly PostedMessage[] }): Promise<void> {
    if (opts.messages.length === 0) return;
    await this.#db
      .update(templateRequests)
      .set({
        approvalMessages: sql`${templateRequests.approvalMessages} || ${JSON.stringify(opts.messages)}::jsonb`,
      })
      .where(eq(templateRequests.id, opts.id));
  }

  async listAudit(opts: { requestId?: string; limit: number }): Promise<AuditEntry[]> {
    const rows = await this.#db
      .select()
      .from(auditLog)
      .where(opts.requestId ? eq(auditLog.requestId, opts.requestId) : undefined)
      .orderBy(asc(auditLog.at), asc(auditLog.id))
      .limit(opts.limit);
    const entries = rows.map((row) => ({
      at: row.at,
      requestId: row.requestId,
      action: row.action as AuditEntry['action'],
      ...(row.actor ? { actor: ActorJson.parse(row.actor) } : {}),
      ...(row.detail !== null ? { detail: row.detail } : {}),
    }));
    const names = await findDisplayNames(
      this.#db,
      entries.flatMap((entry) => (entry.actor?.userRef ? [entry.actor.userRef] : [])),
    );
    return entries.map((entry) => (entry.actor ? { ...entry, actor: named(entry.actor, names) } : entry));
  }

  async membershipOf(opts: { userRef: EntityRef; groupRef: EntityRef }): Promise<{ member: boolean; name?: string }> {
    const userRef = opts.userRef.toLowerCase();
    const result = await this.#db.execute<{ member: boolean; name: string | null }>(sql`
      with recursive teams(ref) as (
        select ${opts.groupRef.toLowerCase()}::text
        union
        select r.target_ref from teams t join relations r on r.source_ref = t.ref and r.type = 'parentOf'
      )
      select
        exists (
          select 1 from relations
          where source_ref = ${userRef} and type = 'memberOf' and target_ref in (select ref from teams)
        ) as member,
        (select ${displayNameColumn} from entities where ref = ${userRef}) as name
    `);
    const row = result.rows[0];
    return { member: row?.member === true, ...(row?.name ? { name: row.name } : {}) };
  }

  async groupMemberIds(opts: { groupRef: EntityRef; platform: ChatPlatform }): Promise<string[]> {
    const result = await this.#db.execute<{ id: string }>(sql`
      with recursive teams(ref) as (
        select ${opts.groupRef.toLowerCase()}::text
        union
        select r.target_ref from teams t join relations r on r.source_ref = t.ref and r.type = 'parentOf'
      )
      select distinct c.platform_user_id as id
      from relations r join chat_identities c on c.user_ref = r.source_ref and c.platform = ${opts.platform}
      where r.type = 'memberOf' and r.target_ref in (select ref from teams)
      order by id
    `);
    return result.rows.map((row) => row.id);
  }

  async createWizard(opts: Omit<WizardSession, 'id'>): Promise<WizardSession> {
    const id = `wiz-${randomId(16)}`;
    // Wizards left open are pruned here rather than by a job: each new one costs one indexed-free delete of old rows.
    await this.#db.delete(wizardSessions).where(sql`${wizardSessions.updatedAt} < now() - interval '1 day'`);
    await this.#db.insert(wizardSessions).values({ id, ...opts, values: { ...opts.values } });
    return { id, ...opts };
  }

  async getWizard(opts: { id: string }): Promise<WizardSession | undefined> {
    const [row] = await this.#db.select().from(wizardSessions).where(eq(wizardSessions.id, opts.id));
    return row && { id: row.id, owner: row.owner, templateRef: row.templateRef, page: row.page, values: row.values };
  }

  async saveWizard(opts: { id: string; page: number; values: Readonly<Record<string, unknown>> }): Promise<void> {
    await this.#db
      .update(wizardSessions)
      .set({ page: opts.page, values: { ...opts.values }, updatedAt: sql`now()` })
      .where(eq(wizardSessions.id, opts.id));
  }

  /**
   * `requests` with the catalog's names of the people and the approver group in them (`Actor.name`,
   * `approversName`), looked up now in one statement: a person renamed in the catalog is shown by their new name.
   */
  async #named(requests: TemplateRequest[]): Promise<TemplateRequest[]> {
    const refs = requests.flatMap((request) => [
      ...(request.requester.userRef ? [request.requester.userRef] : []),
      ...(request.decidedBy?.userRef ? [request.decidedBy.userRef] : []),
      ...(request.approvers ? [request.approvers] : []),
    ]);
    const names = await findDisplayNames(this.#db, refs);
    return requests.map((request) => {
      const approversName = request.approvers && names.get(request.approvers);
      return {
        ...request,
        requester: named(request.requester, names),
        ...(request.decidedBy ? { decidedBy: named(request.decidedBy, names) } : {}),
        ...(approversName ? { approversName } : {}),
      };
    });
  }

  async #mustGet(id: string): Promise<TemplateRequest> {
    const request = await this.getRequest({ id });
    if (!request) throw new Error(`Request ${id} vanished while it was being written.`);
    return request;
  }
}

/** A request and its steps as `db` (the store's database or a transaction) sees them, without display names. */
async function readRequest(db: Db, id: string): Promise<TemplateRequest | undefined> {
  const [row] = await db.select().from(templateRequests).where(eq(templateRequests.id, id));
  if (!row) return undefined;
  const steps = await db
    .select()
    .from(requestSteps)
    .where(eq(requestSteps.requestId, id))
    .orderBy(asc(requestSteps.position));
  return toRequest(row, steps);
}

function stepKey(opts: { id: string; stepId: string }) {
  return and(eq(requestSteps.requestId, opts.id), eq(requestSteps.stepId, opts.stepId));
}

function decisionColumns(changes: TransitionChanges) {
  return changes.decidedBy ? { decidedBy: storedActor(changes.decidedBy), decidedAt: sql`now()` } : {};
}

/** An actor as a row keeps them: their account and catalog User, not the name looked up when it was read. */
function storedActor(actor: Actor): Record<string, unknown> {
  const { name: _looked, ...stored } = actor;
  return stored;
}

/** `actor` with their catalog User's name from `names`, when the catalog has one. */
function named(actor: Actor, names: ReadonlyMap<EntityRef, string>): Actor {
  const name = actor.userRef && names.get(actor.userRef);
  return name ? { ...actor, name } : actor;
}

async function appendAudit(
  tx: Tx,
  entry: { requestId: string; action: AuditEntry['action']; actor?: Actor; detail?: string },
): Promise<void> {
  await tx.insert(auditLog).values({
    requestId: entry.requestId,
    action: entry.action,
    actor: entry.actor ? storedActor(entry.actor) : null,
    detail: entry.detail ?? null,
  });
}

function toRequest(row: RequestRow, steps: readonly StepRow[]): TemplateRequest {
  const status = row.statusMessage ? PostedJson.safeParse(row.statusMessage) : undefined;
  return {
    id: row.id,
    templateRef: row.templateRef,
    templateTitle: row.templateTitle,
    values: row.values,
    requester: ActorJson.parse(row.requester),
    state: row.state as RequestState,
    ...(row.approvers !== null ? { approvers: row.approvers } : {}),
    allowSelfApproval: row.allowSelfApproval,
    ...(row.decidedBy ? { decidedBy: ActorJson.parse(row.decidedBy) } : {}),
    ...(row.decidedAt ? { decidedAt: row.decidedAt } : {}),
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.output ? { output: row.output as unknown as TemplateOutput } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    steps: steps.map(toStep),
    ...(status?.success ? { statusMessage: status.data } : {}),
    approvalMessages: row.approvalMessages.flatMap((message) => {
      const parsed = PostedJson.safeParse(message);
      return parsed.success ? [parsed.data] : [];
    }),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toStep(row: StepRow): RequestStep {
  return {
    id: row.stepId,
    name: row.name,
    action: row.action,
    status: row.status as StepStatus,
    output: row.output,
    log: row.log,
    ...(row.error !== null ? { error: row.error } : {}),
    attempts: row.attempts,
    ...(row.startedAt ? { startedAt: row.startedAt } : {}),
    ...(row.finishedAt ? { finishedAt: row.finishedAt } : {}),
    journal: row.journal,
  };
}
