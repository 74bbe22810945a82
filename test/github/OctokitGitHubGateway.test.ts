import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { GitHubUnavailableError, NotFoundError, UpstreamError } from '../../src/core/errors.ts';
import { InMemoryConditionalCache } from '../../src/github/InMemoryConditionalCache.ts';
import { OctokitGitHubGateway } from '../../src/github/OctokitGitHubGateway.ts';
import { type CreateOctokitOptions, createOctokit } from '../../src/github/octokit.ts';
import type { Logger } from '../../src/logger.ts';
import { type FakeGitHubApi, type FakeGitHubApiOptions, startFakeGitHubApi } from '../fakes/github-api.ts';

let fake: FakeGitHubApi | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setUp(
  fakeOptions: FakeGitHubApiOptions = {},
  clientOptions: Partial<CreateOctokitOptions> = {},
  pageSize = 2,
  gatewayOptions: { now?: () => Date } = {},
): Promise<{ github: FakeGitHubApi; gateway: OctokitGitHubGateway; warnings: string[] }> {
  const github = await startFakeGitHubApi(fakeOptions);
  fake = github;
  const warnings: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (message) => warnings.push(message), error() {} };
  const octokit = createOctokit({
    auth: { token: 'ghp_test' },
    logger,
    apiUrl: github.url,
    retryBaseDelayMs: 1,
    // The throttling plugin spaces GraphQL queries as writes, 1 s apart against GitHub; the fake needs no spacing.
    writeIntervalMs: 0,
    ...clientOptions,
  });
  return {
    github,
    gateway: new OctokitGitHubGateway({ octokit, cache: new InMemoryConditionalCache(), pageSize, ...gatewayOptions }),
    warnings,
  };
}

