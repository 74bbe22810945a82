import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScaffolderTemplateEngine } from '../../src/templates/engine.ts';
import { TemplateLoadError } from '../../src/templates/load-problems.ts';
import { findTemplateAt } from '../../src/templates/template-sources.ts';
import { createTemplatesFolder, templateYaml } from './template-helpers.ts';

const BACKSTAGE = fileURLToPath(new URL('../fixtures/templates/backstage', import.meta.url));
const SHIPPED = fileURLToPath(new URL('../../templates', import.meta.url));

let folder: Awaited<ReturnType<typeof createTemplatesFolder>>;
const engine = new ScaffolderTemplateEngine({ workspaceRoot: '/nonexistent' });

beforeAll(async () => {
  folder = await createTemplatesFolder();
});
afterAll(async () => {
  await rm(folder.dir, { recursive: true, force: true });
});

/** The problems of a template that must not load, one `path: message` a line. */
async function problemsOf(yaml: string, files: Record<string, string> = {}): Promise<string[]> {
  const file = await folder.write(`t${Math.random().toString(36).slice(2)}`, yaml, files);
  const loaded = engine.load(await findTemplateAt(file));
  if (!(loaded instanceof TemplateLoadError)) throw new Error('expected the template to be refused');
  expect(loaded.message.split('\n')[0]).toBe(`${file} cannot be loaded:`);
  return loaded.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

describe('loading Backstage templates', () => {
  it("loads Backstage's own example Node.js template unchanged, with its pages, steps and owner", async () => {
    const loaded = engine.load(await findTemplateAt(path.join(BACKSTAGE, 'example-nodejs-template')));
    if (loaded instanceof TemplateLoadError) throw loaded;
    expect(loaded.definition).toMatchObject({
      ref: 'template:default/example-nodejs-template',
      title: 'Example Node.js Template',
      owner: 'user:default/guest',
      recommended: false,
      steps: [
        { id: 'fetch-base', name: 'Fetch Base', action: 'fetch:template' },
        { id: 'publish', name: 'Publish', action: 'publish:github' },
        { id: 'register', name: 'Register', action: 'catalog:register' },
      ],
    });
    expect(
      loaded.definition.pages.map((page) => page.fields.map((field) => [field.name, field.widget, field.required])),
    ).toEqual([[['name', 'text', true]], [['repoUrl', 'repoUrl', true]]]);
  });

  it("refuses Backstage's sample that asks for a Secret, naming the file, the key and the fields supported", async () => {
    const file = path.join(BACKSTAGE, 'secret-sample', 'template.yaml');
    const loaded = engine.load(await findTemplateAt(file));
    expect(loaded).toBeInstanceOf(TemplateLoadError);
    expect((loaded as TemplateLoadError).message).toBe(
      `${file} cannot be loaded:\n  spec.parameters[0].properties.myKey.ui:field: ui:field Secret is not supported: Wayfinder keeps request values in its database and shows them in chat, and has no secret store; expected OwnerPicker, EntityPicker, OwnedEntityPicker, EntityNamePicker, EntityTagsPicker or RepoUrlPicker`,
    );
  });

  it('loads the three shipped templates, the recommended ones first', async () => {
    const shipped = new ScaffolderTemplateEngine({ templatesDir: SHIPPED, workspaceRoot: '/nonexistent' });
    const { templates, failures } = await shipped.loadAll();
    expect(failures).toEqual([]);
    expect(templates.map((template) => [template.definition.name, template.definition.recommended])).toEqual([
      ['new-service', true],
      ['postgres-database', true],
      ['storage-bucket', false],
    ]);
    expect((await shipped.get('postgres-database'))?.approval).toEqual({
      approvers: 'group:default/platform',
      condition: '${{ parameters.environment == "production" }}',
      allowSelfApproval: false,
    });
  });

  it('refuses an unknown ui:field, listing the supported ones', async () => {
    const problems = await problemsOf(
      templateYaml({
        parameters: '    - properties:\n        color:\n          type: string\n          ui:field: ColorPicker',
      }),
    );
    expect(problems).toEqual([
      'spec.parameters[0].properties.color.ui:field: "ColorPicker" is not a field Wayfinder supports; expected OwnerPicker, EntityPicker, OwnedEntityPicker, EntityNamePicker, EntityTagsPicker or RepoUrlPicker',
    ]);
  });

  it("refuses a catalogFilter Backstage's EntityPicker would not take, naming the key", async () => {
    const problems = await problemsOf(
      templateYaml({
        parameters: [
          '    - properties:',
          '        service:',
          '          type: string',
          '          ui:field: EntityPicker',
          '          ui:options:',
          '            catalogFilter:',
          '              kind: Component',
          '              spec.replicas: { atLeast: 2 }',
        ].join('\n'),
      }),
    );
    expect(problems).toEqual([
      'spec.parameters[0].properties.service.ui:options.catalogFilter["spec.replicas"]: expected a filter such as { kind: Component, spec.type: service }: each key a value, a list of values or { exists: true }; or a list of such filters, any of which may match',
    ]);
  });

  it("refuses a picker option Wayfinder cannot honour and a RepoUrlPicker asking for the user's token", async () => {
    const problems = await problemsOf(
      templateYaml({
        parameters: [
          '    - properties:',
          '        repoUrl:',
          '          type: string',
          '          ui:field: RepoUrlPicker',
          '          ui:options:',
          '            requestUserCredentials: { secretsKey: USER_TOKEN }',
          '        owner:',
          '          type: string',
          '          ui:field: OwnerPicker',
          '          ui:options: { colour: red }',
        ].join('\n'),
      }),
    );
    expect(problems).toEqual([
      'spec.parameters[0].properties.repoUrl.ui:options.requestUserCredentials: requestUserCredentials is not supported: Wayfinder acts with its own GitHub credentials, never a user’s token',
      'spec.parameters[0].properties.owner.ui:options.colour: is not an option of OwnerPicker; expected catalogFilter, allowedKinds, defaultKind, defaultNamespace or allowArbitraryValues',
    ]);
  });

  it('refuses an unknown action, listing the actions Wayfinder runs', async () => {
    const problems = await problemsOf(templateYaml({ steps: '    - id: cc\n      action: fetch:cookiecutter' }));
    expect(problems).toEqual([
      'spec.steps[0].action: "fetch:cookiecutter" is not an action Wayfinder runs; expected debug:log, fetch:plain, fetch:template, publish:github, publish:github:pull-request, github:actions:dispatch or catalog:register',
    ]);
  });

  it('names the right step after an unknown action, and no knock-on error about the refused step', async () => {
    const problems = await problemsOf(
      templateYaml({
        steps: [
          '    - id: log',
          '      action: debug:log',
          '      input: { message: hi }',
          '    - id: publish',
          '      action: publish:gitlab',
          '    - id: register',
          '      action: catalog:register',
          '      input:',
          "        repoContentsUrl: ${{ steps['publish'].output.repoContentsUrl }}",
          "        catalogInfoPath: '/catalog-info.yaml'",
          '      if: ${{ steps.missing.output.x }}',
        ].join('\n'),
      }),
    );
    expect(problems).toEqual([
      'spec.steps[1].action: "publish:gitlab" is not an action Wayfinder runs; expected debug:log, fetch:plain, fetch:template, publish:github, publish:github:pull-request, github:actions:dispatch or catalog:register',
      'spec.steps[2].if: names step "missing", which does not exist; expected one of log or publish',
    ]);
  });

  it('refuses a bad action input at load: an unknown name, a literal of the wrong type, a missing required input', async () => {
    const problems = await problemsOf(
      templateYaml({
        steps: [
          '    - id: publish',
          '      action: publish:github',
          '      input:',
          '        repoUrl: ${{ parameters.repoUrl }}',
          '        repoVisibility: secret',
          '        protectDefaultBranch: true',
          '    - id: pr',
          '      action: publish:github:pull-request',
          '      input:',
          '        repoUrl: github.com?owner=acme&repo=infra',
          '        title: 42',
        ].join('\n'),
      }),
    );
    expect(problems).toEqual([
      'spec.steps[0].input.repoVisibility: Invalid option: expected one of "private"|"internal"|"public"',
      'spec.steps[0].input.protectDefaultBranch: is not an input of publish:github; expected repoUrl, description, defaultBranch, repoVisibility, topics, gitCommitMessage, sourcePath or allowedHosts',
      'spec.steps[1].input.title: Invalid input: expected string, received number',
      'spec.steps[1].input.branchName: is required by publish:github:pull-request',
      'spec.steps[1].input.description: is required by publish:github:pull-request',
    ]);
  });

  it('refuses a fetch step whose skeleton folder is missing, an unknown filter and a step named before it runs', async () => {
    const problems = await problemsOf(
      templateYaml({
        steps: [
          '    - id: fetch',
          '      action: fetch:template',
          '      input:',
          '        url: ./skeleton',
          "        values: { name: '${{ parameters.name | shout }}' }",
          '    - id: log',
          '      action: debug:log',
          '      input: { message: "${{ steps[\'later\'].output.x }}" }',
          '    - id: later',
          '      action: debug:log',
        ].join('\n'),
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(
      /^spec\.steps\[0\]\.input\.url: "\.\/skeleton" does not exist beside the template \(.*\/skeleton\); expected the skeleton folder$/,
    );
    expect(problems.slice(1)).toEqual([
      'spec.steps[0].input.values.name: "${{ parameters.name | shout }}": it uses the filter "shout", which is not one of parseRepoUrl, parseEntityRef, pick, projectSlug or Nunjucks\' built-in filters',
      'spec.steps[1].input.message: names step "later", which does not run before it; expected one of fetch',
    ]);
  });

  it('refuses an older template format and a step key Wayfinder does not read', async () => {
    expect(
      await problemsOf(templateYaml({}).replace('scaffolder.backstage.io/v1beta3', 'backstage.io/v1beta2')),
    ).toEqual([
      'apiVersion: expected scaffolder.backstage.io/v1beta3 (older template formats are not supported; see Backstage’s migrating-from-v1beta2-to-v1beta3 guide)',
    ]);
    expect(
      await problemsOf(
        templateYaml({ steps: '    - id: log\n      action: debug:log\n      backstage:permissions: { tags: [x] }' }),
      ),
    ).toEqual([
      'spec.steps[0].backstage:permissions: is not a step key Wayfinder reads; expected id, name, action, input, if or each',
    ]);
  });

  it('refuses approval annotations that name no group or have no approvers', async () => {
    expect(
      await problemsOf(
        templateYaml({
          extra:
            '  annotations:\n    wayfinder.dev/approvers: user:default/ada\n    wayfinder.dev/allow-self-approval: "yes"',
        }),
      ),
    ).toEqual([
      'metadata.annotations["wayfinder.dev/allow-self-approval"]: expected "true" or "false"',
      'metadata.annotations["wayfinder.dev/approvers"]: "user:default/ada" is not a group; expected a Group ref such as group:default/platform',
    ]);
  });
});
