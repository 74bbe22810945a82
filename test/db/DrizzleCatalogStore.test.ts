import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processDocument } from '../../src/core/catalog/descriptor.ts';
import type { EntityRecord, NameResolution } from '../../src/core/catalog/records.ts';
import type { ProcessedEntity } from '../../src/core/catalog/types.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { rebuildMissingDerived } from '../../src/db/queries/derived.ts';
import { rebuildTeamCards } from '../../src/db/queries/team-cards.ts';
import { openTestDatabase } from '../helpers/database.ts';

let database: Database;
let store: DrizzleCatalogStore;

beforeAll(async () => {
  database = await openTestDatabase();
  store = new DrizzleCatalogStore({ db: database.db });
});

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  await database.db.execute(sql`truncate entities, relations, locations, ingest_errors, chat_identities`);
});

type Fields = Record<string, unknown>;

/** A descriptor as a team would write it, processed as the importer does. */
function entity(
  kind: string,
  name: string,
  spec: Fields = {},
  metadata: Fields = {},
  location?: string,
): ProcessedEntity {
  const result = processDocument({
    document: { apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name, ...metadata }, spec },
    position: { location: location ?? `file:/catalog/${name}.yaml`, line: 1 },
  });
  if (!result.ok) throw new Error(`Fixture ${kind} ${name} is invalid: ${JSON.stringify(result.errors)}`);
  return result.entity;
}

const component = (name: string, spec: Fields = {}, metadata: Fields = {}) =>
  entity('Component', name, { type: 'service', lifecycle: 'production', ...spec }, metadata);
const api = (name: string, spec: Fields = {}) =>
  entity('API', name, { type: 'openapi', lifecycle: 'production', definition: 'openapi: 3.0.0', ...spec });
const group = (name: string, spec: Fields = {}, metadata: Fields = {}) =>
  entity('Group', name, { type: 'team', children: [], ...spec }, metadata);
const user = (name: string, email?: string) =>
  entity('User', name, { memberOf: [], ...(email ? { profile: { email } } : {}) });
const system = (name: string, spec: Fields = {}) => entity('System', name, spec);
const domain = (name: string, spec: Fields = {}) => entity('Domain', name, spec);

async function load(...entities: ProcessedEntity[]) {
  return store.importEntities({ entities, errors: [], locations: [] });
}

const refsOf = (records: readonly EntityRecord[]) => records.map((record) => record.ref);

function refsIn(resolution: NameResolution): string[] {
  if (resolution.status === 'found') return [resolution.entity.ref];
  return refsOf(resolution.status === 'ambiguous' ? resolution.candidates : resolution.suggestions);
}

