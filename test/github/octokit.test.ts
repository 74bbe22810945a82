import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/core/errors.ts';
import { InMemoryConditionalCache } from '../../src/github/InMemoryConditionalCache.ts';
import { OctokitGitHubGateway } from '../../src/github/OctokitGitHubGateway.ts';
import { type CreateOctokitOptions, createOctokit } from '../../src/github/octokit.ts';
import type { Logger } from '../../src/logger.ts';
import { type FakeGitHubApi, type FakeGitHubApiOptions, startFakeGitHubApi } from '../fakes/github-api.ts';

const APP_ID = 4242;
const INSTALLATION_ID = 77;
// GitHub hands out PKCS#1 keys ("BEGIN RSA PRIVATE KEY").
const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

let fake: FakeGitHubApi | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const lines: string[] = [];
const logger: Logger = {
  debug: (message) => lines.push(message),
  info: (message) => lines.push(message),
  warn: (message) => lines.push(message),
  error: (message) => lines.push(message),
};

async function start(options: FakeGitHubApiOptions = {}): Promise<FakeGitHubApi> {
  fake = await startFakeGitHubApi(options);
  fake.addRepos({ fullName: 'acme/payments-api', files: { 'catalog-info.yaml': 'kind: Component' } });
  return fake;
}

function appClient(github: FakeGitHubApi, options: Partial<CreateOctokitOptions> = {}) {
  return createOctokit({
    auth: { appId: APP_ID, privateKey, installationId: INSTALLATION_ID },
    logger,
    apiUrl: github.url,
    ...options,
  });
}

function gatewayOf(octokit: ReturnType<typeof createOctokit>) {
  return new OctokitGitHubGateway({ octokit, cache: new InMemoryConditionalCache() });
}

describe('createOctokit', () => {
  it('sends the token on every request', async () => {
    const github = await start({ token: 'ghp_secret' });
    const octokit = createOctokit({ auth: { token: 'ghp_secret' }, logger, apiUrl: `${github.url}/` });

    const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'payments-api' });

    expect(data.full_name).toBe('acme/payments-api');
    expect(github.log).toEqual([expect.objectContaining({ path: '/repos/acme/payments-api', auth: 'token' })]);
  });

  it('pages through a whole listing with paginate, and reads the rate limit without spending it', async () => {
    const github = await start({ perPage: 2 });
    github.addRepos({ fullName: 'acme/b' }, { fullName: 'acme/c' });
    const octokit = createOctokit({ auth: { token: 'ghp_1' }, logger, apiUrl: github.url });

    const repos = await octokit.paginate('GET /orgs/{org}/repos', { org: 'acme', per_page: 100 });
    const before = github.rateLimitRemaining;
    const { data } = await octokit.request('GET /rate_limit');

    expect(repos.map((repo) => repo.name).sort()).toEqual(['b', 'c', 'payments-api']);
    expect(github.requestsTo('/orgs/acme/repos')).toBe(2);
    expect(data.resources.core.remaining).toBe(before);
    expect(github.rateLimitRemaining).toBe(before);
  });

  it('signs in as a GitHub App installation with a token it gets for a JWT, and reuses it while it is fresh', async () => {
    const github = await start({ app: { appId: APP_ID, publicKey, installationId: INSTALLATION_ID } });
    const gateway = gatewayOf(appClient(github));

    await gateway.getRepository({ fullName: 'acme/payments-api' });
    await gateway.readFile({ repo: 'acme/payments-api', path: 'catalog-info.yaml', ref: 'main' });

    expect(github.installationTokens).toHaveLength(1);
    expect(github.log.map((request) => [request.method, request.path, request.auth, request.status])).toEqual([
      ['POST', `/app/installations/${INSTALLATION_ID}/access_tokens`, 'jwt', 201],
      ['GET', '/repos/acme/payments-api', 'token', 200],
      ['GET', '/repos/acme/payments-api/contents/catalog-info.yaml', 'token', 200],
    ]);
    expect(lines.join('\n')).not.toContain(github.installationTokens[0]);
  });

  it('gets a new installation token once the fake has expired the one it holds', async () => {
    const github = await start({
      app: { appId: APP_ID, publicKey, installationId: INSTALLATION_ID, tokenLifetimeSeconds: 1 },
    });
    const gateway = gatewayOf(appClient(github, { tokenRefreshMarginMs: 0 }));
    await gateway.getRepository({ fullName: 'acme/payments-api' });

    // Wait past the first token's expires_at: from then on the fake refuses it.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const repo = await gateway.getRepository({ fullName: 'acme/payments-api' });

    expect(repo?.fullName).toBe('acme/payments-api');
    expect(github.installationTokens).toHaveLength(2);
    expect(github.log.filter((request) => request.status === 401)).toEqual([]);
  });

  it('renews an installation token ahead of the expires_at GitHub gave it', async () => {
    const github = await start({
      app: { appId: APP_ID, publicKey, installationId: INSTALLATION_ID, tokenLifetimeSeconds: 120 },
    });
    // The default margin is five minutes, so a token that expires in two is renewed before use.
    const gateway = gatewayOf(appClient(github));

    await gateway.getRepository({ fullName: 'acme/payments-api' });
    await gateway.getRepository({ fullName: 'acme/payments-api' });

    expect(github.installationTokens).toHaveLength(2);
  });

  it('is refused when the App key does not match the one GitHub holds', async () => {
    const github = await start({ app: { appId: APP_ID, publicKey, installationId: INSTALLATION_ID } });
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const octokit = createOctokit({
      auth: { appId: APP_ID, privateKey: other.privateKey, installationId: INSTALLATION_ID },
      logger,
      apiUrl: github.url,
    });

    await expect(gatewayOf(octokit).getRepository({ fullName: 'acme/payments-api' })).rejects.toBeInstanceOf(
      UpstreamError,
    );
    expect(github.installationTokens).toEqual([]);
  });

  it('retries a 5xx until GitHub recovers, and does not retry a 404', async () => {
    const github = await start();
    github.failWith({ path: '/repos/acme/payments-api', status: 502, times: 2 });
    const octokit = createOctokit({ auth: { token: 'ghp_1' }, logger, apiUrl: github.url, retryBaseDelayMs: 1 });

    const { status } = await octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'payments-api' });
    await expect(
      octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'nothing' }),
    ).rejects.toMatchObject({ status: 404 });

    expect(status).toBe(200);
    expect(github.requestsTo('/repos/acme/payments-api')).toBe(3);
    expect(github.requestsTo('/repos/acme/nothing')).toBe(1);
  });

  it('waits out a secondary rate limit on each attempt up to its bound, then gives up', async () => {
    const github = await start();
    github.secondaryRateLimit({ path: '/repos/acme/payments-api', times: 3, retryAfterSeconds: 0.01 });
    const octokit = createOctokit({ auth: { token: 'ghp_1' }, logger, apiUrl: github.url, rateLimitRetries: 2 });

    await expect(
      octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'payments-api' }),
    ).rejects.toMatchObject({ status: 403 });

    expect(github.requestsTo('/repos/acme/payments-api')).toBe(3);
  });
});