describe('OctokitGitHubGateway repositories', () => {
  it('lists every repository of an organisation across pages, with what the catalog needs of each', async () => {
    const { github, gateway } = await setUp();
    github.addRepos(
      { fullName: 'acme/payments-api', topics: ['wayfinder'] },
      { fullName: 'acme/legacy', archived: true, defaultBranch: 'master' },
      { fullName: 'acme/forked-lib', fork: true },
      { fullName: 'acme/web', files: { 'catalog-info.yaml': 'kind: Component' } },
      { fullName: 'acme/infra' },
      { fullName: 'other/elsewhere' },
    );

    const listing = await gateway.listRepositories({ org: 'acme' });

    expect(listing.changed).toBe(true);
    expect(listing.value.map((repo) => repo.fullName)).toEqual([
      'acme/payments-api',
      'acme/legacy',
      'acme/forked-lib',
      'acme/web',
      'acme/infra',
    ]);
    expect(listing.value[0]).toEqual({
      fullName: 'acme/payments-api',
      owner: 'acme',
      name: 'payments-api',
      defaultBranch: 'main',
      htmlUrl: 'https://github.com/acme/payments-api',
      archived: false,
      fork: false,
      private: false,
      topics: ['wayfinder'],
      pushedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect(listing.value[1]).toMatchObject({ archived: true, defaultBranch: 'master' });
    expect(listing.value[2]).toMatchObject({ fork: true });
    expect(github.requestsTo('/orgs/acme/repos')).toBe(3);
  });

  it('re-reads an unchanged listing entirely from 304s, spending no rate limit', async () => {
    const { github, gateway } = await setUp();
    github.addRepos({ fullName: 'acme/a' }, { fullName: 'acme/b' }, { fullName: 'acme/c' });
    const first = await gateway.listRepositories({ org: 'acme' });
    const remaining = github.rateLimitRemaining;
    github.resetLog();

    const second = await gateway.listRepositories({ org: 'acme' });

    expect(second).toEqual({ value: first.value, changed: false });
    expect(
      github.log.map((request) => [/[?&](page=\d+)/.exec(request.query)?.[1] ?? 'page=1', request.status]),
    ).toEqual([
      ['page=1', 304],
      ['page=2', 304],
    ]);
    expect(github.rateLimitRemaining).toBe(remaining);
    expect(gateway.stats()).toMatchObject({ requests: 4, notModified: 2, rateLimitRemaining: remaining });
  });

  it('fetches only the pages that changed and reports the listing changed', async () => {
    const { github, gateway } = await setUp();
    github.addRepos({ fullName: 'acme/a' }, { fullName: 'acme/b' }, { fullName: 'acme/c' });
    await gateway.listRepositories({ org: 'acme' });
    github.archiveRepo({ fullName: 'acme/c' });
    github.resetLog();

    const listing = await gateway.listRepositories({ org: 'acme' });

    expect(listing.changed).toBe(true);
    expect(listing.value.find((repo) => repo.name === 'c')?.archived).toBe(true);
    expect(github.log.map((request) => request.status)).toEqual([304, 200]);
  });

  it('finds a repository added after a full last page, although the unchanged pages point to no next page', async () => {
    const { github, gateway } = await setUp();
    github.addRepos({ fullName: 'acme/a' }, { fullName: 'acme/b' });
    await gateway.listRepositories({ org: 'acme' });
    github.addRepos({ fullName: 'acme/c' });

    const listing = await gateway.listRepositories({ org: 'acme' });

    expect(listing.changed).toBe(true);
    expect(listing.value.map((repo) => repo.name)).toEqual(['a', 'b', 'c']);
  });

  it('keeps an unchanged listing whose last page is full unchanged, after one look past its end', async () => {
    const { github, gateway } = await setUp();
    github.addRepos({ fullName: 'acme/a' }, { fullName: 'acme/b' }, { fullName: 'acme/c' }, { fullName: 'acme/d' });
    await gateway.listRepositories({ org: 'acme' });

    const second = await gateway.listRepositories({ org: 'acme' });
    const third = await gateway.listRepositories({ org: 'acme' });

    expect(second.changed).toBe(false);
    expect(third.changed).toBe(false);
    expect(third.value).toHaveLength(4);
    expect(github.log.slice(-3).map((request) => request.status)).toEqual([304, 304, 304]);
  });

  it('finds a renamed or transferred repository under its old name, with its new name, and not a deleted one', async () => {
    const { github, gateway } = await setUp();
    github.addRepos({ fullName: 'acme/payments' }, { fullName: 'acme/billing' }, { fullName: 'acme/gone' });
    github.renameRepo({ fullName: 'acme/payments', name: 'payments-api' });
    github.transferRepo({ fullName: 'acme/billing', owner: 'acme-finance' });
    github.deleteRepo({ fullName: 'acme/gone' });

    expect((await gateway.getRepository({ fullName: 'acme/payments' }))?.fullName).toBe('acme/payments-api');
    expect((await gateway.getRepository({ fullName: 'acme/billing' }))?.fullName).toBe('acme-finance/billing');
    expect(await gateway.getRepository({ fullName: 'acme/gone' })).toBeUndefined();
    expect(await gateway.getRepository({ fullName: 'acme/never-was' })).toBeUndefined();
  });

  it('refuses to list an organisation that does not exist', async () => {
    const { gateway } = await setUp();
    await expect(gateway.listRepositories({ org: 'nobody' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('OctokitGitHubGateway files', () => {
  it('reads a file at a ref, decoded, with its blob sha and link, and re-reads it from a 304', async () => {
    const { github, gateway } = await setUp();
    const text = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments-api — ✓\n';
    github.addRepos({ fullName: 'acme/payments-api', files: { 'catalog-info.yaml': text } });

    const first = await gateway.readFile({ repo: 'acme/payments-api', path: 'catalog-info.yaml', ref: 'main' });
    const second = await gateway.readFile({ repo: 'acme/payments-api', path: 'catalog-info.yaml', ref: 'main' });

    const blob = Buffer.from(text);
    const sha = createHash('sha1')
      .update(Buffer.concat([Buffer.from(`blob ${blob.length}\0`), blob]))
      .digest('hex');
    expect(first).toEqual({
      changed: true,
      value: {
        repo: 'acme/payments-api',
        path: 'catalog-info.yaml',
        ref: 'main',
        text,
        sha,
        htmlUrl: 'https://github.com/acme/payments-api/blob/main/catalog-info.yaml',
      },
    });
    expect(second).toEqual({ changed: false, value: 'value' in first ? first.value : undefined });
  });

  it('sees a changed file as changed, and reads a nested path and an older commit', async () => {
    const { github, gateway } = await setUp();
    github.addRepos({ fullName: 'acme/web' });
    const before = github.setFile({ repo: 'acme/web', path: '.backstage/catalog-info.yaml', text: 'old' });
    await gateway.readFile({ repo: 'acme/web', path: '.backstage/catalog-info.yaml', ref: 'main' });
    github.setFile({ repo: 'acme/web', path: '.backstage/catalog-info.yaml', text: 'new' });

    const changed = await gateway.readFile({ repo: 'acme/web', path: '.backstage/catalog-info.yaml', ref: 'main' });
    const old = await gateway.readFile({ repo: 'acme/web', path: '.backstage/catalog-info.yaml', ref: before });

    expect(changed).toMatchObject({ changed: true, value: { text: 'new' } });
    expect(old).toMatchObject({ changed: true, value: { text: 'old', ref: before } });
  });

  it('says a file is missing when the path, the ref or the repository does not exist, or the path is a directory', async () => {
    const { github, gateway } = await setUp();
    github.addRepos({ fullName: 'acme/web', files: { 'docs/index.md': '# Web' } });

    const read = (repo: string, path: string, ref = 'main') => gateway.readFile({ repo, path, ref });
    expect(await read('acme/web', 'catalog-info.yaml')).toEqual({ missing: true });
    expect(await read('acme/web', 'docs/index.md', 'no-such-branch')).toEqual({ missing: true });
    expect(await read('acme/nothing', 'catalog-info.yaml')).toEqual({ missing: true });
    expect(await read('acme/web', 'docs')).toEqual({ missing: true });
  });
});

describe('OctokitGitHubGateway teams and users', () => {
  it('lists teams with their parents, their members, and users with their public email', async () => {
    const { github, gateway } = await setUp({}, {}, 1);
    github.addUsers({ login: 'ada', name: 'Ada Lovelace', email: 'ada@acme.example' }, { login: 'grace' });
    github.addTeams({
      org: 'acme',
      teams: [
        { slug: 'platform', name: 'Platform', description: 'Paved roads', members: ['ada'] },
        { slug: 'payments', name: 'Payments', parent: 'platform', members: ['grace'] },
      ],
    });

    const teams = await gateway.listTeams({ org: 'acme' });
    const members = await gateway.listTeamMembers({ org: 'acme', teamSlug: 'platform' });
    const ada = await gateway.getUser({ login: 'ada' });
    const grace = await gateway.getUser({ login: 'grace' });

    expect(teams.value).toEqual([
      {
        slug: 'payments',
        name: 'Payments',
        description: null,
        parentSlug: 'platform',
        htmlUrl: 'https://github.com/orgs/acme/teams/payments',
      },
      {
        slug: 'platform',
        name: 'Platform',
        description: 'Paved roads',
        parentSlug: null,
        htmlUrl: 'https://github.com/orgs/acme/teams/platform',
      },
    ]);
    // GitHub lists the child team's members too.
    expect(members).toEqual({ value: ['ada', 'grace'], changed: true });
    expect(ada?.value).toEqual({
      login: 'ada',
      name: 'Ada Lovelace',
      email: 'ada@acme.example',
      htmlUrl: 'https://github.com/ada',
      avatarUrl: expect.stringMatching(/^https:\/\/avatars\.githubusercontent\.com\//),
    });
    expect(grace?.value).toMatchObject({ name: null, email: null });
  });

  it('re-reads unchanged teams, members and users from 304s', async () => {
    const { github, gateway } = await setUp();
    github.addTeams({ org: 'acme', teams: [{ slug: 'platform', members: ['ada'] }] });
    await gateway.listTeams({ org: 'acme' });
    await gateway.listTeamMembers({ org: 'acme', teamSlug: 'platform' });
    await gateway.getUser({ login: 'ada' });

    expect((await gateway.listTeams({ org: 'acme' })).changed).toBe(false);
    expect((await gateway.listTeamMembers({ org: 'acme', teamSlug: 'platform' })).changed).toBe(false);
    expect((await gateway.getUser({ login: 'ada' }))?.changed).toBe(false);
    github.addTeamMembers({ org: 'acme', teamSlug: 'platform', logins: ['grace'] });
    expect(await gateway.listTeamMembers({ org: 'acme', teamSlug: 'platform' })).toEqual({
      value: ['ada', 'grace'],
      changed: true,
    });
  });

  it('answers undefined for an account that does not exist and refuses a team that does not', async () => {
    const { github, gateway } = await setUp();
    github.addTeams({ org: 'acme', teams: [{ slug: 'platform' }] });

    expect(await gateway.getUser({ login: 'nobody' })).toBeUndefined();
    await expect(gateway.listTeamMembers({ org: 'acme', teamSlug: 'ghosts' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('OctokitGitHubGateway direct team members', () => {
  it("lists every team's direct members from GraphQL: someone in a parent and its child is in both, someone only in the child only there", async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    // Pages of two teams and two members: the organisation-wide query pages, and a long team is read on alone.
    const { github, gateway } = await setUp({}, {}, 2, { now: () => now });
    github.addTeams({
      org: 'acme',
      teams: [
        { slug: 'platform', members: ['ada', 'bob', 'cy'] },
        { slug: 'sre', parent: 'platform', members: ['ada', 'grace'] },
        { slug: 'web', members: ['linus'] },
      ],
    });

    expect(await gateway.listImmediateTeamMembers({ org: 'acme', reread: false })).toEqual({
      value: { platform: ['ada', 'bob', 'cy'], sre: ['ada', 'grace'], web: ['linus'] },
      changed: true,
    });
    // The REST list of the parent has the child's members too.
    expect((await gateway.listTeamMembers({ org: 'acme', teamSlug: 'platform' })).value).toEqual([
      'ada',
      'bob',
      'cy',
      'grace',
    ]);

    // Kept while nothing asks for a re-read and it is less than a day old; GraphQL has no ETags to ask with.
    github.resetLog();
    github.addTeamMembers({ org: 'acme', teamSlug: 'platform', logins: ['grace'] });
    expect(await gateway.listImmediateTeamMembers({ org: 'acme', reread: false })).toMatchObject({ changed: false });
    expect(github.requestsTo('/graphql')).toBe(0);
    expect(await gateway.listImmediateTeamMembers({ org: 'acme', reread: true })).toEqual({
      value: { platform: ['ada', 'bob', 'cy', 'grace'], sre: ['ada', 'grace'], web: ['linus'] },
      changed: true,
    });
    expect(github.requestsTo('/graphql')).toBeGreaterThan(0);

    now = new Date('2030-01-02T00:00:01Z');
    github.resetLog();
    expect(await gateway.listImmediateTeamMembers({ org: 'acme', reread: false })).toMatchObject({ changed: false });
    expect(github.requestsTo('/graphql')).toBeGreaterThan(0);
  });

  it('refuses an organisation that does not exist', async () => {
    const { gateway } = await setUp();
    await expect(gateway.listImmediateTeamMembers({ org: 'ghosts', reread: true })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('OctokitGitHubGateway organisation-verified emails', () => {
  it("gives a user's organisation-verified email over the public one, and the public one when there is none", async () => {
    const { github, gateway } = await setUp();
    github.addUsers(
      {
        login: 'ada',
        email: 'ada@personal.example',
        verifiedEmails: { acme: ['ada@acme.example', 'ada.lovelace@acme.example'], other: ['ada@other.example'] },
      },
      { login: 'grace', email: 'grace@personal.example' },
      { login: 'linus' },
    );
    github.addTeams({ org: 'acme', teams: [{ slug: 'platform', members: ['ada', 'grace', 'linus'] }] });

    expect((await gateway.getUser({ login: 'ada', org: 'acme' }))?.value.email).toBe('ada@acme.example');
    expect((await gateway.getUser({ login: 'grace', org: 'acme' }))?.value.email).toBe('grace@personal.example');
    expect((await gateway.getUser({ login: 'linus', org: 'acme' }))?.value.email).toBeNull();
    // One listing of the organisation's members answers for all three.
    expect(github.requestsTo('/graphql')).toBe(1);
    expect(gateway.stats().requests).toBe(4);
    // Without an organisation there is nothing to verify against: the public email, and no GraphQL.
    expect((await gateway.getUser({ login: 'ada' }))?.value.email).toBe('ada@personal.example');
    expect(github.requestsTo('/graphql')).toBe(1);
  });

  it('keeps public emails when GitHub refuses the GraphQL query, warning once and not asking again', async () => {
    const { github, gateway, warnings } = await setUp();
    github.addUsers(
      { login: 'ada', email: 'ada@personal.example', verifiedEmails: { acme: ['ada@acme.example'] } },
      { login: 'grace', email: 'grace@personal.example', verifiedEmails: { acme: ['grace@acme.example'] } },
    );
    github.graphqlForbidden(true);

    const [ada, grace] = await Promise.all([
      gateway.getUser({ login: 'ada', org: 'acme' }),
      gateway.getUser({ login: 'grace', org: 'acme' }),
    ]);
    github.graphqlForbidden(false);
    const again = await gateway.getUser({ login: 'ada', org: 'acme' });

    expect([ada?.value.email, grace?.value.email, again?.value.email]).toEqual([
      'ada@personal.example',
      'grace@personal.example',
      'ada@personal.example',
    ]);
    await gateway.getUser({ login: 'grace', org: 'acme' });
    expect(github.requestsTo('/graphql')).toBe(1);
    expect(warnings).toEqual([expect.stringMatching(/FORBIDDEN.*public profile emails.*Members: read/)]);
    expect(warnings.join('\n')).not.toContain('ghp_test');
  });

  it('asks GraphQL again only for a new member or when its answer is a day old, so unchanged teams re-read with 304s only', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const { github, gateway } = await setUp({}, {}, 100, { now: () => now });
    github.addUsers({ login: 'ada', verifiedEmails: { acme: ['ada@acme.example'] } }, { login: 'grace' });
    github.addTeams({ org: 'acme', teams: [{ slug: 'platform', members: ['ada', 'grace'] }] });
    const readTeams = async () => {
      await gateway.listTeams({ org: 'acme' });
      const members = await gateway.listTeamMembers({ org: 'acme', teamSlug: 'platform' });
      return Promise.all(members.value.map((login) => gateway.getUser({ login, org: 'acme' })));
    };
    await readTeams();

    github.resetLog();
    const unchanged = await readTeams();
    expect(github.requestsTo('/graphql')).toBe(0);
    expect(github.log.every((request) => request.status === 304)).toBe(true);
    expect(unchanged.map((user) => [user?.value.email, user?.changed])).toEqual([
      ['ada@acme.example', false],
      [null, false],
    ]);

    // A verified email changes no profile ETag: it shows once the cached answer is a day old.
    github.addUsers({ login: 'ada', verifiedEmails: { acme: ['lovelace@acme.example'] } });
    now = new Date('2030-01-01T23:00:00Z');
    expect((await gateway.getUser({ login: 'ada', org: 'acme' }))?.value.email).toBe('ada@acme.example');
    now = new Date('2030-01-02T00:00:01Z');
    github.resetLog();
    expect(await gateway.getUser({ login: 'ada', org: 'acme' })).toMatchObject({
      value: { email: 'lovelace@acme.example' },
      changed: true,
    });
    expect(github.requestsTo('/graphql')).toBe(1);

    // A member who joined since the organisation's members were listed is asked about alone, at once.
    github.addUsers({ login: 'linus', verifiedEmails: { acme: ['linus@acme.example'] } });
    github.addTeamMembers({ org: 'acme', teamSlug: 'platform', logins: ['linus'] });
    const users = await readTeams();
    expect(users.map((user) => user?.value.email)).toEqual(['lovelace@acme.example', null, 'linus@acme.example']);
    expect(github.requestsTo('/graphql')).toBe(2);
  });

  it('reports GraphQL failing with a 5xx as GitHub being unavailable', async () => {
    const { github, gateway } = await setUp({}, { retries: 1 });
    github.addUsers({ login: 'ada', verifiedEmails: { acme: ['ada@acme.example'] } });
    github.failWith({ path: '/graphql', method: 'POST', status: 502 });

    await expect(gateway.getUser({ login: 'ada', org: 'acme' })).rejects.toBeInstanceOf(GitHubUnavailableError);
    expect(github.requestsTo('/graphql')).toBe(2);
  });
});

describe('OctokitGitHubGateway when GitHub struggles', () => {
  it('waits out a secondary rate limit as Retry-After asks, then succeeds, warning without secrets', async () => {
    const { github, gateway, warnings } = await setUp();
    github.addRepos({ fullName: 'acme/a' });
    github.secondaryRateLimit({ path: '/orgs/acme/repos', times: 1, retryAfterSeconds: 0.1 });

    const listing = await gateway.listRepositories({ org: 'acme' });

    expect(listing.value.map((repo) => repo.name)).toEqual(['a']);
    expect(github.log.map((request) => request.status)).toEqual([403, 200]);
    expect(warnings).toEqual([expect.stringMatching(/secondary rate limit on GET .*: retrying in 0\.1 s/)]);
    expect(warnings.join('\n')).not.toContain('ghp_test');
  });

  it('turns a persistent 500 into GitHubUnavailableError after the retries, saying how many, while other calls still work', async () => {
    const { github, gateway } = await setUp({}, { retries: 2 });
    github.addRepos(
      { fullName: 'acme/broken', files: { 'catalog-info.yaml': 'a' } },
      { fullName: 'acme/fine', files: { 'catalog-info.yaml': 'b' } },
    );
    github.failWith({ path: '/repos/acme/broken/contents/catalog-info.yaml', status: 500 });

    const broken = gateway.readFile({ repo: 'acme/broken', path: 'catalog-info.yaml', ref: 'main' });

    await expect(broken).rejects.toBeInstanceOf(GitHubUnavailableError);
    await expect(broken).rejects.toMatchObject({ code: 'GITHUB_UNAVAILABLE', cause: expect.anything(), tries: 3 });
    // The message counts every request GitHub received, not the one call.
    await expect(broken).rejects.toThrow(/\(500: .*\) after 3 tries$/);
    expect(github.requestsTo('/repos/acme/broken/contents/catalog-info.yaml')).toBe(3);
    expect(await gateway.readFile({ repo: 'acme/fine', path: 'catalog-info.yaml', ref: 'main' })).toMatchObject({
      value: { text: 'b' },
    });
  });

  it('gives up with GitHubUnavailableError when the rate limit is spent until later than it will wait', async () => {
    const { github, gateway, warnings } = await setUp();
    github.addRepos({ fullName: 'acme/a' });
    github.setRateLimit({ remaining: 0, resetInSeconds: 3600 });

    await expect(gateway.listRepositories({ org: 'acme' })).rejects.toBeInstanceOf(GitHubUnavailableError);
    expect(warnings).toEqual([expect.stringMatching(/^GitHub rate limit on GET .*: giving up/)]);
    expect(gateway.stats().rateLimitRemaining).toBe(0);
  });

  it('treats a request that keeps timing out as GitHub being unavailable', async () => {
    const { github, gateway } = await setUp({ latencyMs: 500 }, { timeoutMs: 20, retries: 1 });
    github.addRepos({ fullName: 'acme/a' });

    await expect(gateway.getRepository({ fullName: 'acme/a' })).rejects.toBeInstanceOf(GitHubUnavailableError);
  });

  it('reports refused credentials as an UpstreamError, not as GitHub being unavailable', async () => {
    const { gateway } = await setUp({ token: 'ghp_other' });

    const listing = gateway.listRepositories({ org: 'acme' });

    await expect(listing).rejects.toBeInstanceOf(UpstreamError);
    await expect(listing).rejects.toThrow(/401: Bad credentials/);
  });

  it('tracks the rate limit GitHub reports', async () => {
    const { github, gateway } = await setUp();
    github.addRepos({ fullName: 'acme/a' });
    github.setRateLimit({ remaining: 42, resetInSeconds: 600 });

    await gateway.getRepository({ fullName: 'acme/a' });

    const stats = gateway.stats();
    expect(stats.rateLimitRemaining).toBe(41);
    expect(stats.rateLimitReset?.getTime()).toBeGreaterThan(Date.now());
  });
});