describe('importEntities', () => {
  it('stores new entities and counts them as created', async () => {
    const counts = await load(group('payments'), component('payments-api', { owner: 'payments' }));

    expect(counts).toEqual({ created: 2, updated: 0, unchanged: 0, orphaned: 0, refused: [] });
    expect(await store.countEntities()).toBe(2);
    const stored = await store.getEntity({ ref: 'component:default/payments-api' });
    expect(stored).toMatchObject({
      ref: 'component:default/payments-api',
      kind: 'component',
      namespace: 'default',
      name: 'payments-api',
      orphan: false,
      sourceLocation: 'file:/catalog/payments-api.yaml',
    });
    expect(stored?.envelope.spec?.owner).toBe('payments');
  });

  it('writes nothing when the same entities are imported again', async () => {
    const entities = [group('payments'), component('payments-api', { owner: 'payments' })];
    await load(...entities);
    const before = await database.db.execute<{ updated: string }>(
      sql`select updated_at::text as updated from entities`,
    );

    const counts = await load(...entities);

    expect(counts).toEqual({ created: 0, updated: 0, unchanged: 2, orphaned: 0, refused: [] });
    const after = await database.db.execute<{ updated: string }>(sql`select updated_at::text as updated from entities`);
    expect(after.rows).toEqual(before.rows);
  });

  it('updates a changed entity and replaces the relations it declared', async () => {
    await load(
      component('payments-api', { dependsOn: ['component:ledger'] }),
      component('ledger'),
      component('fraud-check'),
    );

    const counts = await load(
      component('payments-api', { dependsOn: ['component:fraud-check'] }),
      component('ledger'),
      component('fraud-check'),
    );

    expect(counts).toEqual({ created: 0, updated: 1, unchanged: 2, orphaned: 0, refused: [] });
    const relations = await store.getRelations({ ref: 'component:default/payments-api' });
    expect(relations.map((relation) => [relation.type, relation.targetRef])).toEqual([
      ['dependsOn', 'component:default/fraud-check'],
    ]);
    expect(await store.getRelations({ ref: 'component:default/ledger' })).toEqual([]);
  });

  it('keeps the relations other entities declared about a changed entity', async () => {
    await load(group('payments', { members: ['ada'] }), user('ada'));

    await load(group('payments', { members: ['ada'] }), user('ada', 'ada@acme.example'));

    const relations = await store.getRelations({ ref: 'user:default/ada' });
    expect(relations.map((relation) => [relation.type, relation.targetRef])).toEqual([
      ['memberOf', 'group:default/payments'],
    ]);
  });

  it('keeps the first of two documents with the same ref', async () => {
    const counts = await load(
      component('payments-api', {}, { title: 'First' }),
      component('payments-api', {}, { title: 'Second' }),
    );

    expect(counts.created).toBe(1);
    const stored = await store.getEntity({ ref: 'component:default/payments-api' });
    expect(stored?.envelope.metadata.title).toBe('First');
  });

  it('replaces the recorded errors of every location read and keeps the others', async () => {
    await store.importEntities({
      entities: [],
      errors: [
        {
          location: 'file:/a.yaml',
          line: 3,
          field: 'metadata.name',
          message: 'bad name',
          entityRef: 'component:default/x',
        },
        { location: 'file:/b.yaml', message: 'unreadable' },
      ],
      locations: ['file:/a.yaml', 'file:/b.yaml'],
    });

    await store.importEntities({ entities: [], errors: [], locations: ['file:/a.yaml'] });

    expect(await store.listIngestErrors()).toEqual([{ location: 'file:/b.yaml', message: 'unreadable' }]);
    expect(await store.listIngestErrors({ location: 'file:/a.yaml' })).toEqual([]);
  });

  it('records each error with its line, field and entity', async () => {
    const error = {
      location: 'file:/a.yaml',
      line: 3,
      field: 'metadata.name',
      message: 'bad name',
      entityRef: 'component:default/x',
    };
    await store.importEntities({ entities: [], errors: [error], locations: ['file:/a.yaml'] });

    expect(await store.listIngestErrors({ location: 'file:/a.yaml' })).toEqual([error]);
  });
});

describe('resolveName', () => {
  beforeEach(async () => {
    await load(
      component(
        'payments-api',
        {},
        { title: 'Card Payments', annotations: { 'wayfinder.dev/aliases': 'pay, PayAPI' } },
      ),
      component('payments-worker'),
      component('billing'),
      system('checkout', {}),
      component('checkout'),
      entity('Component', 'checkout', { type: 'website', lifecycle: 'production' }, { namespace: 'web' }),
      component('ledger', {}, { title: 'Billing' }),
    );
  });

  it('finds an entity by its exact ref, in any case', async () => {
    const resolution = await store.resolveName({ text: 'Component:Default/Payments-API' });
    expect(resolution).toMatchObject({ status: 'found', entity: { ref: 'component:default/payments-api' } });
  });

  it('reads kind:name as the default namespace and namespace/name as any kind', async () => {
    expect(refsIn(await store.resolveName({ text: 'system:checkout' }))).toEqual(['system:default/checkout']);
    expect(refsIn(await store.resolveName({ text: 'web/checkout' }))).toEqual(['component:web/checkout']);
  });

  it('finds an entity by name, title or alias, ignoring case', async () => {
    expect(refsIn(await store.resolveName({ text: 'PAYMENTS-WORKER' }))).toEqual(['component:default/payments-worker']);
    expect(refsIn(await store.resolveName({ text: 'card payments' }))).toEqual(['component:default/payments-api']);
    expect(refsIn(await store.resolveName({ text: 'payapi' }))).toEqual(['component:default/payments-api']);
  });

  it('prefers a name over a title that reads the same', async () => {
    const resolution = await store.resolveName({ text: 'billing' });
    expect(resolution).toMatchObject({ status: 'found', entity: { ref: 'component:default/billing' } });
  });

  it('answers ambiguous, by kind then namespace, when several entities have the name', async () => {
    const resolution = await store.resolveName({ text: 'checkout' });
    expect(resolution.status).toBe('ambiguous');
    expect(refsIn(resolution)).toEqual([
      'component:default/checkout',
      'component:web/checkout',
      'system:default/checkout',
    ]);
  });

  it('keeps only the kinds asked for', async () => {
    const resolution = await store.resolveName({ text: 'checkout', kinds: ['System'] });
    expect(resolution).toMatchObject({ status: 'found', entity: { ref: 'system:default/checkout' } });
  });

  it('finds a title of a kind asked for when only other kinds have the name', async () => {
    // `billing` is a Component's name and a System's title: for Systems only, the title is the match.
    await load(entity('System', 'finance', {}, { title: 'Billing' }));
    expect(await store.resolveName({ text: 'billing', kinds: ['System'] })).toMatchObject({
      status: 'found',
      entity: { ref: 'system:default/finance' },
    });
    expect(await store.resolveName({ text: 'billing' })).toMatchObject({
      status: 'found',
      entity: { ref: 'component:default/billing' },
    });
  });

  it('suggests the closest names, best first, when nothing matches', async () => {
    const resolution = await store.resolveName({ text: 'paymnts-api' });
    expect(resolution.status).toBe('missing');
    expect(refsIn(resolution)[0]).toBe('component:default/payments-api');
    expect(refsIn(resolution)).toContain('component:default/payments-worker');
    expect(refsIn(resolution)).not.toContain('component:default/ledger');
  });

  it('suggests names that start with or contain the text', async () => {
    const resolution = await store.resolveName({ text: 'paym', suggestionLimit: 2 });
    expect(resolution.status).toBe('missing');
    expect(refsIn(resolution).sort()).toEqual(['component:default/payments-api', 'component:default/payments-worker']);
  });

  it('suggests nothing when nothing is close', async () => {
    expect(await store.resolveName({ text: 'zzqx' })).toEqual({ status: 'missing', suggestions: [] });
  });
});

