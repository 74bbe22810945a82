import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunState, StepFailure, type StepJournal } from '../../src/core/ports/template-engine.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { InMemoryConditionalCache } from '../../src/github/InMemoryConditionalCache.ts';
import { OctokitGitHubGateway } from '../../src/github/OctokitGitHubGateway.ts';
import { OctokitGitHubProvisioner } from '../../src/github/OctokitGitHubProvisioner.ts';
import { createCatalogRegistrar } from '../../src/ingestion/catalog-registrar.ts';
import { ScaffolderTemplateEngine } from '../../src/templates/engine.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { createTestOctokit } from './template-helpers.ts';

const SHIPPED = fileURLToPath(new URL('../../templates', import.meta.url));
const BACKSTAGE = fileURLToPath(new URL('../fixtures/templates/backstage', import.meta.url));

let database: Database;
let store: DrizzleCatalogStore;
let github: FakeGitHubApi;
let workspaces: string;
let engine: ScaffolderTemplateEngine;

beforeAll(async () => {
  database = await openTestDatabase();
  store = new DrizzleCatalogStore({ db: database.db });
});
afterAll(async () => {
  await database?.close();
});

function createEngine(opts: { workspaceRoot?: string; templatesDir?: string } = {}): ScaffolderTemplateEngine {
  const octokit = createTestOctokit(github.url);
  const gateway = new OctokitGitHubGateway({ octokit, cache: new InMemoryConditionalCache() });
  return new ScaffolderTemplateEngine({
    templatesDir: opts.templatesDir ?? SHIPPED,
    store,
    github: new OctokitGitHubProvisioner({ octokit }),
    registrar: createCatalogRegistrar({ gateway, store }),
    environment: { githubOrg: 'acme' },
    workspaceRoot: opts.workspaceRoot ?? workspaces,
    runListingDelayMs: 0,
  });
}

/** A step's journal kept as the request store keeps it: each attempt sees what earlier attempts saved. */
function durableJournal(): { attempt(): StepJournal } {
  let saved: Record<string, unknown> = {};
  return {
    attempt: () => ({
      saved: { ...saved },
      save: async (entries) => {
        saved = { ...saved, ...entries };
      },
    }),
  };
}

beforeEach(async () => {
  github = await startFakeGitHubApi();
  workspaces = await mkdtemp(path.join(tmpdir(), 'wayfinder-workspaces-'));
  engine = createEngine();
});
afterEach(async () => {
  await github?.close();
  await rm(workspaces, { recursive: true, force: true });
});

/** Runs every step in order, as the request runner does, keeping each output; returns the final state. */
async function runAll(on: ScaffolderTemplateEngine, ref: string, state: RunState): Promise<RunState> {
  let current = state;
  for (const step of (await on.get(ref))?.steps ?? []) {
    const result = await on.runStep(ref, step.id, current);
    current = { ...current, outputs: { ...current.outputs, [step.id]: result.output } };
  }
  return current;
}

async function failureOf(promise: Promise<unknown>): Promise<StepFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof StepFailure)) throw new Error(`expected a StepFailure, got ${String(error)}`);
  return error;
}

const newService = (requestId: string, name = 'web'): RunState => ({
  requestId,
  user: { ref: 'user:default/ada' },
  values: {
    name,
    description: 'Serves the web shop',
    owner: 'group:default/payments',
    language: 'go',
    repoUrl: `github.com?owner=acme&repo=${name}`,
    visibility: 'private',
  },
  outputs: {},
});

