/**
 * `wayfinder requests list|show|retry|cancel|work` as an operator runs them: the real CLI in a process of its own, on a
 * database of its own, running the shipped new-service template against the fake GitHub. The requests are submitted
 * through the request desk (as /provision does) by a test process that then closes the database, so each CLI process
 * finds what a person left. The steps of one file share that database and run in order: each builds on the last.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/requests/types.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';
import { CHILD_PROCESS_TIMEOUT_MS, type CliRun, runWayfinder } from '../helpers/cli.ts';
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
/** Request ids by what each is for. */
const ids = { billing: '', database: '', ledger: '', rejected: '' };

beforeAll(async () => {
  isolated = await createIsolatedDatabaseEnv();
  github = await startFakeGitHubApi();
});
afterAll(async () => {
  await github?.close();
  await isolated?.remove();
});

function wayfinder(...args: string[]): Promise<CliRun> {
  return runWayfinder(['requests', ...args], { env: requestProcessEnv({ github, databaseEnv: isolated.env }) });
}

const openDatabase = () => openIsolatedDatabase(isolated.env);

/** The line of `requests list` output that names `id`. */
function lineOf(output: string, id: string): string {
  return output.split('\n').find((line) => line.startsWith(id)) ?? `(no line for ${id} in:\n${output})`;
}