describe('findOwnership', () => {
  it('resolves the name and answers the same ownership as getOwnership, in one statement', async () => {
    await load(
      group('commerce', { children: ['payments'] }),
      group('payments', { parent: 'commerce', members: ['ada'] }),
      user('ada'),
      component('payments-api', { owner: 'payments' }, { title: 'Payments API' }),
    );
    const entity = await store.getEntity({ ref: 'component:default/payments-api' });
    if (!entity) throw new Error('payments-api was not stored');

    const found = await store.findOwnership({ text: 'Payments API' });

    expect(found.resolution).toEqual({ status: 'found', entity });
    expect(found.ownership).toEqual(await store.getOwnership({ entity }));
  });

  it('answers a team or a person without ownership: their answer is what they own', async () => {
    await load(group('payments'), user('ada'));
    expect(await store.findOwnership({ text: 'payments' })).toEqual({
      resolution: { status: 'found', entity: await store.getEntity({ ref: 'group:default/payments' }) },
    });
    expect((await store.findOwnership({ text: 'ada' })).ownership).toBeUndefined();
  });

  it('lists the candidates of an ambiguous name, with no ownership', async () => {
    await load(
      group('payments'),
      system('payments', { owner: 'payments' }),
      component('payments', { owner: 'payments' }),
    );
    const found = await store.findOwnership({ text: 'payments' });
    expect(found.resolution.status).toBe('ambiguous');
    expect(found.resolution.status === 'ambiguous' && refsOf(found.resolution.candidates)).toEqual([
      'component:default/payments',
      'group:default/payments',
      'system:default/payments',
    ]);
    expect(found.ownership).toBeUndefined();
  });

  it('suggests close names for an unknown one', async () => {
    await load(group('payments'), component('payments-api', { owner: 'payments' }));
    const found = await store.findOwnership({ text: 'paymnts-api', suggestionLimit: 3 });
    expect(found.resolution.status === 'missing' && refsOf(found.resolution.suggestions)[0]).toBe(
      'component:default/payments-api',
    );
  });
});

