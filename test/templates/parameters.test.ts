import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScaffolderTemplateEngine } from '../../src/templates/engine.ts';
import { type DemoCatalog, openDemoCatalog } from '../helpers/demo-catalog.ts';
import { createTemplatesFolder, templateYaml } from './template-helpers.ts';

const PAGES = `    - title: Basics
      required: [name, owner, email, replicas]
      properties:
        name:
          title: Name
          type: string
          description: Lowercase letters and dashes
          pattern: '^[a-z-]+$'
          minLength: 3
          maxLength: 20
          ui:autofocus: true
          ui:help: Such as payments-api.
        notes:
          title: Notes
          type: string
          ui:widget: textarea
        email:
          title: Contact email
          type: string
          format: email
        replicas:
          title: Replicas
          type: integer
          minimum: 1
          maximum: 5
          default: 2
        public:
          title: Public
          type: boolean
        environment:
          title: Environment
          type: string
          enum: [dev, prod]
          enumNames: [Development, Production]
        regions:
          title: Regions
          type: array
          items:
            type: string
            enum: [eu, us]
        owner:
          title: Owner
          type: string
          ui:field: OwnerPicker
          ui:options:
            allowedKinds: [Group]
        service:
          title: Service
          type: string
          ui:field: EntityPicker
          ui:options:
            catalogFilter:
              - kind: Component
                spec.type: service
        repoUrl:
          title: Repository
          type: string
          ui:field: RepoUrlPicker
          ui:options:
            allowedHosts: [github.com]
            allowedOwners: [acme]
        tags:
          title: Tags
          type: array
          items: { type: string }
          ui:field: EntityTagsPicker
        slug:
          title: Slug
          type: string
          ui:field: EntityNamePicker
    - title: Production only
      if:
        properties:
          environment: { const: prod }
      then:
        required: [pager]
        properties:
          pager:
            title: Pager rotation
            type: string
      dependencies:
        public:
          oneOf:
            - properties:
                public: { const: false }
            - properties:
                public: { const: true }
                reason: { title: Reason, type: string, minLength: 10 }
              required: [reason]`;

let demo: DemoCatalog;
let engine: ScaffolderTemplateEngine;
let dir: string;

beforeAll(async () => {
  demo = await openDemoCatalog();
  const folder = await createTemplatesFolder();
  dir = folder.dir;
  await folder.write('kitchen-sink', templateYaml({ name: 'kitchen-sink', parameters: PAGES }));
  engine = new ScaffolderTemplateEngine({ templatesDir: dir, store: demo.store, workspaceRoot: dir });
});
afterAll(async () => {
  await demo?.close();
  await rm(dir, { recursive: true, force: true });
});

const valid = { name: 'orders', email: 'a@acme.example', replicas: 2, owner: 'group:default/payments' };

