import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/requests/types.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { templateRequests } from '../../src/db/schema.ts';
import { importCatalog } from '../../src/ingestion/import-catalog.ts';
import { DrizzleRequestStore, newRequestId } from '../../src/requests/store.ts';
import { openTestDatabase } from '../helpers/database.ts';

const CATALOG = fileURLToPath(new URL('../fixtures/requests/catalog', import.meta.url));
const ada: Actor = { platform: 'slack', id: 'U0ADA', userRef: 'user:default/ada' };

let database: Database;
let catalog: DrizzleCatalogStore;
let store: DrizzleRequestStore;

beforeAll(async () => {
  database = await openTestDatabase();
  catalog = new DrizzleCatalogStore({ db: database.db });
  await importCatalog({ paths: [CATALOG], store: catalog });
  await catalog.saveChatIdentity({
    identity: { platform: 'slack', platformUserId: 'U0GRACE', email: 'grace@acme.example' },
  });
  store = new DrizzleRequestStore({ db: database.db });
});
afterAll(() => database.close());

function create(state: 'approved' | 'awaiting-approval' = 'approved', requester: Actor = ada) {
  return store.createRequest({
    request: {
      id: newRequestId(),
      templateRef: 'template:default/new-service',
      templateTitle: 'New service',
      values: { name: 'billing' },
      requester,
      state,
      approvers: 'group:default/platform',
      allowSelfApproval: false,
    },
    steps: [
      { id: 'fetch', name: 'Fetch', action: 'fetch:template' },
      { id: 'publish', name: 'Publish', action: 'publish:github' },
    ],
  });
}