describe('getOwnership', () => {
  it("answers with the entity's team, the team's parents nearest first, and its members", async () => {
    await load(
      group('engineering', { children: ['commerce'] }),
      group('commerce', { parent: 'engineering' }),
      group('payments', { parent: 'commerce', members: ['grace', 'ada'] }),
      user('ada'),
      user('grace'),
      component('payments-api', { owner: 'payments' }),
    );
    const entity = await store.getEntity({ ref: 'component:default/payments-api' });
    if (!entity) throw new Error('payments-api was not stored');

    const facts = await store.getOwnership({ entity });

    expect(facts.declaredOwnerRef).toBe('group:default/payments');
    expect(facts.owner?.via).toBe('entity');
    expect(facts.owner?.from.ref).toBe('component:default/payments-api');
    expect(facts.owner?.group?.team.ref).toBe('group:default/payments');
    expect(refsOf(facts.owner?.group?.parents ?? [])).toEqual(['group:default/commerce', 'group:default/engineering']);
    expect(refsOf(facts.owner?.group?.members ?? [])).toEqual(['user:default/ada', 'user:default/grace']);
    expect(facts.owner?.user).toBeUndefined();
  });

  it("falls back to the system's owner when the entity's owner is not in the catalog", async () => {
    await load(
      group('commerce'),
      system('payments', { owner: 'commerce' }),
      component('payments-api', { owner: 'gone-team', system: 'payments' }),
    );
    const entity = await store.getEntity({ ref: 'component:default/payments-api' });
    if (!entity) throw new Error('payments-api was not stored');

    const facts = await store.getOwnership({ entity });

    expect(facts.declaredOwnerRef).toBe('group:default/gone-team');
    expect(facts.owner?.via).toBe('system');
    expect(facts.owner?.from.ref).toBe('system:default/payments');
    expect(facts.owner?.group?.team.ref).toBe('group:default/commerce');
  });

  it("falls back to the domain's owner when neither the entity nor its system has one", async () => {
    await load(
      group('finance'),
      domain('money', { owner: 'finance' }),
      system('payments', { domain: 'money' }),
      component('payments-api', { system: 'payments' }),
    );
    const entity = await store.getEntity({ ref: 'component:default/payments-api' });
    if (!entity) throw new Error('payments-api was not stored');

    const facts = await store.getOwnership({ entity });

    expect(facts.declaredOwnerRef).toBeUndefined();
    expect(facts.owner?.via).toBe('domain');
    expect(facts.owner?.from.ref).toBe('domain:default/money');
    expect(facts.owner?.group?.team.ref).toBe('group:default/finance');
  });

  it('reports the declared owner and no owner when nobody in the chain exists', async () => {
    await load(component('payments-api', { owner: 'gone-team' }));
    const entity = await store.getEntity({ ref: 'component:default/payments-api' });
    if (!entity) throw new Error('payments-api was not stored');

    const facts = await store.getOwnership({ entity });

    expect(facts).toEqual({ entity, declaredOwnerRef: 'group:default/gone-team' });
  });

  it('answers with the person when a User owns the entity', async () => {
    await load(user('ada', 'ada@acme.example'), component('notebook', { owner: 'user:ada' }));
    await store.saveChatIdentity({
      identity: { platform: 'slack', platformUserId: 'U0ADA', email: 'ada@acme.example' },
    });
    const entity = await store.getEntity({ ref: 'component:default/notebook' });
    if (!entity) throw new Error('notebook was not stored');

    const facts = await store.getOwnership({ entity, platform: 'slack' });

    expect(facts.owner?.user).toMatchObject({ ref: 'user:default/ada', identities: { slack: 'U0ADA' } });
    expect(facts.owner?.group).toBeUndefined();
  });

  it('gives members their id on the platform asked about once their chat identity is saved', async () => {
    await load(
      group('payments', { members: ['ada', 'grace'] }),
      user('ada', 'Ada@Acme.example'),
      user('grace', 'grace@acme.example'),
      component('payments-api', { owner: 'payments' }),
    );
    const entity = await store.getEntity({ ref: 'component:default/payments-api' });
    if (!entity) throw new Error('payments-api was not stored');
    const before = await store.getOwnership({ entity, platform: 'slack' });
    expect(before.owner?.group?.members.map((member) => member.identities)).toEqual([undefined, undefined]);

    await store.saveChatIdentity({
      identity: { platform: 'slack', platformUserId: 'U0ADA', email: 'ada@ACME.example' },
    });
    await store.saveChatIdentity({
      identity: { platform: 'teams', platformUserId: 'T-GRACE', email: 'grace@acme.example' },
    });

    const onSlack = await store.getOwnership({ entity, platform: 'slack' });
    expect(onSlack.owner?.group?.members.map((member) => [member.ref, member.identities])).toEqual([
      ['user:default/ada', { slack: 'U0ADA' }],
      ['user:default/grace', undefined],
    ]);
    const onTeams = await store.getTeam({ ref: 'group:default/payments', platform: 'teams' });
    expect(onTeams?.members.map((member) => [member.ref, member.identities])).toEqual([
      ['user:default/ada', undefined],
      ['user:default/grace', { teams: 'T-GRACE' }],
    ]);
    // Without a platform (the console), nobody's chat ids are read.
    const anywhere = await store.getOwnership({ entity });
    expect(anywhere.owner?.group?.members.map((member) => member.identities)).toEqual([undefined, undefined]);
  });

  it("moves a member's id to the card of their new email when their identity's email changes", async () => {
    await load(
      group('payments', { members: ['ada'] }),
      group('ledger', { members: ['ada-new'] }),
      user('ada', 'ada@acme.example'),
      user('ada-new', 'ada@ledger.example'),
    );
    await store.saveChatIdentity({
      identity: { platform: 'slack', platformUserId: 'U0ADA', email: 'ada@acme.example' },
    });

    await store.saveChatIdentity({
      identity: { platform: 'slack', platformUserId: 'U0ADA', email: 'Ada@Ledger.example' },
    });

    const ids = async (team: string) =>
      (await store.getTeam({ ref: `group:default/${team}`, platform: 'slack' }))?.members.map(
        (member) => member.identities,
      );
    expect(await ids('payments')).toEqual([undefined]);
    expect(await ids('ledger')).toEqual([{ slack: 'U0ADA' }]);
  });

  it('gives members of a team imported after they spoke their ids', async () => {
    await store.saveChatIdentity({
      identity: { platform: 'slack', platformUserId: 'U0ADA', email: 'ada@acme.example' },
    });

    await load(group('payments', { members: ['ada'] }), user('ada', 'ada@acme.example'));

    const team = await store.getTeam({ ref: 'group:default/payments', platform: 'slack' });
    expect(team?.members.map((member) => member.identities)).toEqual([{ slack: 'U0ADA' }]);
  });

  it("works out members' ids of cards kept before ids were kept beside them, when the database is migrated", async () => {
    await load(group('payments', { members: ['ada'] }), user('ada', 'ada@acme.example'));
    await store.saveChatIdentity({
      identity: { platform: 'slack', platformUserId: 'U0ADA', email: 'ada@acme.example' },
    });
    await database.db.execute(sql`update team_cards set member_ids = null`);

    await rebuildMissingDerived(database.db);

    const team = await store.getTeam({ ref: 'group:default/payments', platform: 'slack' });
    expect(team?.members.map((member) => member.identities)).toEqual([{ slack: 'U0ADA' }]);
  });

  it('saves an identity after a transaction rebuilding the cards ends, and the card keeps its id', async () => {
    await load(group('payments', { members: ['ada'] }), user('ada', 'ada@acme.example'));
    let endRebuild = () => {};
    let rebuilt = () => {};
    const rebuiltCards = new Promise<void>((resolve) => {
      rebuilt = resolve;
    });
    const rebuilding = database.db.transaction(async (tx) => {
      await rebuildTeamCards(tx);
      rebuilt();
      await new Promise<void>((resolve) => {
        endRebuild = resolve;
      });
    });
    await rebuiltCards;

    let saved = false;
    const saving = store
      .saveChatIdentity({ identity: { platform: 'slack', platformUserId: 'U0ADA', email: 'ada@acme.example' } })
      .then(() => {
        saved = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(saved).toBe(false);
    endRebuild();
    await Promise.all([rebuilding, saving]);

    const team = await store.getTeam({ ref: 'group:default/payments', platform: 'slack' });
    expect(team?.members.map((member) => member.identities)).toEqual([{ slack: 'U0ADA' }]);
  });

  it('answers with the team as last imported when members move and a parent team is renamed', async () => {
    await load(
      group('commerce'),
      group('payments', { parent: 'commerce', members: ['ada', 'grace'] }),
      user('ada'),
      user('grace'),
      component('payments-api', { owner: 'payments' }),
    );
    await load(
      group('money', {}, { title: 'Money' }),
      group('payments', { parent: 'money', members: ['ada'] }),
      group('risk', { members: ['grace'] }),
    );
    const entity = await store.getEntity({ ref: 'component:default/payments-api' });
    if (!entity) throw new Error('payments-api was not stored');

    const facts = await store.getOwnership({ entity });

    expect(refsOf(facts.owner?.group?.parents ?? [])).toEqual(['group:default/money']);
    expect(refsOf(facts.owner?.group?.members ?? [])).toEqual(['user:default/ada']);
    expect((await store.getTeam({ ref: 'group:default/risk' }))?.members.map((member) => member.ref)).toEqual([
      'user:default/grace',
    ]);
  });

  it("follows the system's new owner when a re-import changes it", async () => {
    await load(
      group('commerce'),
      group('finance'),
      system('payments', { owner: 'commerce' }),
      component('payments-api', { system: 'payments' }),
    );
    await load(system('payments', { owner: 'finance' }));
    const entity = await store.getEntity({ ref: 'component:default/payments-api' });
    if (!entity) throw new Error('payments-api was not stored');

    const facts = await store.getOwnership({ entity });

    expect(facts.owner?.via).toBe('system');
    expect(facts.owner?.group?.team.ref).toBe('group:default/finance');
  });

  it('stops at a cycle in the team tree', async () => {
    await load(
      group('a', { parent: 'b' }),
      group('b', { parent: 'c' }),
      group('c', { parent: 'a' }),
      component('svc', { owner: 'a' }),
    );
    const entity = await store.getEntity({ ref: 'component:default/svc' });
    if (!entity) throw new Error('svc was not stored');

    const facts = await store.getOwnership({ entity });

    expect(refsOf(facts.owner?.group?.parents ?? [])).toEqual(['group:default/b', 'group:default/c']);
  });
});

describe('getTeam', () => {
  it('answers a group with its parents and members', async () => {
    await load(group('commerce'), group('payments', { parent: 'commerce', members: ['ada'] }), user('ada'));

    const team = await store.getTeam({ ref: 'group:default/payments' });

    expect(team?.team.ref).toBe('group:default/payments');
    expect(refsOf(team?.parents ?? [])).toEqual(['group:default/commerce']);
    expect(refsOf(team?.members ?? [])).toEqual(['user:default/ada']);
  });

  it('answers nothing for a ref that is not a group in the catalog', async () => {
    await load(user('ada'));
    expect(await store.getTeam({ ref: 'user:default/ada' })).toBeUndefined();
    expect(await store.getTeam({ ref: 'group:default/nobody' })).toBeUndefined();
  });
});

describe('getHoldings', () => {
  beforeEach(async () => {
    await load(
      group('commerce', { children: ['payments'] }),
      group('payments', { parent: 'commerce', members: ['ada'] }),
      group('checkout', { parent: 'commerce' }),
      group('sre'),
      user('ada'),
      component('storefront', { owner: 'commerce' }),
      component('payments-api', { owner: 'payments' }),
      api('payments-rest', { owner: 'payments' }),
      component('cart', { owner: 'checkout' }),
      component('pager', { owner: 'sre' }),
      component('notebook', { owner: 'user:ada' }),
    );
  });

  it('counts what a team and all its sub-teams own, listing the first by kind and name', async () => {
    const holdings = await store.getHoldings({ ref: 'group:default/commerce', limit: 3 });

    expect(holdings.total).toBe(4);
    expect(holdings.owned.map((held) => [held.entity.ref, held.ownerRef])).toEqual([
      ['api:default/payments-rest', 'group:default/payments'],
      ['component:default/cart', 'group:default/checkout'],
      ['component:default/payments-api', 'group:default/payments'],
    ]);
    expect(refsOf(holdings.groups)).toEqual([
      'group:default/checkout',
      'group:default/commerce',
      'group:default/payments',
    ]);
  });

  it('counts what a team owns through its systems, as /owner answers for those entities', async () => {
    await load(
      system('fraud', { owner: 'payments' }),
      component('fraud-detector', { system: 'fraud' }),
      component('storefront', { owner: 'commerce' }),
      component('payments-api', { owner: 'payments' }),
    );

    const holdings = await store.getHoldings({ ref: 'group:default/payments', limit: 10 });

    expect(holdings.total).toBe(4);
    expect(holdings.owned.map((held) => [held.entity.ref, held.ownerRef])).toEqual([
      ['api:default/payments-rest', 'group:default/payments'],
      ['component:default/fraud-detector', 'group:default/payments'],
      ['component:default/payments-api', 'group:default/payments'],
      ['system:default/fraud', 'group:default/payments'],
    ]);
  });

  it('counts what a person owns directly and through their teams, listing their own first', async () => {
    const holdings = await store.getHoldings({ ref: 'user:default/ada', limit: 10 });

    expect(holdings.total).toBe(3);
    expect(holdings.direct).toBe(1);
    expect(refsOf(holdings.owned.map((held) => held.entity))).toEqual([
      'component:default/notebook',
      'api:default/payments-rest',
      'component:default/payments-api',
    ]);
    expect(refsOf(holdings.groups)).toEqual(['group:default/payments']);
  });

  it('still counts and lists the groups when no entity is asked for', async () => {
    const holdings = await store.getHoldings({ ref: 'group:default/commerce', limit: 0 });

    expect(holdings.owned).toEqual([]);
    expect(holdings.total).toBe(4);
    expect(holdings.groups).toHaveLength(3);
  });
});

describe('getDependencies', () => {
  beforeEach(async () => {
    // web → payments-api → ledger → ledger-db; payments-api consumes fraud-rest, which fraud-check provides;
    // a shortcut web → ledger makes ledger reachable at two distances; ledger-db → web closes a cycle.
    await load(
      component('web', { dependsOn: ['component:payments-api', 'component:ledger'] }),
      component('payments-api', { dependsOn: ['component:ledger'], consumesApis: ['fraud-rest'] }),
      component('ledger', { dependsOn: ['resource:ledger-db'] }),
      entity('Resource', 'ledger-db', { type: 'database', dependsOn: ['component:web'] }),
      api('fraud-rest'),
      component('fraud-check', { providesApis: ['fraud-rest'] }),
    );
  });

  const walk = async (ref: string, direction: 'down' | 'up', depth: number) =>
    (await store.getDependencies({ ref, direction, depth })).map((node) => [
      node.ref,
      node.depth,
      node.viaRef,
      node.link,
      node.apiRef,
    ]);

  it('walks dependencies down to the depth asked, each entity once at its shortest distance', async () => {
    expect(await walk('component:default/web', 'down', 2)).toEqual([
      ['component:default/ledger', 1, 'component:default/web', 'dependsOn', undefined],
      ['component:default/payments-api', 1, 'component:default/web', 'dependsOn', undefined],
      ['component:default/fraud-check', 2, 'component:default/payments-api', 'consumesApi', 'api:default/fraud-rest'],
      ['resource:default/ledger-db', 2, 'component:default/ledger', 'dependsOn', undefined],
    ]);
  });

  it('reaches the provider of a consumed API in one step', async () => {
    expect(await walk('component:default/payments-api', 'down', 1)).toEqual([
      ['component:default/fraud-check', 1, 'component:default/payments-api', 'consumesApi', 'api:default/fraud-rest'],
      ['component:default/ledger', 1, 'component:default/payments-api', 'dependsOn', undefined],
    ]);
  });

  it('walks up to the dependants and the consumers of provided APIs', async () => {
    expect(await walk('component:default/fraud-check', 'up', 2)).toEqual([
      ['component:default/payments-api', 1, 'component:default/fraud-check', 'apiConsumedBy', 'api:default/fraud-rest'],
      ['component:default/web', 2, 'component:default/payments-api', 'dependencyOf', undefined],
    ]);
  });

  it('ends at a cycle instead of going round it', async () => {
    const nodes = await walk('component:default/web', 'down', 50);
    expect(nodes.map(([ref]) => ref)).toEqual([
      'component:default/ledger',
      'component:default/payments-api',
      'component:default/fraud-check',
      'resource:default/ledger-db',
    ]);
  });

  it('answers nothing for depth 0 or an entity without dependencies', async () => {
    expect(await walk('component:default/web', 'down', 0)).toEqual([]);
    expect(await walk('component:default/fraud-check', 'down', 3)).toEqual([]);
  });
});

describe('search', () => {
  beforeEach(async () => {
    await load(
      group('payments'),
      group('sre'),
      component('payments-api', { owner: 'payments' }, { title: 'Payments API', description: 'Takes card payments.' }),
      component('ledger', { owner: 'payments' }, { description: 'Double-entry book of every payments movement.' }),
      component('status-page', { owner: 'sre' }, { tags: ['payments'] }),
      api('payments-rest', { owner: 'payments' }),
      component('pager', { owner: 'sre' }, { description: 'Wakes people up.' }),
    );
  });

  it('ranks entities named after the words above those that only mention them', async () => {
    const { hits, total } = await store.search({ text: 'payments', limit: 10 });

    const refs = refsOf(hits.map((hit) => hit.entity));
    expect(total).toBe(5);
    expect(refs.indexOf('component:default/payments-api')).toBeLessThan(refs.indexOf('component:default/ledger'));
    expect(refs.indexOf('api:default/payments-rest')).toBeLessThan(refs.indexOf('component:default/status-page'));
    expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => b - a));
  });

  it('finds entities despite a typo in their name', async () => {
    const { hits } = await store.search({ text: 'paymnts', limit: 3 });
    expect(refsOf(hits.map((hit) => hit.entity))).toContain('component:default/payments-api');
  });

  it('finds words in descriptions', async () => {
    const { hits, total } = await store.search({ text: 'wakes', limit: 10 });
    expect(total).toBe(1);
    expect(hits[0]?.entity.ref).toBe('component:default/pager');
  });

  it('counts every match while returning only the best ones', async () => {
    const { hits, total } = await store.search({ text: 'payments', limit: 2 });
    expect(hits).toHaveLength(2);
    expect(total).toBe(5);
  });

  it('takes % and _ in the text literally', async () => {
    expect((await store.search({ text: '%', limit: 10 })).total).toBe(0);
    expect((await store.search({ text: '_', limit: 10 })).total).toBe(0);
    expect(await store.resolveName({ text: '%' })).toEqual({ status: 'missing', suggestions: [] });
  });

  it('keeps only the kind and owners asked for, and lists them all when there is no text', async () => {
    const byKind = await store.search({ text: 'payments', limit: 10, kind: 'API' });
    expect(refsOf(byKind.hits.map((hit) => hit.entity))).toEqual(['api:default/payments-rest']);

    const byOwner = await store.search({ text: '', limit: 10, ownerRefs: ['group:default/sre'] });
    expect(byOwner.total).toBe(2);
    expect(refsOf(byOwner.hits.map((hit) => hit.entity)).sort()).toEqual([
      'component:default/pager',
      'component:default/status-page',
    ]);
  });
});

