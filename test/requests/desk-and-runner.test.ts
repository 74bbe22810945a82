import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/requests/types.ts';
import type { Database } from '../../src/db/client.ts';
import type { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { formatRequest } from '../../src/requests/format.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';
import { openTestDatabase } from '../helpers/database.ts';
import {
  createRequestTestbed,
  newServiceValues,
  type RequestTestbed,
  SHIPPED_TEMPLATES,
  SLACK_IDS,
  seedRequestCatalog,
} from '../helpers/requests.ts';

const ada: Actor = { platform: 'slack', id: SLACK_IDS.ada, userRef: 'user:default/ada' };
const grace: Actor = { platform: 'slack', id: SLACK_IDS.grace, userRef: 'user:default/grace' };
const alan: Actor = { platform: 'slack', id: SLACK_IDS.alan, userRef: 'user:default/alan' };
const katherine: Actor = { platform: 'slack', id: SLACK_IDS.katherine, userRef: 'user:default/katherine' };
const stranger: Actor = { platform: 'slack', id: 'U0NOBODY' };

let database: Database;
let catalog: DrizzleCatalogStore;
let bed: RequestTestbed;

beforeAll(async () => {
  database = await openTestDatabase();
  catalog = await seedRequestCatalog(database);
  bed = await createRequestTestbed({ database, catalog });
});
afterAll(() => database.close());

describe('requests that need no approval', () => {
  it('runs every step with the real engine, stores each step, skips a step whose if is false, and ends with the output', async () => {
    const request = await bed.system.desk.submit({
      templateRef: 'hello',
      values: { name: 'ada', loud: false },
      requester: ada,
    });
    expect(request.state).toBe('approved');
    await bed.system.runner.drain();
    const done = await bed.system.desk.get({ id: request.id });
    expect(done.state).toBe('succeeded');
    expect(done.steps.map((step) => [step.id, step.status, step.attempts])).toEqual([
      ['greet', 'succeeded', 1],
      ['fetch', 'succeeded', 1],
      ['shout', 'skipped', 1],
    ]);
    expect(done.steps[0]?.log.join('\n')).toContain('Hello ada');
    expect(done.output?.text).toEqual([{ title: 'Done', content: 'Greeted ada.' }]);
    const audit = await bed.system.desk.audit({ id: request.id });
    expect(audit.map((entry) => [entry.action, entry.actor?.userRef])).toEqual([
      ['requested', 'user:default/ada'],
      ['succeeded', undefined],
    ]);
  });
});

describe('approvals decided from catalog ownership', () => {
  const submitGated = (requester: Actor) =>
    bed.system.desk.submit({ templateRef: 'gated', values: { environment: 'production' }, requester });

  it('needs no approval when approval-if is false', async () => {
    const request = await bed.system.desk.submit({
      templateRef: 'gated',
      values: { environment: 'staging' },
      requester: alan,
    });
    expect(request.state).toBe('approved');
    expect(request.approvers).toBeUndefined();
  });

  it("refuses a non-member's approval, naming the approver group and the person by their catalog names", async () => {
    const request = await submitGated(ada);
    expect(request.state).toBe('awaiting-approval');
    await expect(bed.system.desk.decide({ id: request.id, actor: katherine, approve: true })).rejects.toThrow(
      `Only members of Platform Team (or its sub-teams) can decide on request ${request.id}; Katherine Johnson is not one.`,
    );
    // A User with neither display name nor title is called by the name in their ref.
    await expect(bed.system.desk.decide({ id: request.id, actor: alan, approve: false })).rejects.toThrow(
      `Only members of Platform Team (or its sub-teams) can decide on request ${request.id}; alan is not one.`,
    );
    expect((await bed.system.desk.get({ id: request.id })).state).toBe('awaiting-approval');
  });

  it('refuses self-approval, and lets a member of a sub-team approve', async () => {
    const request = await submitGated(ada);
    await expect(bed.system.desk.decide({ id: request.id, actor: ada, approve: true })).rejects.toThrow(
      `You asked for request ${request.id} yourself, and Gated does not allow approving your own request (wayfinder.dev/allow-self-approval). Another member of Platform Team must decide.`,
    );
    const approved = await bed.system.desk.decide({ id: request.id, actor: grace, approve: true });
    expect(approved.state).toBe('approved');
    expect(approved.decidedBy?.userRef).toBe('user:default/grace');
    await bed.system.runner.drain();
    expect((await bed.system.desk.get({ id: request.id })).state).toBe('succeeded');
    const audit = await bed.system.desk.audit({ id: request.id });
    expect(audit.map((entry) => [entry.action, entry.actor?.userRef])).toEqual([
      ['requested', 'user:default/ada'],
      ['approved', 'user:default/grace'],
      ['succeeded', undefined],
    ]);
  });

  it('allows self-approval when the template says so', async () => {
    const request = await bed.system.desk.submit({ templateRef: 'selfish', values: {}, requester: ada });
    expect((await bed.system.desk.decide({ id: request.id, actor: ada, approve: true })).state).toBe('approved');
  });

  it('refuses a Slack user Wayfinder cannot match to a catalog User', async () => {
    const request = await submitGated(alan);
    await expect(bed.system.desk.decide({ id: request.id, actor: stranger, approve: true })).rejects.toThrow(
      /^Wayfinder does not know who you are in the catalog/,
    );
  });

  it('records a rejection with its reason, and refuses a second decision saying who decided', async () => {
    const request = await submitGated(alan);
    const rejected = await bed.system.desk.decide({
      id: request.id,
      actor: ada,
      approve: false,
      reason: 'Use the shared cluster',
    });
    expect([rejected.state, rejected.reason]).toEqual(['rejected', 'Use the shared cluster']);
    await expect(bed.system.desk.decide({ id: request.id, actor: grace, approve: true })).rejects.toThrow(
      `Request ${request.id} cannot be approved: it is rejected by Ada Lovelace.`,
    );
    const audit = await bed.system.desk.audit({ id: request.id });
    expect(audit.at(-1)).toMatchObject({ action: 'rejected', detail: 'Use the shared cluster' });
  });

  it('lets the requester cancel, and refuses a stranger', async () => {
    const request = await submitGated(alan);
    await expect(bed.system.desk.cancel({ id: request.id, actor: stranger })).rejects.toThrow(
      `Only the requester or a member of Platform Team can cancel request ${request.id}.`,
    );
    expect((await bed.system.desk.cancel({ id: request.id, actor: alan })).state).toBe('cancelled');
    expect((await bed.system.desk.audit({ id: request.id })).map((entry) => entry.action)).toEqual([
      'requested',
      'cancelled',
    ]);
  });
});

describe('runs against GitHub', () => {
  let github: FakeGitHubApi;
  let shipped: RequestTestbed;

  beforeAll(async () => {
    github = await startFakeGitHubApi();
    shipped = await createRequestTestbed({ database, catalog, templatesDir: SHIPPED_TEMPLATES, github });
  });
  afterAll(() => github.close());

  it('fails on a GitHub outage after its retries, and Retry resumes at the failed step without creating anything twice', async () => {
    // The first try and the runner's 3 retries of the step all meet the outage.
    github.failWith({ path: /\/git\/trees$/, method: 'POST', status: 502, times: 4 });
    const request = await shipped.system.desk.submit({
      templateRef: 'new-service',
      values: newServiceValues('billing'),
      requester: ada,
    });
    await shipped.system.runner.drain();
    const failed = await shipped.system.desk.get({ id: request.id });
    expect(failed.state).toBe('failed');
    expect(failed.steps.map((step) => [step.id, step.status])).toEqual([
      ['fetch', 'succeeded'],
      ['publish', 'failed'],
      ['register', 'pending'],
    ]);
    // Said once, with every try counted: the first and the runner's 3 retries.
    expect(failed.error).toMatch(/^Step "Create the repository" \(publish:github\) failed after 4 attempts: GitHub /);
    expect(failed.error?.match(/Create the repository/g)).toHaveLength(1);
    expect(failed.steps[1]?.attempts).toBe(4);

    await expect(shipped.system.desk.retry({ id: request.id, actor: stranger })).rejects.toThrow(
      `Only the requester can retry request ${request.id}.`,
    );
    await shipped.system.desk.retry({ id: request.id, actor: ada });
    await shipped.system.runner.drain();
    const done = await shipped.system.desk.get({ id: request.id });
    expect(done.state).toBe('succeeded');
    expect(done.steps.map((step) => [step.id, step.status, step.attempts])).toEqual([
      ['fetch', 'succeeded', 1],
      ['publish', 'succeeded', 5],
      ['register', 'succeeded', 1],
    ]);
    expect(github.createdRepos).toEqual(['acme/billing']);
    expect(done.output?.links).toContainEqual({ title: 'Repository', url: expect.stringContaining('acme/billing') });
    expect((await shipped.system.desk.audit({ id: request.id })).map((entry) => entry.action)).toEqual([
      'requested',
      'failed',
      'retried',
      'succeeded',
    ]);
  });

  it("counts the GitHub client's own retries in a failure as tries of the failing calls, and requests show labels each figure", async () => {
    // The client sends each call 3 times (2 retries of a 5xx) and the runner tries the step twice: 6 requests.
    const retrying = await createRequestTestbed({
      database,
      catalog,
      templatesDir: SHIPPED_TEMPLATES,
      github,
      githubRetries: 2,
      runner: { retries: 1 },
    });
    const trees = /^\/repos\/acme\/invoices\/git\/trees$/;
    github.failWith({ path: trees, method: 'POST', status: 502, times: 6 });
    const request = await retrying.system.desk.submit({
      templateRef: 'new-service',
      values: newServiceValues('invoices'),
      requester: ada,
    });
    await retrying.system.runner.drain();
    const failed = await retrying.system.desk.get({ id: request.id });
    expect(github.log.filter((entry) => entry.method === 'POST' && trees.test(entry.path))).toHaveLength(6);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(
      /^Step "Create the repository" \(publish:github\) failed after 2 attempts \(6 tries of the GitHub calls that failed\): GitHub did not answer .*\(502: .*\) after 3 tries$/,
    );
    expect(failed.steps[1]?.attempts).toBe(2);
    expect(failed.steps[1]?.error).toMatch(/ after 3 tries$/);
    // The step sent more than those 6 requests (it read the repository and wrote its files first), so no figure
    // may be read as every request the step sent.
    expect(github.log.filter((entry) => entry.path.startsWith('/repos/acme/invoices')).length).toBeGreaterThan(6);

    // What `wayfinder requests show` prints: the step's attempts as attempts, the failing calls' tries as tries.
    const shown = formatRequest(failed, await retrying.system.desk.audit({ id: request.id }));
    expect(shown).toMatch(
      /\nError: {8}Step "Create the repository" \(publish:github\) failed after 2 attempts \(6 tries of the GitHub calls that failed\): GitHub did not answer .* after 3 tries\n/,
    );
    expect(shown).toMatch(
      /\n {2}publish \(publish:github\): failed, 2 attempts\n(?: {4}\| .*\n)* {4}✕ GitHub did not answer .*\(502: .*\) after 3 tries\n/,
    );
    expect(shown).not.toContain('requests to GitHub');
  });

  it('dispatches the workflow once when GitHub took the dispatch but its answer was lost, and the request is retried', async () => {
    const once = await createRequestTestbed({
      database,
      catalog,
      templatesDir: SHIPPED_TEMPLATES,
      github,
      runner: { retries: 0 },
    });
    github.addRepos({
      fullName: 'acme/infrastructure',
      files: { 'README.md': '# Infrastructure', '.github/workflows/plan.yml': 'on: workflow_dispatch' },
    });
    github.failWith({
      path: /\/actions\/workflows\/plan\.yml\/dispatches$/,
      method: 'POST',
      status: 502,
      times: 1,
      afterHandling: true,
    });
    const before = github.dispatches.length;
    const request = await once.system.desk.submit({
      templateRef: 'storage-bucket',
      values: { name: 'assets', owner: 'group:default/payments', environment: 'staging', region: 'us-east-1' },
      requester: ada,
    });
    await once.system.runner.drain();
    const failed = await once.system.desk.get({ id: request.id });
    expect(failed.state).toBe('failed');
    expect(failed.steps.map((step) => [step.id, step.status])).toEqual([
      ['terraform', 'succeeded'],
      ['pull-request', 'succeeded'],
      ['plan', 'failed'],
    ]);
    expect(github.dispatches.length - before).toBe(1);

    // Another process (the failed run's is gone) retries: the step finds the run its dispatch started.
    const elsewhere = await createRequestTestbed({ database, catalog, templatesDir: SHIPPED_TEMPLATES, github });
    await elsewhere.system.desk.retry({ id: request.id, actor: ada });
    await elsewhere.system.runner.drain();
    const done = await elsewhere.system.desk.get({ id: request.id });
    expect(done.state).toBe('succeeded');
    expect(github.dispatches.length - before).toBe(1);
    expect(done.steps[2]?.log).toContainEqual(
      expect.stringMatching(/^Found run \d+ of plan\.yml .*not dispatched again$/),
    );
  });
});
