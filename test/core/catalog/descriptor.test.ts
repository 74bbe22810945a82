import { describe, expect, it } from 'vitest';
import {
  entityTitle,
  locationSpecOf,
  processDocument,
  unreadDocumentOf,
} from '../../../src/core/catalog/descriptor.ts';
import type { IngestError, ProcessedEntity, Relation } from '../../../src/core/catalog/types.ts';

const position = { location: 'file:/repo/catalog-info.yaml', line: 7 };

type Doc = Record<string, unknown>;

function component(spec: Doc = {}, metadata: Doc = {}): Doc {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', ...metadata },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments-team', ...spec },
  };
}

function entity(kind: string, spec: Doc | undefined, metadata: Doc = {}, apiVersion = 'backstage.io/v1alpha1'): Doc {
  return { apiVersion, kind, metadata: { name: 'thing', ...metadata }, ...(spec ? { spec } : {}) };
}

function accept(document: unknown, at = position): ProcessedEntity {
  const result = processDocument({ document, position: at });
  if (!result.ok) {
    throw new Error(`expected the document to be accepted: ${JSON.stringify(result.errors, null, 2)}`);
  }
  return result.entity;
}

function reject(document: unknown): IngestError[] {
  const result = processDocument({ document, position });
  if (result.ok) {
    throw new Error(`expected the document to be rejected: ${JSON.stringify(result.entity, null, 2)}`);
  }
  return result.errors;
}

function messages(document: unknown): string[] {
  return reject(document).map((error) => error.message);
}

function relation(source: string, type: Relation['type'], target: string): Relation {
  return { source, type, target };
}

const NAME_RULE = 'a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total';

describe('kinds', () => {
  it.each([
    ['Component', { type: 'service', lifecycle: 'production', owner: 'team-a' }],
    ['API', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: 'openapi: 3.0.0' }],
    ['Resource', { type: 'database', owner: 'team-a' }],
    ['System', { owner: 'team-a' }],
    ['Domain', { owner: 'team-a' }],
    ['Group', { type: 'team', children: [] }],
    ['User', { memberOf: [] }],
    ['Location', {}],
  ])('accepts a %s with the spec fields Backstage requires', (kind, spec) => {
    expect(accept(entity(kind, spec)).ref).toBe(`${kind.toLowerCase()}:default/thing`);
  });

  it('accepts a Template under scaffolder.backstage.io/v1beta3', () => {
    const template = entity(
      'Template',
      { type: 'service', steps: [{ id: 'fetch', action: 'fetch:template' }] },
      {},
      'scaffolder.backstage.io/v1beta3',
    );
    expect(accept(template).ref).toBe('template:default/thing');
  });

  it('accepts backstage.io/v1beta1 for the built-in kinds', () => {
    expect(accept({ ...component(), apiVersion: 'backstage.io/v1beta1' }).kind).toBe('Component');
  });

  it('rejects an apiVersion the kind does not have, naming both', () => {
    expect(messages({ ...component(), apiVersion: 'scaffolder.backstage.io/v1beta3' })).toEqual([
      '"apiVersion" is not valid for kind Component; expected backstage.io/v1alpha1 or backstage.io/v1beta1 but found "scaffolder.backstage.io/v1beta3".',
    ]);
    expect(messages(entity('Template', { type: 'service', steps: [] }))).toEqual([
      '"apiVersion" is not valid for kind Template; expected scaffolder.backstage.io/v1beta3 but found "backstage.io/v1alpha1".',
    ]);
  });

  it('keeps an unknown kind with a valid apiVersion as a generic entity, spec and all', () => {
    const custom = accept(entity('Environment', { owner: 'team-a', anything: [1, 2] }, {}, 'example.com/v1'));
    expect(custom).toMatchObject({ ref: 'environment:default/thing', kind: 'Environment', relations: [] });
    expect(custom.envelope.spec).toEqual({ owner: 'team-a', anything: [1, 2] });
  });

  it('keeps an unknown kind that has no spec', () => {
    expect(accept(entity('Capability', undefined, {}, 'example.com/v1alpha1')).envelope).not.toHaveProperty('spec');
  });

  it('rejects a built-in kind spelled in another case instead of keeping it as a generic entity', () => {
    expect(messages({ ...component(), kind: 'component' })).toEqual([
      '"kind" is not valid; expected Component (kinds are case-sensitive) but found "component".',
    ]);
  });

  it('rejects an invalid kind and an invalid apiVersion with Backstage-style messages', () => {
    const errors = reject(entity('2Fast', undefined, {}, 'example.com/v1/extra'));
    expect(errors.map((error) => [error.field, error.message])).toEqual([
      [
        'apiVersion',
        '"apiVersion" is not valid; expected a string such as backstage.io/v1alpha1: an optional DNS-subdomain prefix and "/", then [a-zA-Z0-9], at most 63 characters but found "example.com/v1/extra".',
      ],
      [
        'kind',
        '"kind" is not valid; expected a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total but found "2Fast".',
      ],
    ]);
  });

  it('requires a spec for every built-in kind, saying what it must hold', () => {
    expect(messages(entity('Component', undefined))).toEqual([
      '"spec" is required for kind Component; expected an object with at least type and lifecycle.',
    ]);
    expect(messages(entity('Location', undefined))).toEqual([
      '"spec" is required for kind Location; expected an object, e.g. with target or targets (it may be {}).',
    ]);
  });

  it('rejects a spec that is not an object', () => {
    expect(messages({ ...component(), spec: ['service'] })).toEqual([
      '"spec" is not valid; expected an object but found ["service"].',
    ]);
  });
});