describe('getRelations', () => {
  it('lists each relation once with its target, and without one when the target is not in the catalog', async () => {
    await load(group('payments', { members: ['ada'] }), user('ada', undefined), component('svc', { owner: 'gone' }));

    const userRelations = await store.getRelations({ ref: 'user:default/ada' });
    expect(userRelations).toEqual([
      expect.objectContaining({ type: 'memberOf', targetRef: 'group:default/payments', target: expect.any(Object) }),
    ]);
    expect(await store.getRelations({ ref: 'component:default/svc' })).toEqual([
      { type: 'ownedBy', targetRef: 'group:default/gone' },
    ]);
  });
});

describe('chat identities', () => {
  it('links a saved identity to the catalog user with the same email, ignoring case', async () => {
    await load(user('ada', 'ada@acme.example'));

    const saved = await store.saveChatIdentity({
      identity: { platform: 'slack', platformUserId: 'U0ADA', email: 'ADA@acme.example' },
    });

    expect(saved).toEqual({
      platform: 'slack',
      platformUserId: 'U0ADA',
      email: 'ADA@acme.example',
      userRef: 'user:default/ada',
    });
    expect(await store.findChatIdentity({ platform: 'slack', platformUserId: 'U0ADA' })).toEqual(saved);
    expect(await store.findChatIdentity({ platform: 'teams', platformUserId: 'U0ADA' })).toBeUndefined();
  });

  it('links an identity saved before its user was imported', async () => {
    await store.saveChatIdentity({
      identity: { platform: 'slack', platformUserId: 'U0ADA', email: 'ada@acme.example' },
    });
    await load(user('ada', 'ada@acme.example'));

    const found = await store.findChatIdentity({ platform: 'slack', platformUserId: 'U0ADA' });
    expect(found?.userRef).toBe('user:default/ada');
  });

  it('lists the emails of users with no identity on the platform', async () => {
    await load(user('ada', 'ada@acme.example'), user('grace', 'Grace@acme.example'), user('alan'));
    await store.saveChatIdentity({
      identity: { platform: 'slack', platformUserId: 'U0ADA', email: 'ada@acme.example' },
    });

    const unlinked = await store.listUnlinkedEmails({
      platform: 'slack',
      userRefs: ['user:default/ada', 'user:default/grace', 'user:default/alan'],
    });

    expect(unlinked).toEqual(['Grace@acme.example']);
    expect(await store.listUnlinkedEmails({ platform: 'slack', userRefs: [] })).toEqual([]);
  });
});