describe('DrizzleRequestStore', () => {
  it('stores a request with its steps pending and the request in the audit log', async () => {
    const request = await create('awaiting-approval');
    expect(request.id).toMatch(/^req-[a-z0-9]{10}$/);
    expect(request.steps.map((step) => [step.id, step.status, step.attempts])).toEqual([
      ['fetch', 'pending', 0],
      ['publish', 'pending', 0],
    ]);
    const audit = await store.listAudit({ requestId: request.id, limit: 10 });
    expect(audit.map((entry) => [entry.action, entry.actor?.userRef])).toEqual([['requested', 'user:default/ada']]);
  });

  it('moves a request only from the states named, once, with who decided in the audit log', async () => {
    const request = await create('awaiting-approval');
    const grace: Actor = { platform: 'slack', id: 'U0GRACE', userRef: 'user:default/grace' };
    const decide = (to: 'approved' | 'rejected', actor: Actor) =>
      store.transition({
        id: request.id,
        from: ['awaiting-approval'],
        to,
        changes: { decidedBy: actor },
        audit: { action: to, actor },
      });
    const [first, second] = await Promise.all([decide('approved', grace), decide('rejected', ada)]);
    const winners = [first, second].filter(Boolean);
    expect(winners).toHaveLength(1);
    const audit = await store.listAudit({ requestId: request.id, limit: 10 });
    expect(audit.map((entry) => entry.action)).toEqual(['requested', winners[0]?.state]);
    expect(winners[0]?.decidedAt).toBeInstanceOf(Date);
  });

  it('names people and the approver group by their catalog display names as they are when read, storing only the account', async () => {
    const grace: Actor = { platform: 'slack', id: 'U0GRACE', userRef: 'user:default/grace' };
    const alan: Actor = { platform: 'slack', id: 'U0ALAN', userRef: 'user:default/alan' };
    // A name handed in with the actor is not kept: the next read looks it up again.
    const request = await create('awaiting-approval', { ...ada, name: 'Somebody Else' });
    expect(request.requester).toEqual({ ...ada, name: 'Ada Lovelace' });
    expect(request.approversName).toBe('Platform Team');
    const decided = await store.transition({
      id: request.id,
      from: ['awaiting-approval'],
      to: 'rejected',
      changes: { decidedBy: grace },
      audit: { action: 'rejected', actor: grace },
    });
    expect(decided?.decidedBy?.name).toBe('Grace Hopper');
    const [row] = await database.db.select().from(templateRequests).where(eq(templateRequests.id, request.id));
    expect([row?.requester, row?.decidedBy]).toEqual([ada, grace]);
    const audit = await store.listAudit({ requestId: request.id, limit: 10 });
    expect(audit.map((entry) => entry.actor?.name)).toEqual(['Ada Lovelace', 'Grace Hopper']);

    // A User without a display name is called by its name; one the catalog does not hold, by nothing.
    const byAlan = await store.transition({
      id: (await create()).id,
      from: ['approved'],
      to: 'cancelled',
      changes: { decidedBy: alan },
    });
    expect(byAlan?.decidedBy?.name).toBe('alan');
    const ghost = await store.transition({
      id: (await create()).id,
      from: ['approved'],
      to: 'cancelled',
      changes: { decidedBy: { platform: 'slack', id: 'U0GONE', userRef: 'user:default/gone' } },
    });
    expect(ghost?.decidedBy).toEqual({ platform: 'slack', id: 'U0GONE', userRef: 'user:default/gone' });
  });

  it('shows a person renamed in the catalog by their new name on requests made before', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wayfinder-renamed-'));
    const user = (displayName: string) =>
      `apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: mary\nspec:\n  profile: { displayName: ${displayName} }\n  memberOf: []\n`;
    try {
      await writeFile(path.join(dir, 'mary.yaml'), user('Mary Jackson'));
      await importCatalog({ paths: [dir], store: catalog });
      const mary: Actor = { platform: 'slack', id: 'U0MARY', userRef: 'user:default/mary' };
      const request = await create('approved', mary);
      expect(request.requester.name).toBe('Mary Jackson');
      await writeFile(path.join(dir, 'mary.yaml'), user('Mary W. Jackson'));
      await importCatalog({ paths: [dir], store: catalog });
      expect((await store.getRequest({ id: request.id }))?.requester.name).toBe('Mary W. Jackson');
      const listed = await store.listRequests({ limit: 100 });
      expect(listed.find((entry) => entry.id === request.id)?.requester.name).toBe('Mary W. Jackson');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a move the state machine does not have', async () => {
    const request = await create();
    await expect(store.transition({ id: request.id, from: ['approved'], to: 'succeeded' })).rejects.toThrow(
      'A request cannot move from approved to succeeded.',
    );
  });

  it('claims each runnable request for one holder only, and takes over a running one whose heartbeat is stale', async () => {
    const request = await create();
    const claimAll = async (holder: string) => {
      const ids: string[] = [];
      for (;;) {
        const claimed = await store.claimNext({ holder, staleMs: 60_000 });
        if (!claimed) return ids;
        expect(claimed.state).toBe('running');
        ids.push(claimed.id);
      }
    };
    const [byA, byB] = await Promise.all([claimAll('a'), claimAll('b')]);
    const all = [...(byA ?? []), ...(byB ?? [])];
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((id) => id === request.id)).toHaveLength(1);
    const holder = byA?.includes(request.id) ? 'a' : 'b';
    expect(await store.heartbeat({ id: request.id, holder })).toBe(true);
    // Fresh heartbeat: nobody else gets it.
    expect((await store.claimNext({ holder: 'c', staleMs: 60_000 }))?.id).not.toBe(request.id);
    // Stale (any heartbeat is older than 0 ms): taken over, and the first holder learns it lost the claim.
    let taken: string | undefined;
    for (let tries = 0; tries < 50 && taken !== request.id; tries += 1) {
      taken = (await store.claimNext({ holder: 'c', staleMs: 0 }))?.id;
    }
    expect(taken).toBe(request.id);
    expect(await store.heartbeat({ id: request.id, holder })).toBe(false);
  });

  it('never hands a holder the request it runs already, even when taking over whatever its heartbeat', async () => {
    const request = await create();
    const mine = await store.claimNext({ holder: 'a', staleMs: 0 });
    expect(mine?.id).toBe(request.id);
    // A replica taking over at start claims until nothing is left: its own run is not claimable a second time.
    const again: string[] = [];
    for (let tries = 0; tries < 20; tries += 1) {
      const claimed = await store.claimNext({ holder: 'a', staleMs: 0 });
      if (!claimed) break;
      again.push(claimed.id);
    }
    expect(again).not.toContain(request.id);
  });

  it('records each step start and end', async () => {
    const request = await create();
    await store.startStep({ id: request.id, stepId: 'fetch' });
    await store.finishStep({
      id: request.id,
      stepId: 'fetch',
      status: 'succeeded',
      output: { files: 3 },
      log: ['wrote 3 files'],
    });
    await store.startStep({ id: request.id, stepId: 'publish' });
    const stored = await store.getRequest({ id: request.id });
    expect(stored?.steps.map((step) => [step.id, step.status, step.attempts, step.output, step.log])).toEqual([
      ['fetch', 'succeeded', 1, { files: 3 }, ['wrote 3 files']],
      ['publish', 'running', 1, {}, []],
    ]);
  });

  it('knows the members of a group through its sub-teams, what to call them, and their Slack ids', async () => {
    const platform = 'group:default/platform';
    expect(await store.membershipOf({ userRef: 'user:default/ada', groupRef: platform })).toEqual({
      member: true,
      name: 'Ada Lovelace',
    });
    expect(await store.membershipOf({ userRef: 'user:default/grace', groupRef: platform })).toEqual({
      member: true,
      name: 'Grace Hopper',
    });
    // No display name or title: the User's name.
    expect(await store.membershipOf({ userRef: 'user:default/alan', groupRef: platform })).toEqual({
      member: false,
      name: 'alan',
    });
    expect(await store.membershipOf({ userRef: 'user:default/ada', groupRef: 'group:default/sre' })).toEqual({
      member: false,
      name: 'Ada Lovelace',
    });
    expect(await store.membershipOf({ userRef: 'user:default/nobody', groupRef: platform })).toEqual({ member: false });
    expect(await store.groupMemberIds({ groupRef: platform, platform: 'slack' })).toEqual(['U0GRACE']);
  });

  it('keeps a wizard between views', async () => {
    const wizard = await store.createWizard({
      owner: 'slack:U0ADA',
      templateRef: 'template:default/x',
      page: 0,
      values: {},
    });
    await store.saveWizard({ id: wizard.id, page: 1, values: { name: 'billing', replicas: 2 } });
    expect(await store.getWizard({ id: wizard.id })).toEqual({
      id: wizard.id,
      owner: 'slack:U0ADA',
      templateRef: 'template:default/x',
      page: 1,
      values: { name: 'billing', replicas: 2 },
    });
  });
});
