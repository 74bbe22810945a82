import { describe, expect, it } from 'vitest';
import {
  isValidAnnotationKey,
  isValidApiVersion,
  isValidKind,
  isValidLabelKey,
  isValidLabelValue,
  isValidNamespace,
  isValidObjectName,
  isValidTag,
  parseEntityRef,
  splitEntityRef,
  stringifyEntityRef,
} from '../../../src/core/catalog/refs.ts';
import { InputError } from '../../../src/core/errors.ts';

describe('parseEntityRef', () => {
  it('reads kind, namespace and name from the full string form, keeping their case', () => {
    expect(parseEntityRef('Component:Billing/Payments-API')).toEqual({
      kind: 'Component',
      namespace: 'Billing',
      name: 'Payments-API',
    });
  });

  it('fills in the default kind and namespace from the context when the reference names neither', () => {
    expect(parseEntityRef('team-a', { defaultKind: 'Group', defaultNamespace: 'ops' })).toEqual({
      kind: 'Group',
      namespace: 'ops',
      name: 'team-a',
    });
  });

  it('uses namespace default when neither the reference nor the context names one', () => {
    expect(parseEntityRef('user:jane.doe')).toEqual({ kind: 'user', namespace: 'default', name: 'jane.doe' });
  });

  it('keeps a namespace given in the reference over the context default', () => {
    expect(parseEntityRef('billing/payments', { defaultKind: 'System', defaultNamespace: 'ops' })).toEqual({
      kind: 'System',
      namespace: 'billing',
      name: 'payments',
    });
  });

  it('treats a colon after the first slash as part of the name, as Backstage does', () => {
    expect(parseEntityRef('default/foo:bar', { defaultKind: 'Component' })).toEqual({
      kind: 'Component',
      namespace: 'default',
      name: 'foo:bar',
    });
  });

  it('accepts the compound form and fills in what it leaves out', () => {
    expect(parseEntityRef({ name: 'payments' }, { defaultKind: 'System' })).toEqual({
      kind: 'System',
      namespace: 'default',
      name: 'payments',
    });
    expect(parseEntityRef({ kind: 'API', namespace: 'billing', name: 'payments-rest' })).toEqual({
      kind: 'API',
      namespace: 'billing',
      name: 'payments-rest',
    });
  });

  it('throws an InputError naming the reference and an example when the kind is needed but missing', () => {
    expect(() => parseEntityRef('payments-db')).toThrow(InputError);
    expect(() => parseEntityRef('payments-db')).toThrow(
      'Entity reference "payments-db" has no kind; expected [<kind>:][<namespace>/]<name> with the kind given, e.g. "component:payments-db".',
    );
  });

  it('throws an InputError for a reference with an empty part', () => {
    expect(() => parseEntityRef('group:')).toThrow(
      'Entity reference "group:" is not valid; expected [<kind>:][<namespace>/]<name> with no empty part.',
    );
    expect(() => parseEntityRef(':x', { defaultKind: 'Group' })).toThrow(InputError);
    expect(() => parseEntityRef('group:/x')).toThrow(InputError);
  });

  it('throws an InputError for an empty reference', () => {
    expect(() => parseEntityRef('')).toThrow('Entity reference must not be empty');
  });

  it('throws an InputError for a compound reference with an empty namespace or name', () => {
    expect(() => parseEntityRef({ kind: 'Group', namespace: '', name: 'x' })).toThrow('has an empty namespace');
    expect(() => parseEntityRef({ kind: 'Group', name: '' })).toThrow('has no name');
  });
});

describe('splitEntityRef', () => {
  it('leaves out the parts a reference does not name', () => {
    expect(splitEntityRef('payments')).toEqual({ kind: undefined, namespace: undefined, name: 'payments' });
  });

  it('answers undefined for a reference with an empty part', () => {
    expect(splitEntityRef('component:')).toBeUndefined();
  });
});