describe('parameter pages', () => {
  it('describes each field as a form shows it: widget, options with enumNames, bounds, help and pickers', async () => {
    const fields = await engine.fields('kitchen-sink', 0, {});
    expect(fields.map((field) => [field.name, field.widget, field.required])).toEqual([
      ['name', 'text', true],
      ['notes', 'textarea', false],
      ['email', 'text', true],
      ['replicas', 'number', true],
      ['public', 'checkbox', false],
      ['environment', 'select', false],
      ['regions', 'multiselect', false],
      ['owner', 'entity', true],
      ['service', 'entity', false],
      ['repoUrl', 'repoUrl', false],
      ['tags', 'tags', false],
      ['slug', 'entityName', false],
    ]);
    const byName = Object.fromEntries(fields.map((field) => [field.name, field]));
    expect(byName.name).toMatchObject({
      pattern: '^[a-z-]+$',
      minLength: 3,
      maxLength: 20,
      autofocus: true,
      help: 'Such as payments-api.',
    });
    expect(byName.replicas).toMatchObject({ type: 'integer', minimum: 1, maximum: 5, default: 2 });
    expect(byName.environment?.options).toEqual([
      { value: 'dev', label: 'Development' },
      { value: 'prod', label: 'Production' },
    ]);
    expect(byName.regions?.options).toEqual([
      { value: 'eu', label: 'eu' },
      { value: 'us', label: 'us' },
    ]);
    expect(byName.owner?.picker).toEqual({
      field: 'OwnerPicker',
      kinds: ['group'],
      filter: [{ kind: ['Group'] }],
      ownedByUser: false,
    });
    expect(byName.service?.picker).toMatchObject({
      kinds: ['component'],
      filter: [{ kind: ['Component'], 'spec.type': ['service'] }],
    });
    expect(byName.repoUrl?.repo).toEqual({ allowedHosts: ['github.com'], allowedOwners: ['acme'] });
  });

  it('passes values that satisfy the page', async () => {
    expect(await engine.checkParameters('kitchen-sink', 0, valid)).toEqual({});
  });

  it('maps every ajv error to its field as a sentence saying what to enter', async () => {
    expect(
      await engine.checkParameters('kitchen-sink', 0, {
        name: 'Orders API',
        email: 'not-an-email',
        replicas: 9,
        regions: ['eu', 'mars'],
        environment: 'staging',
      }),
    ).toEqual({
      name: 'Name "Orders API" does not match the pattern ^[a-z-]+$ (Lowercase letters and dashes).',
      email: 'Contact email "not-an-email" is not a valid email.',
      replicas: 'Replicas must be at most 5; it is 9.',
      regions: 'Regions must be one of eu or us; it is "mars".',
      environment: 'Environment must be one of dev or prod; it is "staging".',
      owner: 'Owner is required; enter a value.',
    });
    expect(await engine.checkParameters('kitchen-sink', 0, { ...valid, name: 'ab', replicas: 1.5 })).toEqual({
      name: 'Name must be at least 3 characters long; it is 2.',
      replicas: 'Replicas must be a whole number; it is 1.5.',
    });
  });

  it('checks catalog pickers against the catalog: the entity exists and is of an allowed kind', async () => {
    expect(await engine.checkParameters('kitchen-sink', 0, { ...valid, owner: 'group:default/nobody' })).toEqual({
      owner: 'Owner: there is no group:default/nobody in the catalog; pick one from the list.',
    });
    expect(await engine.checkParameters('kitchen-sink', 0, { ...valid, owner: 'payments' })).toEqual({});
    expect(await engine.checkParameters('kitchen-sink', 0, { ...valid, owner: 'user:default/ada' })).toEqual({
      owner: expect.stringMatching(
        /^Owner: (there is no user:default\/ada in the catalog|user:default\/ada is a User; expected a group)/,
      ),
    });
  });

  it('checks RepoUrlPicker, EntityNamePicker and EntityTagsPicker values by their own rules', async () => {
    expect(
      await engine.checkParameters('kitchen-sink', 0, {
        ...valid,
        repoUrl: 'github.com?owner=evil&repo=x',
        slug: 'not a name',
        tags: ['ok', 'Not OK'],
      }),
    ).toEqual({
      repoUrl: 'Repository: owner evil is not allowed; expected acme.',
      slug: 'Slug "not a name" is not a valid entity name; expected letters, digits and - _ . between them, at most 63 characters, such as payments-api.',
      tags: 'Tags: tag "Not OK" is not valid; expected lowercase letters, digits, + and #, separated by -, at most 63 characters.',
    });
    expect(
      await engine.checkParameters('kitchen-sink', 0, { ...valid, repoUrl: 'gitlab.com?owner=acme&repo=x' }),
    ).toEqual({
      repoUrl: 'Repository: host gitlab.com is not allowed; expected github.com.',
    });
  });

  it("adds a page's conditional fields from an earlier page's value (if/then) and its own (dependencies)", async () => {
    expect((await engine.fields('kitchen-sink', 1, { environment: 'dev' })).map((field) => field.name)).toEqual([]);
    expect(
      (await engine.fields('kitchen-sink', 1, { environment: 'prod', public: true })).map((field) => [
        field.name,
        field.required,
      ]),
    ).toEqual([
      ['pager', true],
      ['reason', true],
    ]);
    expect(
      await engine.checkParameters('kitchen-sink', 1, { environment: 'prod', public: true, reason: 'short' }),
    ).toEqual({
      pager: 'Pager rotation is required; enter a value.',
      reason: 'Reason must be at least 10 characters long; it is 5.',
    });
    expect(await engine.checkParameters('kitchen-sink', 1, { environment: 'dev', public: false })).toEqual({});
  });

  it('says which pages exist when asked for one that does not', async () => {
    await expect(engine.checkParameters('kitchen-sink', 2, {})).rejects.toThrow(
      'Template kitchen-sink has 2 parameter page(s); page 2 does not exist.',
    );
  });
});