describe('wayfinder requests', { timeout: CHILD_PROCESS_TIMEOUT_MS * 3 }, () => {
  it('says there are no requests yet, refuses a bad --state, and names an unknown id as unknown', async () => {
    const empty = await wayfinder('list');
    expect(empty, empty.stderr).toMatchObject({ code: 0 });
    expect(empty.stdout.trim()).toBe('No requests yet. Start one with /provision in Slack or the console.');

    const badState = await wayfinder('list', '--state', 'done');
    expect(badState.code).toBe(2);
    expect(badState.stderr.trim()).toBe(
      '--state takes one of awaiting-approval, approved, running, succeeded, failed, rejected, cancelled; got done. See wayfinder --help.',
    );

    const unknown = await wayfinder('show', 'req-nope1234');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.trim()).toBe('There is no request req-nope1234. Try wayfinder requests list.');
  });

  it('lists requests newest first with their state, template and requester, people by their catalog display name', async () => {
    const database = await openDatabase();
    try {
      const catalog = await seedRequestCatalog(database);
      const bed = await createRequestTestbed({ database, catalog, templatesDir: SHIPPED_TEMPLATES });
      // Only the CLI runs requests here: the desk would wake this process's runner for an approved one.
      await bed.system.runner.stop();
      const ada: Actor = { platform: 'slack', id: SLACK_IDS.ada, userRef: 'user:default/ada' };
      const alan: Actor = { platform: 'slack', id: SLACK_IDS.alan, userRef: 'user:default/alan' };
      const grace: Actor = { platform: 'slack', id: SLACK_IDS.grace, userRef: 'user:default/grace' };
      const submit = async (templateRef: string, values: Record<string, unknown>, requester = ada) =>
        (await bed.system.desk.submit({ templateRef, values, requester })).id;
      // Alan's User has no display name (named by the name in his ref); Grace, who rejects it, has one.
      ids.rejected = await submit(
        'postgres-database',
        { name: 'scratch', owner: 'group:default/data', environment: 'production', size: 'small', storageGb: 20 },
        alan,
      );
      await bed.system.desk.decide({ id: ids.rejected, actor: grace, approve: false, reason: 'Use staging' });
      ids.billing = await submit('new-service', newServiceValues('billing'));
      ids.database = await submit('postgres-database', {
        name: 'orders',
        owner: 'group:default/platform',
        environment: 'production',
        size: 'small',
        storageGb: 20,
      });
      ids.ledger = await submit('new-service', newServiceValues('ledger'));
      await bed.idle();
    } finally {
      await database.close();
    }

    const all = await wayfinder('list');
    expect(all, all.stderr).toMatchObject({ code: 0 });
    const lines = all.stdout.trim().split('\n');
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual([ids.ledger, ids.database, ids.billing, ids.rejected]);
    expect(lineOf(all.stdout, ids.database)).toMatch(
      new RegExp(`^${ids.database}  awaiting approval  Postgres database  by Ada Lovelace  \\d{4}-\\d\\d-\\d\\dT`),
    );
    expect(lineOf(all.stdout, ids.billing)).toMatch(/ approved +New service +by Ada Lovelace /);
    expect(lineOf(all.stdout, ids.rejected)).toMatch(/ rejected +Postgres database +by alan /);
    expect(all.stdout).not.toContain('user:default/');

    const show = await wayfinder('show', ids.rejected);
    expect(show, show.stderr).toMatchObject({ code: 0 });
    expect(show.stdout).toContain('Requested by: alan at ');
    expect(show.stdout).toContain('Approvers:    Platform Team (group:default/platform)');
    expect(show.stdout).toContain('Decision:     Rejected by Grace Hopper: Use staging.');
    expect(show.stdout).toMatch(/\n {2}\S+ {2}requested by alan\n {2}\S+ {2}rejected by Grace Hopper: Use staging\n?$/);
  });

  it('works the approved requests to their end, says which failed, and shows where one stopped and why', async () => {
    // The token may not write into the new billing repository: creating its first blob is refused once.
    github.failWith({ path: /^\/repos\/acme\/billing\/git\/blobs$/, method: 'POST', status: 403, times: 1 });
    const work = await wayfinder('work');
    expect(work.code, work.stderr).toBe(1);
    expect(lineOf(work.stdout, ids.billing)).toMatch(/ failed +New service /);
    expect(lineOf(work.stdout, ids.ledger)).toMatch(/ succeeded +New service /);
    expect(work.stdout).not.toContain(ids.database);
    expect(work.stderr.trim()).toBe(
      '1 request did not succeed; wayfinder requests show <id> says why, and wayfinder requests retry <id> runs a failed one again.',
    );
    expect(github.createdRepos).toEqual(expect.arrayContaining(['acme/billing', 'acme/ledger']));
    expect(github.createdRepos).toHaveLength(2);

    const show = await wayfinder('show', ids.billing);
    expect(show, show.stderr).toMatchObject({ code: 0 });
    const text = show.stdout;
    expect(text).toContain(`${ids.billing}: New service (template:default/new-service)`);
    expect(text).toContain('State:        failed');
    expect(text).toContain('Requested by: Ada Lovelace at ');
    expect(text).toMatch(/Error: +Step .*publish.* failed: .*403/);
    expect(text).toContain('  name: "billing"');
    expect(text).toMatch(/ {2}fetch \(fetch:template\): succeeded, 1 attempt\n/);
    expect(text).toMatch(/ {2}publish \(publish:github\): failed, 1 attempt\n(?: {4}\| .*\n)* {4}✕ .*403/);
    expect(text).toMatch(/ {2}register \(catalog:register\): pending, 0 attempts\n/);
    const audit = text.slice(text.indexOf('Audit log:'));
    expect(audit).toMatch(/\n {2}\S+ {2}requested by Ada Lovelace\n {2}\S+ {2}failed: publish: .*403/);
  });

  it('retries a failed request from the step that failed, reusing the repository it created', async () => {
    const retry = await wayfinder('retry', ids.billing);
    expect(retry, retry.stderr).toMatchObject({ code: 0 });
    expect(retry.stdout).toContain('State:        succeeded');
    // The fetch is not run again as a step; publish runs a second time and finds the repository it made.
    expect(retry.stdout).toMatch(/ {2}fetch \(fetch:template\): succeeded, 1 attempt\n/);
    expect(retry.stdout).toMatch(/ {2}publish \(publish:github\): succeeded, 2 attempts\n/);
    expect(retry.stdout).toMatch(/ {2}register \(catalog:register\): succeeded, 1 attempt\n/);
    expect(retry.stdout).toMatch(/ {2}\S+ {2}retried by the console\n {2}\S+ {2}succeeded/);
    expect(github.createdRepos.filter((repo) => repo === 'acme/billing')).toHaveLength(1);
    expect(Object.keys(github.filesOf({ repo: 'acme/billing' }) ?? {})).toContain('catalog-info.yaml');
  });

  it('cancels a request awaiting approval with a reason, and refuses to cancel one that succeeded, saying why', async () => {
    const cancel = await wayfinder('cancel', ids.database, '--reason', 'Ordered twice');
    expect(cancel, cancel.stderr).toMatchObject({ code: 0 });
    expect(cancel.stdout.trim()).toBe(`Cancelled ${ids.database} (Postgres database).`);

    const refused = await wayfinder('cancel', ids.billing);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(`Request ${ids.billing} cannot be cancelled: it has already succeeded.`);

    const show = await wayfinder('show', ids.database);
    expect(show.stdout).toContain('State:        cancelled');
    expect(show.stdout).toMatch(/\n {2}\S+ {2}cancelled by the console: Ordered twice\n?$/);
  });

  it('lists only the requests in the state asked for, and works an empty queue without error', async () => {
    const succeeded = await wayfinder('list', '--state', 'succeeded');
    expect(succeeded, succeeded.stderr).toMatchObject({ code: 0 });
    expect(
      succeeded.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/)[0]),
    ).toEqual([ids.ledger, ids.billing]);

    const idle = await wayfinder('work');
    expect(idle, idle.stderr).toMatchObject({ code: 0 });
    expect(idle.stdout.trim()).toBe('No request was waiting to run: nothing approved, nothing left running.');
  });
});