describe('stringifyEntityRef', () => {
  it('writes kind:namespace/name all in lowercase', () => {
    expect(stringifyEntityRef({ kind: 'Group', namespace: 'Ops', name: 'Dev.Infra' })).toBe('group:ops/dev.infra');
  });

  it('fills in namespace default', () => {
    expect(stringifyEntityRef({ kind: 'Component', name: 'payments-api' })).toBe('component:default/payments-api');
  });

  it('round-trips a parsed reference to the canonical form', () => {
    expect(stringifyEntityRef(parseEntityRef('API:Payments-Rest'))).toBe('api:default/payments-rest');
  });
});

describe('validators', () => {
  const longName = `a${'b'.repeat(62)}`;

  it.each(['a', 'payments-api', 'dev.infra', 'Payments_API', '123', longName])(
    'accepts the object name %j',
    (value) => {
      expect(isValidObjectName(value)).toBe(true);
    },
  );

  it.each(['', 'Payments API', '-leading', 'trailing-', '.dot', 'a/b', `${longName}c`, 42, undefined])(
    'rejects the object name %j',
    (value) => {
      expect(isValidObjectName(value)).toBe(false);
    },
  );

  it.each(['default', 'ops', 'team-a-1', 'a'.repeat(63)])('accepts the namespace %j', (value) => {
    expect(isValidNamespace(value)).toBe(true);
  });

  it.each(['', 'Ops', 'team_a', 'team.a', '-ops', 'ops-', 'a--b', 'a'.repeat(64)])(
    'rejects the namespace %j',
    (value) => {
      expect(isValidNamespace(value)).toBe(false);
    },
  );

  it.each(['Component', 'API', 'myKind2', 'a'])('accepts the kind %j', (value) => {
    expect(isValidKind(value)).toBe(true);
  });

  it.each(['', '2Component', 'my-kind', 'my_kind', 'My Kind', 'a'.repeat(64)])('rejects the kind %j', (value) => {
    expect(isValidKind(value)).toBe(false);
  });

  it.each(['backstage.io/v1alpha1', 'scaffolder.backstage.io/v1beta3', 'v1', 'example.com/V2'])(
    'accepts the apiVersion %j',
    (value) => {
      expect(isValidApiVersion(value)).toBe(true);
    },
  );

  it.each([
    '',
    'backstage.io/',
    '/v1',
    'backstage.io/v1/extra',
    'Backstage.io/v1alpha1',
    'backstage.io/v1-alpha1',
    `${'a'.repeat(254)}/v1`,
  ])('rejects the apiVersion %j', (value) => {
    expect(isValidApiVersion(value)).toBe(false);
  });

  it.each([
    'tier',
    'backstage.io/techdocs-ref',
    'github.com/project-slug',
    'wayfinder.dev/on-call',
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}/name`,
  ])('accepts the label and annotation key %j', (value) => {
    expect(isValidLabelKey(value)).toBe(true);
    expect(isValidAnnotationKey(value)).toBe(true);
  });

  it.each([
    '',
    'Bad Key',
    'Backstage.io/name',
    'backstage.io/',
    '/name',
    'a/b/c',
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}/name`,
    `example.com/${'n'.repeat(64)}`,
  ])('rejects the label and annotation key %j', (value) => {
    expect(isValidLabelKey(value)).toBe(false);
    expect(isValidAnnotationKey(value)).toBe(false);
  });

  it.each(['', 'backend', 'Tier-1', 'v1.2'])('accepts the label value %j', (value) => {
    expect(isValidLabelValue(value)).toBe(true);
  });

  it.each(['a b', '-x', 'a/b', true])('rejects the label value %j', (value) => {
    expect(isValidLabelValue(value)).toBe(false);
  });

  it.each(['java', 'c++', 'c#', 'lang:go', 'team-a', 'a'.repeat(63)])('accepts the tag %j', (value) => {
    expect(isValidTag(value)).toBe(true);
  });

  it.each(['', 'Java', 'data_pipeline', 'v1.2', '-java', 'java-', 'a--b', 'a'.repeat(64)])(
    'rejects the tag %j',
    (value) => {
      expect(isValidTag(value)).toBe(false);
    },
  );
});
