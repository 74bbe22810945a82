import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunState } from '../../src/core/ports/template-engine.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { InMemoryConditionalCache } from '../../src/github/InMemoryConditionalCache.ts';
import { OctokitGitHubGateway } from '../../src/github/OctokitGitHubGateway.ts';
import { OctokitGitHubProvisioner } from '../../src/github/OctokitGitHubProvisioner.ts';
import { createCatalogRegistrar } from '../../src/ingestion/catalog-registrar.ts';
import { ScaffolderTemplateEngine } from '../../src/templates/engine.ts';
import { renderValue } from '../../src/templates/expressions.ts';
import { DiskWorkspace } from '../../src/templates/workspace.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { createTemplatesFolder, createTestOctokit, templateYaml } from './template-helpers.ts';

describe('expressions', () => {
  const context = {
    parameters: { count: 3, name: 'web', regions: ['eu', 'us'], repoUrl: 'github.com?owner=acme&repo=web', on: false },
    steps: { publish: { output: { remoteUrl: 'https://github.com/acme/web' } } },
    user: { ref: 'user:default/ada', entity: { metadata: { name: 'ada' } } },
  };

  it("keeps a lone expression's type and renders anything else to text, as Backstage does", () => {
    expect(
      renderValue(
        {
          count: '${{ parameters.count }}',
          sentence: '${{ parameters.count }} replicas',
          regions: '${{ parameters.regions }}',
          on: '${{ parameters.on }}',
          missing: '${{ parameters.nothing }}',
          url: "${{ steps['publish'].output.remoteUrl }}",
          who: '${{ user.entity.metadata.name }} (${{ user.ref }})',
        },
        context,
      ),
    ).toEqual({
      count: 3,
      sentence: '3 replicas',
      regions: ['eu', 'us'],
      on: false,
      url: 'https://github.com/acme/web',
      who: 'ada (user:default/ada)',
    });
  });

  it("offers Backstage's filters: parseRepoUrl, projectSlug, parseEntityRef and pick", () => {
    expect(
      renderValue(
        {
          repo: '${{ parameters.repoUrl | parseRepoUrl }}',
          slug: '${{ parameters.repoUrl | projectSlug }}',
          ref: "${{ 'payments' | parseEntityRef({ defaultKind: 'group', defaultNamespace: 'default' }) }}",
          name: "${{ user | pick('entity.metadata.name') }}",
        },
        context,
      ),
    ).toEqual({
      repo: { host: 'github.com', owner: 'acme', repo: 'web' },
      slug: 'acme/web',
      ref: { kind: 'group', namespace: 'default', name: 'payments' },
      name: 'ada',
    });
  });

  it('refuses an expression that reaches for JavaScript through constructor', () => {
    expect(() => renderValue({ x: '${{ parameters.constructor }}' }, context)).toThrow(
      'x: Expression "${{ parameters.constructor }}" names "constructor", which is not allowed.',
    );
  });
});