describe('new-service', () => {
  it('creates the repository with the rendered skeleton, registers it in the catalog and links to both', async () => {
    const done = await runAll(engine, 'new-service', newService('req-1'));
    expect(github.createdRepos).toEqual(['acme/web']);
    const files = github.filesOf({ repo: 'acme/web' }) ?? {};
    expect(Object.keys(files).sort()).toEqual([
      '.github/workflows/ci.yml',
      'Makefile',
      'README.md',
      'catalog-info.yaml',
    ]);
    expect(files['README.md']).toContain(
      '# web\n\nServes the web shop\n\nOwned by `group:default/payments`, written in go.',
    );
    expect(files['catalog-info.yaml']).toContain('  name: web\n  description: "Serves the web shop"\n');
    expect(files['catalog-info.yaml']).toContain('  owner: group:default/payments\n');
    // Copied without templating: GitHub Actions' own ${{ }} stays as written.
    expect(files['.github/workflows/ci.yml']).toContain('SHA: ${{ github.sha }}');

    const entity = await store.getEntity({ ref: 'component:default/web' });
    expect(entity?.envelope.spec).toMatchObject({ owner: 'group:default/payments', type: 'service' });
    expect(await engine.output('new-service', done)).toEqual({
      links: [
        { title: 'Repository', url: 'https://github.com/acme/web' },
        { title: 'Open in catalog', icon: 'catalog', entityRef: 'component:default/web' },
      ],
      text: [
        {
          title: 'Next steps',
          content: 'Push your first change to acme/web; CI runs `make test` on every push.',
        },
      ],
    });
  });

  it('creates nothing twice when a step runs again, even on a replica that lost the workspace', async () => {
    const done = await runAll(engine, 'new-service', newService('req-2', 'shop'));
    const head = github.log.length;
    const filesBefore = github.filesOf({ repo: 'acme/shop' });
    const elsewhere = createEngine({ workspaceRoot: await mkdtemp(path.join(tmpdir(), 'wayfinder-replica-')) });
    const again = await elsewhere.runStep('new-service', 'publish', done);
    expect(again.output).toEqual(done.outputs.publish);
    expect(again.log).toContain("Repository acme/shop already holds this request's commit; nothing to push");
    expect(github.createdRepos).toEqual(['acme/shop']);
    expect(github.filesOf({ repo: 'acme/shop' })).toEqual(filesBefore);
    expect(
      github.log
        .slice(head)
        .filter((entry) => entry.method === 'POST')
        .map((entry) => entry.path),
    ).toEqual([]);
  });

  it('resumes after GitHub failed between creating the repository and pushing: the repository is reused', async () => {
    const state = newService('req-3', 'cart');
    const fetched = await engine.runStep('new-service', 'fetch', state);
    const withFetch = { ...state, outputs: { fetch: fetched.output } };
    github.failWith({ path: '/repos/acme/cart/git/commits', method: 'POST', status: 502, times: 1 });
    const failure = await failureOf(engine.runStep('new-service', 'publish', withFetch));
    expect(failure.retryable).toBe(true);
    expect(failure.message).toMatch(
      /^Step "Create the repository" \(publish:github\): GitHub did not answer a commit to acme\/cart \(502/,
    );
    expect(github.createdRepos).toEqual(['acme/cart']);

    const published = await engine.runStep('new-service', 'publish', withFetch);
    expect(published.output).toEqual({
      remoteUrl: 'https://github.com/acme/cart',
      repoContentsUrl: 'https://github.com/acme/cart/blob/main',
    });
    expect(github.createdRepos).toEqual(['acme/cart']);
    expect(Object.keys(github.filesOf({ repo: 'acme/cart' }) ?? {})).toContain('catalog-info.yaml');
  });

  it('refuses to push into a repository this request did not create, and does not retry', async () => {
    github.addRepos({ fullName: 'acme/taken', files: { 'main.go': 'package main' } });
    const state = newService('req-4', 'taken');
    const fetched = await engine.runStep('new-service', 'fetch', state);
    const failure = await failureOf(
      engine.runStep('new-service', 'publish', { ...state, outputs: { fetch: fetched.output } }),
    );
    expect(failure.retryable).toBe(false);
    expect(failure.message).toBe(
      'Step "Create the repository" (publish:github): Repository acme/taken already exists and was not created by this request; choose another name.',
    );
    expect(github.filesOf({ repo: 'acme/taken' })).toEqual({ 'main.go': 'package main' });
  });

  it('reports a GitHub outage as retryable and a refusal as not', async () => {
    const state = newService('req-5', 'api');
    const fetched = await engine.runStep('new-service', 'fetch', state);
    const withFetch = { ...state, outputs: { fetch: fetched.output } };
    github.failWith({ path: '/orgs/acme/repos', method: 'POST', status: 503, times: 1 });
    expect((await failureOf(engine.runStep('new-service', 'publish', withFetch))).retryable).toBe(true);
    github.failWith({ path: '/orgs/acme/repos', method: 'POST', status: 403, times: 1 });
    const refused = await failureOf(engine.runStep('new-service', 'publish', withFetch));
    expect(refused.retryable).toBe(false);
    expect(refused.message).toMatch(/GitHub refused the creation of repository acme\/api \(403/);
  });

  it('says what to set when GitHub is not configured', async () => {
    const offline = new ScaffolderTemplateEngine({ templatesDir: SHIPPED, workspaceRoot: workspaces });
    const state = newService('req-6', 'offline');
    const fetched = await offline.runStep('new-service', 'fetch', state);
    const failure = await failureOf(
      offline.runStep('new-service', 'publish', { ...state, outputs: { fetch: fetched.output } }),
    );
    expect(failure).toMatchObject({
      retryable: false,
      message:
        'Step "Create the repository" (publish:github): This step writes to GitHub, and GitHub is not configured here: set GITHUB_TOKEN (or the GitHub App keys).',
    });
  });
});

describe('postgres-database and storage-bucket', () => {
  beforeEach(() => {
    github.addRepos({
      fullName: 'acme/infrastructure',
      files: { 'README.md': '# Infrastructure', '.github/workflows/plan.yml': 'on: workflow_dispatch' },
    });
  });

  const database = (requestId: string, environment = 'production'): RunState => ({
    requestId,
    user: {},
    values: {
      name: 'orders_db',
      owner: 'group:default/payments',
      environment,
      size: 'medium',
      storageGb: 50,
      backupRetentionDays: 14,
    },
    outputs: {},
  });

  it('asks for approval in production only', async () => {
    expect(await engine.needsApproval('postgres-database', database('r', 'production'))).toBe(true);
    expect(await engine.needsApproval('postgres-database', database('r', 'staging'))).toBe(false);
    expect(await engine.needsApproval('new-service', newService('r'))).toBe(false);
  });

  it('opens one pull request with the Terraform on the branch wayfinder/<request id>, found again on a retry', async () => {
    const done = await runAll(engine, 'postgres-database', database('req-7'));
    expect(done.outputs['pull-request']).toEqual({
      remoteUrl: 'https://github.com/acme/infrastructure/pull/1',
      pullRequestNumber: 1,
      branchName: 'wayfinder/req-7',
    });
    const branchFiles = github.filesOf({ repo: 'acme/infrastructure', branch: 'wayfinder/req-7' }) ?? {};
    expect(Object.keys(branchFiles).sort()).toEqual([
      '.github/workflows/plan.yml',
      'README.md',
      'databases/production/orders_db/main.tf',
    ]);
    expect(branchFiles['databases/production/orders_db/main.tf']).toContain('storage_gb        = 50');
    expect(branchFiles['databases/production/orders_db/main.tf']).toContain('backup_retention_days = 14');

    const again = await engine.runStep('postgres-database', 'pull-request', done);
    expect(again.output).toEqual(done.outputs['pull-request']);
    expect(github.pullRequestsOf({ repo: 'acme/infrastructure' })).toHaveLength(1);
    expect(github.pullRequestsOf({ repo: 'acme/infrastructure' })[0]).toMatchObject({
      head: 'wayfinder/req-7',
      base: 'main',
      title: 'Postgres database orders_db (production)',
    });
  });

  it('proposes the bucket and dispatches the plan workflow on the pull request branch', async () => {
    const done = await runAll(engine, 'storage-bucket', {
      requestId: 'req-8',
      user: {},
      values: {
        name: 'assets',
        owner: 'group:default/payments',
        environment: 'staging',
        region: 'us-east-1',
        versioning: true,
      },
      outputs: {},
    });
    expect(github.dispatches).toEqual([
      {
        repo: 'acme/infrastructure',
        workflowId: 'plan.yml',
        ref: 'wayfinder/req-8',
        inputs: { path: 'buckets/staging/assets', pullRequest: '1' },
      },
    ]);
    expect(await engine.output('storage-bucket', done)).toMatchObject({
      links: [{ title: 'Pull request', url: 'https://github.com/acme/infrastructure/pull/1' }],
    });
  });

  describe('the dispatch, run again after a crash or a lost answer', () => {
    const bucket = (requestId: string): RunState => ({
      requestId,
      user: {},
      values: { name: 'assets', owner: 'group:default/payments', environment: 'staging', region: 'us-east-1' },
      outputs: { 'pull-request': { branchName: `wayfinder/${requestId}`, pullRequestNumber: 1 } },
    });
    /** The pull-request step's branch, which the plan workflow runs on. */
    const withBranch = async (requestId: string) => {
      const done = await runAll(engine, 'postgres-database', database(requestId));
      return { ...bucket(requestId), outputs: { 'pull-request': done.outputs['pull-request'] ?? {} } };
    };

    it('does not dispatch again when GitHub took the dispatch before the step was recorded', async () => {
      const state = await withBranch('req-20');
      const journal = durableJournal();
      await engine.runStep('storage-bucket', 'plan', state, journal.attempt());
      // The process died here: the step ran, and was never recorded as done. The next attempt runs it again.
      const again = await engine.runStep('storage-bucket', 'plan', state, journal.attempt());
      expect(github.dispatches).toHaveLength(1);
      const [run] = github.workflowRuns;
      expect(again.log).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Found run ${run?.id} of plan\\.yml on acme/infrastructure@wayfinder/req-20 .*not dispatched again$`,
          ),
        ),
      ]);
    });

    it('does not dispatch again when GitHub dispatched and its answer was lost (a 502)', async () => {
      const state = await withBranch('req-21');
      github.failWith({ path: /\/dispatches$/, method: 'POST', status: 502, times: 1, afterHandling: true });
      const journal = durableJournal();
      const failure = await failureOf(engine.runStep('storage-bucket', 'plan', state, journal.attempt()));
      expect(failure.retryable).toBe(true);
      await engine.runStep('storage-bucket', 'plan', state, journal.attempt());
      expect(github.dispatches).toHaveLength(1);
    });

    it('dispatches on the next attempt when GitHub never took the first, however many runs others started', async () => {
      const state = await withBranch('req-22');
      // A run of the same workflow on the same branch started by these credentials before the step: not its own.
      github.addWorkflowRun({
        repo: 'acme/infrastructure',
        workflowId: 'plan.yml',
        ref: 'wayfinder/req-22',
        actor: 'wayfinder-bot',
      });
      github.failWith({ path: /\/dispatches$/, method: 'POST', status: 502, times: 1 });
      const journal = durableJournal();
      await failureOf(engine.runStep('storage-bucket', 'plan', state, journal.attempt()));
      // Someone else's dispatch of it meanwhile is not this step's either.
      github.addWorkflowRun({ repo: 'acme/infrastructure', workflowId: 'plan.yml', ref: 'wayfinder/req-22' });
      const again = await engine.runStep('storage-bucket', 'plan', state, journal.attempt());
      expect(github.dispatches).toHaveLength(1);
      expect(again.log.at(-1)).toBe('Dispatched plan.yml on acme/infrastructure@wayfinder/req-22');
    });
  });

  it('fails without retrying when GitHub refuses the workflow (no such workflow file)', async () => {
    github.failWith({ path: /\/actions\/workflows\/plan\.yml\/dispatches$/, method: 'POST', status: 404 });
    const state: RunState = {
      requestId: 'req-9',
      user: {},
      values: { name: 'logs', owner: 'group:default/payments', environment: 'development' },
      outputs: { 'pull-request': { branchName: 'main', pullRequestNumber: 3 } },
    };
    const failure = await failureOf(engine.runStep('storage-bucket', 'plan', state));
    expect(failure.retryable).toBe(false);
    expect(failure.message).toMatch(
      /^Step "Run terraform plan" \(github:actions:dispatch\): GitHub refused a run of workflow plan\.yml in acme\/infrastructure \(404/,
    );
  });
});

describe('the dry run', () => {
  it("previews Backstage's example template unchanged: rendered inputs and the files fetch:template writes", async () => {
    const preview = createEngine({ templatesDir: BACKSTAGE });
    const plan = await preview.plan('example-nodejs-template', {
      requestId: 'preview',
      user: {},
      values: { name: 'hello', repoUrl: 'github.com?owner=acme&repo=hello' },
      outputs: {},
    });
    expect(plan).toEqual([
      {
        id: 'fetch-base',
        name: 'Fetch Base',
        action: 'fetch:template',
        runs: true,
        input: { url: './content', values: { name: 'hello' } },
        files: ['index.js', 'package.json'],
      },
      {
        id: 'publish',
        name: 'Publish',
        action: 'publish:github',
        runs: true,
        input: {
          allowedHosts: ['github.com'],
          description: 'This is hello',
          repoUrl: 'github.com?owner=acme&repo=hello',
        },
      },
      {
        id: 'register',
        name: 'Register',
        action: 'catalog:register',
        runs: true,
        input: { repoContentsUrl: 'https://github.com/acme/hello/blob/main', catalogInfoPath: '/catalog-info.yaml' },
      },
    ]);
    expect(github.log.filter((entry) => entry.method !== 'GET')).toEqual([]);
  });
});
