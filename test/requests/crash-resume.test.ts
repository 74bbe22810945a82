/**
 * A run survives SIGKILL: a real `wayfinder requests work` process runs the shipped new-service template against the
 * fake GitHub (with latency, so the kills land inside and between steps), is killed inside a step and between two,
 * and each restart resumes from the first unfinished step. The request ends succeeded, with one repository created.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';
import { REPO_ROOT, wayfinderArgv } from '../helpers/cli.ts';
import { createIsolatedDatabaseEnv, openIsolatedDatabase } from '../helpers/database.ts';
import {
  createRequestTestbed,
  newServiceValues,
  requestProcessEnv,
  SHIPPED_TEMPLATES,
  SLACK_IDS,
  seedRequestCatalog,
} from '../helpers/requests.ts';

let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
let github: FakeGitHubApi;

beforeAll(async () => {
  isolated = await createIsolatedDatabaseEnv();
  github = await startFakeGitHubApi({ latencyMs: 120 });
});
afterAll(async () => {
  await github?.close();
  await isolated?.remove();
});

const openDatabase = () => openIsolatedDatabase(isolated.env);

function startWorker(): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, wayfinderArgv(['requests', 'work', '--take-over']), {
    env: { PATH: process.env.PATH ?? '', ...requestProcessEnv({ github, databaseEnv: isolated.env }) },
    cwd: REPO_ROOT,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

/** Waits until GitHub has answered a request matching `method` and `path` after `from` requests, then SIGKILLs. */
async function killWhen(methods: readonly string[], path: RegExp, from: number): Promise<void> {
  const worker = startWorker();
  const deadline = Date.now() + 150_000;
  while (!github.log.slice(from).some((entry) => methods.includes(entry.method) && path.test(entry.path))) {
    if (Date.now() > deadline) throw new Error(`GitHub never saw ${methods.join('/')} ${path}: ${worker.stderr()}`);
    if (worker.child.exitCode !== null) throw new Error(`The worker exited early: ${worker.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  worker.child.kill('SIGKILL');
  await worker.exited;
}

describe('a run killed inside and between steps', () => {
  it('resumes at the first unfinished step after each restart and creates the repository once', async () => {
    const database = await openDatabase();
    const catalog = await seedRequestCatalog(database);
    const bed = await createRequestTestbed({ database, catalog, templatesDir: SHIPPED_TEMPLATES, github });
    const request = await bed.system.desk.submit({
      templateRef: 'new-service',
      values: newServiceValues('billing'),
      requester: { platform: 'slack', id: SLACK_IDS.ada, userRef: 'user:default/ada' },
    });
    await bed.idle();
    await database.close();

    // Inside publish: the repository exists, nothing pushed yet.
    await killWhen(['POST'], /^\/orgs\/acme\/repos$/, 0);
    // Between publish and register: the branch points at the commit.
    await killWhen(['POST', 'PATCH'], /\/git\/refs(\/.+)?$/, github.log.length);

    const last = startWorker();
    expect(await last.exited, last.stderr()).toBe(0);

    const reopened = await openDatabase();
    try {
      const bedAfter = await createRequestTestbed({
        database: reopened,
        catalog: new DrizzleCatalogStore({ db: reopened.db }),
        templatesDir: SHIPPED_TEMPLATES,
      });
      const done = await bedAfter.system.desk.get({ id: request.id });
      expect(done.state, done.error).toBe('succeeded');
      expect(done.steps.map((step) => [step.id, step.status])).toEqual([
        ['fetch', 'succeeded'],
        ['publish', 'succeeded'],
        ['register', 'succeeded'],
      ]);
      expect(done.steps[1]?.attempts).toBeGreaterThanOrEqual(2);
      expect(github.createdRepos).toEqual(['acme/billing']);
      expect(Object.keys(github.filesOf({ repo: 'acme/billing' }) ?? {})).toContain('catalog-info.yaml');
      expect((await bedAfter.system.desk.audit({ id: request.id })).map((entry) => entry.action)).toEqual([
        'requested',
        'succeeded',
      ]);
    } finally {
      await reopened.close();
    }
  }, 400_000);
});