describe('envelope', () => {
  it('requires apiVersion, kind and metadata', () => {
    expect(reject({}).map((error) => error.field)).toEqual(['apiVersion', 'kind', 'metadata']);
    expect(messages({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', spec: {} })).toContain(
      '"metadata" is required; expected a mapping with at least a name.',
    );
  });

  it('rejects a document that is not a mapping', () => {
    expect(reject('just text')).toEqual([
      {
        location: 'file:/repo/catalog-info.yaml',
        line: 7,
        message:
          'The document is not valid; expected a mapping with apiVersion, kind, metadata and spec but found "just text".',
      },
    ]);
  });

  it('rejects an unknown root key, naming it', () => {
    expect(reject({ ...component(), owner: 'team-a' })).toEqual([
      {
        location: 'file:/repo/catalog-info.yaml',
        line: 7,
        field: 'owner',
        entityRef: 'component:default/payments-api',
        message:
          '"owner" is not a known root field; expected only apiVersion, kind, metadata and spec (relations and status are output-only and ignored).',
      },
    ]);
  });

  it('accepts the output-only relations and status keys and leaves them out of the envelope', () => {
    const payments = accept({
      ...component(),
      relations: [{ type: 'ownedBy', targetRef: 'group:default/someone-else' }],
      status: { items: [] },
    });
    expect(Object.keys(payments.envelope)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(payments.relations).not.toContainEqual(
      relation('component:default/payments-api', 'ownedBy', 'group:default/someone-else'),
    );
  });
});

describe('metadata', () => {
  it('records where the entity was read as backstage.io/managed-by-location, unless the descriptor sets it', () => {
    const read = accept(component({}, {}), {
      location: 'url:https://github.com/acme/x/blob/main/catalog-info.yaml',
      line: 1,
    });
    expect(read.envelope.metadata.annotations?.['backstage.io/managed-by-location']).toBe(
      'url:https://github.com/acme/x/blob/main/catalog-info.yaml',
    );
    const declared = accept(
      component({}, { annotations: { 'backstage.io/managed-by-location': 'url:https://elsewhere' } }),
    );
    expect(declared.envelope.metadata.annotations?.['backstage.io/managed-by-location']).toBe('url:https://elsewhere');
  });

  it('names the field, the rule and the value of an invalid name', () => {
    expect(messages(component({}, { name: 'Payments API' }))).toEqual([
      `"metadata.name" is not valid; expected ${NAME_RULE} but found "Payments API".`,
    ]);
  });

  it('requires a name', () => {
    expect(messages({ ...component(), metadata: { title: 'Payments' } })).toEqual([
      `"metadata.name" is required; expected ${NAME_RULE}.`,
    ]);
  });

  it('reports a name that YAML read as a number with the number found', () => {
    expect(messages(component({}, { name: 404 }))).toEqual([
      `"metadata.name" is not valid; expected ${NAME_RULE} but found 404.`,
    ]);
  });

  it('fills in namespace default and writes it into the envelope', () => {
    const payments = accept(component());
    expect(payments).toMatchObject({ ref: 'component:default/payments-api', namespace: 'default' });
    expect(payments.envelope.metadata.namespace).toBe('default');
  });

  it('keeps an explicit namespace in the ref', () => {
    expect(accept(component({}, { namespace: 'billing' })).ref).toBe('component:billing/payments-api');
  });

  it('rejects a namespace that is not a DNS label', () => {
    expect(messages(component({}, { namespace: 'Billing' }))).toEqual([
      '"metadata.namespace" is not valid; expected a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total but found "Billing".',
    ]);
  });

  it('lowercases the ref but keeps the name as written', () => {
    const payments = accept(component({}, { name: 'Payments-API' }));
    expect(payments).toMatchObject({ ref: 'component:default/payments-api', name: 'Payments-API' });
  });

  it('keeps extra metadata keys', () => {
    expect(accept(component({}, { uid: 'abc', customField: { a: 1 } })).envelope.metadata).toMatchObject({
      uid: 'abc',
      customField: { a: 1 },
    });
  });

  it('accepts valid labels, annotations, tags and links', () => {
    const payments = accept(
      component(
        {},
        {
          labels: { tier: 'backend', 'example.com/empty': '' },
          annotations: { 'backstage.io/techdocs-ref': 'dir:.', 'wayfinder.dev/aliases': 'pay, payments svc' },
          tags: ['java', 'c++', 'lang:go'],
          links: [{ url: 'https://example.com/dashboard', title: 'Dashboard', icon: 'dashboard' }],
        },
      ),
    );
    expect(payments.envelope.metadata.tags).toEqual(['java', 'c++', 'lang:go']);
  });

  it('rejects an invalid label key and value, naming each', () => {
    expect(reject(component({}, { labels: { 'Bad Key': 'ok', tier: 'back end' } }))).toMatchObject([
      {
        field: 'metadata.labels.Bad Key',
        message:
          '"metadata.labels.Bad Key" is not valid; expected a key that is an optional DNS-subdomain prefix and "/", then sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters but found "Bad Key".',
      },
      {
        field: 'metadata.labels.tier',
        message:
          '"metadata.labels.tier" is not valid; expected a string that is empty or sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total but found "back end".',
      },
    ]);
  });

  it('rejects an annotation value that YAML read as a boolean, saying to quote it', () => {
    expect(messages(component({}, { annotations: { 'backstage.io/orphan': true } }))).toEqual([
      '"metadata.annotations.backstage.io/orphan" is not valid; expected a string (in YAML, quote values such as "true" or "123") but found true.',
    ]);
  });

  it('rejects an invalid annotation key', () => {
    expect(reject(component({}, { annotations: { 'a/b/c': 'x' } })).map((error) => error.field)).toEqual([
      'metadata.annotations.a/b/c',
    ]);
  });

  it('rejects a tag that is not lowercase, naming its index', () => {
    expect(messages(component({}, { tags: ['java', 'TypeScript'] }))).toEqual([
      '"metadata.tags[1]" is not valid; expected a string that is sequences of [a-z0-9:+#] separated by [-], at most 63 characters in total but found "TypeScript".',
    ]);
  });

  it('rejects a link without a valid url, and an invalid link icon', () => {
    expect(messages(component({}, { links: [{ title: 'Docs' }, { url: 'not a url', icon: 'bad icon' }] }))).toEqual([
      '"metadata.links[0].url" is required; expected a string that is a valid url.',
      '"metadata.links[1].url" is not valid; expected a string that is a valid url but found "not a url".',
      `"metadata.links[1].icon" is not valid; expected ${NAME_RULE} but found "bad icon".`,
    ]);
  });

  it('refuses a link whose title is blank, as FieldFormatEntityPolicy does (isValidString)', () => {
    const link = (title: unknown) => ({ links: [{ url: 'https://example.com/runbook', title }] });
    expect(messages(component({}, link('   ')))).toEqual([
      '"metadata.links[0].title" is not valid; expected a non empty string but found "   ".',
    ]);
    expect(messages(component({}, link('')))).toEqual([
      '"metadata.links[0].title" is not valid; expected a non empty string but found "".',
    ]);
    expect(accept(component({}, link('Runbook'))).envelope.metadata.links).toEqual([
      { url: 'https://example.com/runbook', title: 'Runbook' },
    ]);
  });

  it('rejects an empty title', () => {
    expect(messages(component({}, { title: '' }))).toEqual([
      '"metadata.title" is not valid; expected a non empty string but found "".',
    ]);
  });
});

describe('spec fields', () => {
  it('names the kind and gives examples when a required field is missing', () => {
    expect(messages(component({ lifecycle: undefined }))).toEqual([
      '"spec.lifecycle" is required for kind Component; expected a string such as production, experimental or deprecated.',
    ]);
  });

  it('says a field is empty when YAML read it as null', () => {
    expect(messages(component({ type: null }))).toEqual([
      '"spec.type" is empty; expected a string such as service, website or library.',
    ]);
  });

  it('reports a field of the wrong type with what was found', () => {
    expect(messages(component({ providesApis: 'payments-rest' }))).toEqual([
      '"spec.providesApis" is not valid; expected a list of references to APIs but found "payments-rest".',
    ]);
  });

  it.each([
    ['Component', { type: 'service', lifecycle: 'production' }],
    ['API', { type: 'openapi', lifecycle: 'production', definition: 'openapi: 3.0.0' }],
    ['Resource', { type: 'database' }],
    ['System', {}],
  ])('lets a %s leave out spec.owner, for Wayfinder to fall back to its system or domain', (kind, spec) => {
    expect(accept(entity(kind, spec)).relations).toEqual([]);
  });

  it('still requires spec.owner for a Domain', () => {
    expect(messages(entity('Domain', {}))).toEqual([
      '"spec.owner" is required for kind Domain; expected a reference to a Group or User, such as team-a or user:jane.doe.',
    ]);
  });

  it('requires type, lifecycle and definition for an API', () => {
    expect(reject(entity('API', { owner: 'team-a' })).map((error) => error.field)).toEqual([
      'spec.type',
      'spec.lifecycle',
      'spec.definition',
    ]);
  });

  it('accepts an API definition given as a $text reference, keeping it as written', () => {
    const api = accept(
      entity('API', { type: 'openapi', lifecycle: 'production', definition: { $text: './openapi.yaml' } }),
    );
    expect(api.envelope.spec?.definition).toEqual({ $text: './openapi.yaml' });
  });

  it('rejects an API definition that is neither a string nor a substitution', () => {
    expect(messages(entity('API', { type: 'openapi', lifecycle: 'production', definition: { paths: {} } }))).toEqual([
      '"spec.definition" is not valid; expected the API definition as a string, or a $text reference to a file ($json and $yaml are not accepted here) but found {"paths":{}}.',
    ]);
  });

  it('requires type for a Resource', () => {
    expect(messages(entity('Resource', { owner: 'team-a' }))).toEqual([
      '"spec.type" is required for kind Resource; expected a string such as database, s3-bucket or kubernetes-cluster.',
    ]);
  });

  it('requires type and children for a Group, where children may be empty', () => {
    expect(messages(entity('Group', {}))).toEqual([
      '"spec.type" is required for kind Group; expected a string such as team, business-unit, product-area or root.',
      '"spec.children" is required for kind Group; expected a list of references to Groups (it may be empty: []).',
    ]);
  });

  it('requires memberOf for a User', () => {
    expect(messages(entity('User', { profile: { email: 'jane@example.com' } }))).toEqual([
      '"spec.memberOf" is required for kind User; expected a list of references to Groups (it may be empty: []).',
    ]);
  });

  it('requires type and steps with an action for a Template', () => {
    const apiVersion = 'scaffolder.backstage.io/v1beta3';
    expect(messages(entity('Template', {}, {}, apiVersion))).toEqual([
      '"spec.type" is required for kind Template; expected a string such as service or website.',
      '"spec.steps" is required for kind Template; expected a list of steps, each with an action.',
    ]);
    expect(messages(entity('Template', { type: 'service', steps: [{ id: 'x' }] }, {}, apiVersion))).toEqual([
      '"spec.steps[0].action" is required for kind Template; expected a string naming the action, such as fetch:template.',
    ]);
  });

  it('checks the presence of a Location', () => {
    expect(messages(entity('Location', { target: './a.yaml', presence: 'maybe' }))).toEqual([
      '"spec.presence" is not valid; expected required or optional but found "maybe".',
    ]);
  });

  it('keeps extra spec keys', () => {
    expect(accept(component({ ancestors: [] })).envelope.spec).toHaveProperty('ancestors', []);
  });

  it('returns every error of a document at once, each with its location, line, field and entity ref', () => {
    const errors = reject({
      ...component({ lifecycle: undefined, dependsOn: ['payments-db'] }, { tags: ['Java'] }),
      extra: true,
    });
    expect(errors.map((error) => error.field)).toEqual([
      'metadata.tags[0]',
      'extra',
      'spec.lifecycle',
      'spec.dependsOn[0]',
    ]);
    for (const error of errors) {
      expect(error).toMatchObject({
        location: 'file:/repo/catalog-info.yaml',
        line: 7,
        entityRef: 'component:default/payments-api',
      });
    }
  });

  it('leaves out the entity ref when the document names no kind or name', () => {
    expect(reject({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: {} })[0]).not.toHaveProperty(
      'entityRef',
    );
  });
});

describe('relations', () => {
  it('computes every relation of a Component in both directions, resolving short refs with the default kinds', () => {
    const payments = accept(
      component({
        system: 'payments',
        subcomponentOf: 'billing',
        providesApis: ['payments-rest'],
        consumesApis: ['api:fraud-rest'],
        dependsOn: ['resource:payments-db'],
        dependencyOf: ['component:checkout'],
      }),
    );
    const self = 'component:default/payments-api';
    expect(payments.relations).toEqual([
      relation(self, 'ownedBy', 'group:default/payments-team'),
      relation('group:default/payments-team', 'ownerOf', self),
      relation(self, 'partOf', 'system:default/payments'),
      relation('system:default/payments', 'hasPart', self),
      relation(self, 'partOf', 'component:default/billing'),
      relation('component:default/billing', 'hasPart', self),
      relation(self, 'providesApi', 'api:default/payments-rest'),
      relation('api:default/payments-rest', 'apiProvidedBy', self),
      relation(self, 'consumesApi', 'api:default/fraud-rest'),
      relation('api:default/fraud-rest', 'apiConsumedBy', self),
      relation(self, 'dependsOn', 'resource:default/payments-db'),
      relation('resource:default/payments-db', 'dependencyOf', self),
      relation(self, 'dependencyOf', 'component:default/checkout'),
      relation('component:default/checkout', 'dependsOn', self),
    ]);
  });

  it('lets spec.owner name a User with user:', () => {
    expect(accept(component({ owner: 'user:Jane.Doe' })).relations[0]).toEqual(
      relation('component:default/payments-api', 'ownedBy', 'user:default/jane.doe'),
    );
  });

  it("resolves short refs in the entity's own namespace and keeps a namespace the ref names", () => {
    const payments = accept(component({ owner: 'payments-team', system: 'shared/platform' }, { namespace: 'billing' }));
    expect(payments.relations.filter((r) => r.source === 'component:billing/payments-api')).toEqual([
      relation('component:billing/payments-api', 'ownedBy', 'group:billing/payments-team'),
      relation('component:billing/payments-api', 'partOf', 'system:shared/platform'),
    ]);
  });

  it('lowercases every part of every ref', () => {
    const payments = accept(component({ owner: 'Group:Billing/Payments-Team', providesApis: ['Payments-REST'] }));
    expect(payments.relations.map((r) => r.target)).toContain('group:billing/payments-team');
    expect(payments.relations.map((r) => r.target)).toContain('api:default/payments-rest');
  });

  it('computes the relations of an API, a Resource, a System and a Domain', () => {
    const ownerAndSystem = { owner: 'team-a', system: 'payments' };
    expect(
      accept(entity('API', { type: 'grpc', lifecycle: 'production', definition: 'x', ...ownerAndSystem })).relations,
    ).toContainEqual(relation('api:default/thing', 'partOf', 'system:default/payments'));
    const db = accept(entity('Resource', { type: 'database', ...ownerAndSystem, dependencyOf: ['component:api'] }));
    expect(db.relations).toContainEqual(relation('component:default/api', 'dependsOn', 'resource:default/thing'));
    expect(accept(entity('System', { owner: 'team-a', domain: 'commerce' })).relations).toContainEqual(
      relation('system:default/thing', 'partOf', 'domain:default/commerce'),
    );
    expect(accept(entity('Domain', { owner: 'team-a', subdomainOf: 'commerce' })).relations).toEqual([
      relation('domain:default/thing', 'ownedBy', 'group:default/team-a'),
      relation('group:default/team-a', 'ownerOf', 'domain:default/thing'),
      relation('domain:default/thing', 'partOf', 'domain:default/commerce'),
      relation('domain:default/commerce', 'hasPart', 'domain:default/thing'),
    ]);
  });

  it('computes parent, children and members of a Group', () => {
    const team = accept(entity('Group', { type: 'team', parent: 'platform', children: ['sre'], members: ['jane'] }));
    expect(team.relations).toEqual([
      relation('group:default/thing', 'childOf', 'group:default/platform'),
      relation('group:default/platform', 'parentOf', 'group:default/thing'),
      relation('group:default/thing', 'parentOf', 'group:default/sre'),
      relation('group:default/sre', 'childOf', 'group:default/thing'),
      relation('group:default/thing', 'hasMember', 'user:default/jane'),
      relation('user:default/jane', 'memberOf', 'group:default/thing'),
    ]);
  });

  it('computes memberOf of a User', () => {
    expect(accept(entity('User', { memberOf: ['team-a', 'group:ops/sre'] })).relations).toEqual([
      relation('user:default/thing', 'memberOf', 'group:default/team-a'),
      relation('group:default/team-a', 'hasMember', 'user:default/thing'),
      relation('user:default/thing', 'memberOf', 'group:ops/sre'),
      relation('group:ops/sre', 'hasMember', 'user:default/thing'),
    ]);
  });

  it('computes the owner of a Template', () => {
    const template = entity(
      'Template',
      { type: 'service', owner: 'team-a', steps: [] },
      {},
      'scaffolder.backstage.io/v1beta3',
    );
    expect(accept(template).relations[0]).toEqual(
      relation('template:default/thing', 'ownedBy', 'group:default/team-a'),
    );
  });

  it('rejects a dependsOn ref without a kind, naming its index and the refs to write instead', () => {
    expect(reject(component({ dependsOn: ['resource:payments-db', 'ledger'] }))).toMatchObject([
      {
        field: 'spec.dependsOn[1]',
        message:
          '"spec.dependsOn[1]" is not valid; expected a reference that names its kind, such as "component:ledger" or "resource:ledger" but found "ledger".',
      },
    ]);
  });

  it('rejects a dependencyOf ref without a kind too', () => {
    expect(reject(entity('Resource', { type: 'database', dependencyOf: ['checkout'] })).map((e) => e.field)).toEqual([
      'spec.dependencyOf[0]',
    ]);
  });

  it('rejects a malformed ref', () => {
    expect(messages(component({ owner: 'group:' }))).toEqual([
      '"spec.owner" is not valid; expected an entity reference of the form [<kind>:][<namespace>/]<name> but found "group:".',
    ]);
  });

  it('stores each relation once when the spec names a target twice', () => {
    const payments = accept(component({ providesApis: ['payments-rest', 'API:payments-rest'] }));
    expect(payments.relations.filter((r) => r.type === 'providesApi')).toHaveLength(1);
    expect(payments.relations.filter((r) => r.type === 'apiProvidedBy')).toHaveLength(1);
  });

  it('gives unknown kinds no relations even when their spec has an owner', () => {
    expect(accept(entity('Environment', { owner: 'team-a' }, {}, 'example.com/v1')).relations).toEqual([]);
  });
});

describe('hash', () => {
  it('is a sha-256 in hex', () => {
    expect(accept(component()).hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not change with the order of keys', () => {
    const reordered = {
      spec: { owner: 'payments-team', lifecycle: 'production', type: 'service' },
      metadata: { name: 'payments-api' },
      kind: 'Component',
      apiVersion: 'backstage.io/v1alpha1',
    };
    expect(accept(reordered).hash).toBe(accept(component()).hash);
  });

  it('does not change for an explicit namespace default', () => {
    expect(accept(component({}, { namespace: 'default' })).hash).toBe(accept(component()).hash);
  });

  it('changes when any field changes', () => {
    const base = accept(component()).hash;
    expect(accept(component({ lifecycle: 'deprecated' })).hash).not.toBe(base);
    expect(accept(component({}, { description: 'Takes payments.' })).hash).not.toBe(base);
    expect(accept(component({}, { tags: ['java'] })).hash).not.toBe(base);
  });

  it('changes when the source location or line changes', () => {
    const base = accept(component()).hash;
    expect(accept(component(), { ...position, location: 'file:/other.yaml' }).hash).not.toBe(base);
    expect(accept(component(), { ...position, line: 8 }).hash).not.toBe(base);
  });
});

describe('entityTitle', () => {
  it('answers the title when there is one, else the name', () => {
    const payments = accept(component({}, { title: 'Payments API' }));
    expect(entityTitle(payments.envelope)).toBe('Payments API');
    expect(entityTitle(accept(component()).envelope)).toBe('payments-api');
  });
});

describe('locationSpecOf', () => {
  it('lists target and targets with the field that names each, and presence required by default', () => {
    const location = accept(entity('Location', { type: 'file', target: './a.yaml', targets: ['./b.yaml', './c'] }));
    expect(locationSpecOf(location)).toEqual({
      type: 'file',
      presence: 'required',
      targets: [
        { field: 'spec.target', target: './a.yaml' },
        { field: 'spec.targets[0]', target: './b.yaml' },
        { field: 'spec.targets[1]', target: './c' },
      ],
    });
  });

  it('reads presence optional and an empty spec', () => {
    expect(locationSpecOf(accept(entity('Location', { presence: 'optional' })))).toEqual({
      presence: 'optional',
      targets: [],
    });
  });
});

describe('API spec types with their own schemas', () => {
  const remoteApi = (type: string, spec: Doc = {}) =>
    entity('API', { type, lifecycle: 'experimental', owner: 'team-a', ...spec }, { name: 'assistant' });

  it.each(['mcp-server', 'ai-model-server'])('accepts a %s API with remotes and no definition', (type) => {
    const remotes = [{ type: 'streamable-http', url: 'http://localhost:7007/api/mcp/v1' }];
    const api = accept(remoteApi(type, { remotes, system: 'ai-tooling' }));
    expect(api.envelope.spec).toMatchObject({ type, remotes });
    expect(api.relations).toEqual(
      expect.arrayContaining([
        { source: 'api:default/assistant', type: 'ownedBy', target: 'group:default/team-a' },
        { source: 'api:default/assistant', type: 'partOf', target: 'system:default/ai-tooling' },
      ]),
    );
  });

  it('requires at least one remote, each with a type and a url, naming the spec type', () => {
    expect(messages(remoteApi('mcp-server'))).toEqual([
      '"spec.remotes" is required for kind API of type mcp-server; expected a list of at least one remote, each with a type (such as streamable-http) and a url.',
    ]);
    expect(messages(remoteApi('ai-model-server', { remotes: [] }))).toEqual([
      '"spec.remotes" is not valid; expected a list of at least one remote, each with a type (such as streamable-http) and a url but found [].',
    ]);
    expect(messages(remoteApi('mcp-server', { remotes: [{ type: 'stdio' }] }))).toEqual([
      '"spec.remotes[0].url" is required for kind API of type mcp-server; expected a string: the endpoint URL (for a stdio transport, the command).',
    ]);
  });

  it('still requires a definition of every other API type', () => {
    expect(messages(remoteApi('openapi', { remotes: [{ type: 'https', url: 'https://x.example' }] }))).toEqual([
      '"spec.definition" is required for kind API; expected the API definition as a string, or a $text reference to a file ($json and $yaml are not accepted here).',
    ]);
  });
});

describe('the AiResource kind', () => {
  const aiResource = (spec: Doc, apiVersion = 'backstage.io/v1alpha1') =>
    entity('AiResource', { lifecycle: 'production', owner: 'team-a', system: 'ai-tooling', ...spec }, {}, apiVersion);

  it('relates an AiResource to its owner and system, as a Component', () => {
    expect(accept(aiResource({ type: 'skill' })).relations).toEqual([
      { source: 'airesource:default/thing', type: 'ownedBy', target: 'group:default/team-a' },
      { source: 'group:default/team-a', type: 'ownerOf', target: 'airesource:default/thing' },
      { source: 'airesource:default/thing', type: 'partOf', target: 'system:default/ai-tooling' },
      { source: 'system:default/ai-tooling', type: 'hasPart', target: 'airesource:default/thing' },
    ]);
  });

  it('relates a skill to the AiResources it depends on, a plugin to its skills and a marketplace to its plugins', () => {
    const targets = (spec: Doc, type: string) =>
      accept(aiResource(spec))
        .relations.filter((relation) => relation.type === type)
        .map((relation) => relation.target);
    expect(targets({ type: 'skill', dependsOn: ['typescript-basics'] }, 'dependsOn')).toEqual([
      'airesource:default/typescript-basics',
    ]);
    expect(targets({ type: 'plugin', skills: ['airesource:default/review'] }, 'hasSkill')).toEqual([
      'airesource:default/review',
    ]);
    expect(targets({ type: 'marketplace', plugins: ['code-review-plugin'] }, 'hasPlugin')).toEqual([
      'airesource:default/code-review-plugin',
    ]);
  });

  it('requires what each AiResource type requires, naming the type', () => {
    expect(messages(aiResource({ type: 'rule', category: 'architecture' }))).toEqual([
      '"spec.rationale" is required for kind AiResource of type rule; expected a string saying why the rule exists.',
    ]);
    expect(messages(aiResource({ type: 'plugin' }))).toEqual([
      '"spec.skills" is required for kind AiResource of type plugin; expected a list of references to AiResources, such as airesource:default/code-review.',
    ]);
    expect(messages(aiResource({ type: 'skill', lifecycle: undefined }))).toEqual([
      '"spec.lifecycle" is required for kind AiResource of type skill; expected a string such as production, experimental or deprecated.',
    ]);
  });

  it('reads AiResource at backstage.io/v1alpha1 only, as its schema says', () => {
    expect(unreadDocumentOf(aiResource({ type: 'skill' }, 'backstage.io/v1beta1'))).toEqual({
      field: 'apiVersion',
      entityRef: 'airesource:default/thing',
      reason:
        'No processor recognized the entity airesource:default/thing as valid, possibly caused by a foreign kind or apiVersion: Wayfinder reads kind AiResource at backstage.io/v1alpha1, not backstage.io/v1beta1. The document was skipped.',
    });
  });
});

describe('unreadDocumentOf', () => {
  it('leaves built-in kinds, custom kinds in a group of their own and malformed documents to processDocument', () => {
    expect(unreadDocumentOf(component())).toBeUndefined();
    expect(unreadDocumentOf(entity('Environment', { owner: 'team-a' }, {}, 'example.com/v1'))).toBeUndefined();
    expect(unreadDocumentOf({ ...component(), apiVersion: 'scaffolder.backstage.io/v1beta3' })).toBeUndefined();
    expect(unreadDocumentOf({ ...component(), kind: 'component' })).toBeUndefined();
    expect(unreadDocumentOf('just text')).toBeUndefined();
  });

  it('names a kind Backstage defines that Wayfinder does not read', () => {
    expect(unreadDocumentOf(entity('Capability', {}))?.reason).toBe(
      'No processor recognized the entity capability:default/thing as valid, possibly caused by a foreign kind or apiVersion: Wayfinder does not read kind Capability; it reads API, AiResource, Component, Domain, Group, Location, Resource, System, Template and User. The document was skipped.',
    );
  });
});