describe('steps: each, if and fetch:template', () => {
  let folder: Awaited<ReturnType<typeof createTemplatesFolder>>;
  let workspaces: string;
  let engine: ScaffolderTemplateEngine;

  beforeAll(async () => {
    folder = await createTemplatesFolder();
    workspaces = await mkdtemp(path.join(tmpdir(), 'wayfinder-workspaces-'));
    await folder.write(
      'files',
      templateYaml({
        name: 'files',
        steps: [
          '    - id: fetch',
          '      action: fetch:template',
          '      input:',
          '        url: ./skeleton',
          '        targetPath: out',
          '        copyWithoutRender: [raw/**]',
          '        values: { name: "${{ parameters.name }}", docs: "${{ parameters.docs }}" }',
          '    - id: each',
          '      action: debug:log',
          '      each: ${{ parameters.regions }}',
          '      if: ${{ each.value != "us" }}',
          '      input: { message: "region ${{ each.key }}=${{ each.value }}" }',
          '    - id: never',
          '      action: debug:log',
          '      if: ${{ parameters.docs }}',
          '      input: { message: docs }',
        ].join('\n'),
      }),
      {
        'skeleton/${{ values.name }}/README.md': '# ${{ values.name }}',
        'skeleton/{% if values.docs %}docs{% endif %}/index.md': 'docs',
        'skeleton/raw/keep.txt': 'left as ${{ written }}',
      },
    );
    engine = new ScaffolderTemplateEngine({ templatesDir: folder.dir, workspaceRoot: workspaces });
  });
  afterAll(async () => {
    await rm(folder.dir, { recursive: true, force: true });
    await rm(workspaces, { recursive: true, force: true });
  });

  const state: RunState = {
    requestId: 'r1',
    user: {},
    values: { name: 'web', regions: ['eu', 'us', 'ap'], docs: false },
    outputs: {},
  };

  it('renders file and folder names, leaves out files whose name renders empty, copies copyWithoutRender as it is', async () => {
    const plan = await engine.plan('files', state);
    expect(plan[0]?.files).toEqual(['out/raw/keep.txt', 'out/web/README.md']);
    await engine.runStep('files', 'fetch', state);
    const files = await new DiskWorkspace({ root: workspaces, requestId: 'r1' }).files();
    expect(files.map((file) => [file.path, file.content.toString('utf8')])).toEqual([
      ['out/raw/keep.txt', 'left as ${{ written }}'],
      ['out/web/README.md', '# web'],
    ]);
  });

  it('runs each iteration whose if holds, and skips a step whose if is false', async () => {
    const each = await engine.runStep('files', 'each', state);
    expect(each).toEqual({ ran: true, output: {}, log: ['region 0=eu', 'region 2=ap'] });
    expect(await engine.runStep('files', 'never', state)).toEqual({
      ran: false,
      output: {},
      log: ['Skipped never: its if condition was false'],
    });
    const plan = await engine.plan('files', state);
    expect(plan.map((step) => [step.id, step.runs])).toEqual([
      ['fetch', true],
      ['each', true],
      ['never', false],
    ]);
    expect(plan[1]?.input).toEqual({ each: [{ message: 'region 0=eu' }, { message: 'region 2=ap' }] });
  });
});

describe('templates registered in the catalog', () => {
  let github: FakeGitHubApi;
  let close: () => Promise<void>;
  let engine: ScaffolderTemplateEngine;

  beforeAll(async () => {
    github = await startFakeGitHubApi();
    const database = await openTestDatabase();
    close = () => database.close();
    const store = new DrizzleCatalogStore({ db: database.db });
    const octokit = createTestOctokit(github.url);
    const registrar = createCatalogRegistrar({
      gateway: new OctokitGitHubGateway({ octokit, cache: new InMemoryConditionalCache() }),
      store,
    });
    github.addRepos({
      fullName: 'acme/golden-paths',
      files: {
        'templates/hello/template.yaml': templateYaml({
          name: 'hello',
          steps:
            '    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skeleton\n        values: { who: "${{ parameters.who }}" }',
        }),
        'templates/hello/skeleton/hello.txt': 'Hello ${{ values.who }}',
        'templates/hello/skeleton/nested/deep.txt': 'deep',
      },
    });
    await registrar.register({ url: 'https://github.com/acme/golden-paths/blob/main/templates/hello/template.yaml' });
    engine = new ScaffolderTemplateEngine({
      store,
      github: new OctokitGitHubProvisioner({ octokit }),
      workspaceRoot: await mkdtemp(path.join(tmpdir(), 'wayfinder-workspaces-')),
    });
  });
  afterAll(async () => {
    await github?.close();
    await close?.();
  });

  it('lists a Template entity and reads its relative ./skeleton from its own GitHub repository', async () => {
    expect((await engine.list()).map((template) => template.ref)).toEqual(['template:default/hello']);
    const plan = await engine.plan('hello', { requestId: 'r', user: {}, values: { who: 'Ada' }, outputs: {} });
    expect(plan[0]?.files).toEqual(['hello.txt', 'nested/deep.txt']);
  });
});
