import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { packagePath } from '../src/paths.ts';

describe('loadConfig', () => {
  it('runs on the embedded database with the demo and no Slack when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      database: { url: undefined, dataDir: './data' },
      loadDemo: true,
      http: { port: 3000, host: '0.0.0.0', shutdownDelayMs: 5_000, heapGrowthPercent: 50 },
      slack: undefined,
      github: undefined,
      sync: { cron: '*/30 * * * *', orphanGraceMs: 7 * 24 * 60 * 60 * 1000 },
      scorecards: {
        dir: packagePath('scorecards'),
        digestCron: '0 9 * * 1',
        factsCron: '0 */6 * * *',
        postsPerSecond: 1,
      },
      logLevel: 'info',
      templates: { dir: packagePath('templates') },
      docs: { privateRepos: false },
    });
  });

  it('serves Slack over HTTP with a bot token and signing secret, adding the trailing slash to the API URL', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      WAYFINDER_DEMO: 'false',
      PORT: '8080',
    });
    expect(config.slack).toEqual({
      botToken: 'xoxb-1',
      signingSecret: 'secret',
      appToken: undefined,
      apiUrl: 'http://127.0.0.1:9999/api/',
    });
    expect(config.loadDemo).toBe(false);
    expect(config.http.port).toBe(8080);
  });

  it('loads the demo only where nothing inbound is configured, unless WAYFINDER_DEMO says otherwise', () => {
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' };
    const github = { GITHUB_ORG: 'acme', GITHUB_TOKEN: 'ghp_1' };
    expect(loadConfig({}).loadDemo).toBe(true);
    expect(loadConfig(slack).loadDemo).toBe(false);
    expect(loadConfig(github).loadDemo).toBe(false);
    expect(loadConfig({ ...slack, WAYFINDER_DEMO: 'true' }).loadDemo).toBe(true);
    expect(loadConfig({ WAYFINDER_DEMO: 'false' }).loadDemo).toBe(false);
  });

  it('reports every bad setting at once, by key, with what was expected', () => {
    const error = captureConfigError({
      SLACK_BOT_TOKEN: 'xoxp-user-token',
      PORT: 'eighty',
      DATABASE_URL: 'mysql://db',
      WAYFINDER_DEMO: 'maybe',
    });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        'DATABASE_URL expected a postgres:// connection URL',
        'WAYFINDER_DEMO expected true or false',
        'PORT expected a port number',
        'SLACK_BOT_TOKEN expected a bot token starting with xoxb-',
      ]),
    );
  });

  it('asks for the signing secret when a bot token is set without Socket Mode', () => {
    const error = captureConfigError({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(error.problems).toEqual([expect.stringMatching(/^SLACK_SIGNING_SECRET is required with SLACK_BOT_TOKEN/)]);
  });

  it('needs no signing secret in Socket Mode', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack?.appToken).toBe('xapp-1');
  });
});

describe('loadConfig for GitHub and the catalog sync', () => {
  const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----';

  it("reads an organisation with a token, with the default catalog path, no forks, no topic and GitHub's write spacing", () => {
    expect(loadConfig({ GITHUB_ORG: 'acme-corp', GITHUB_TOKEN: 'ghp_1' }).github).toEqual({
      org: 'acme-corp',
      auth: { type: 'token', token: 'ghp_1' },
      apiUrl: undefined,
      writeIntervalMs: 1_000,
      webhookSecret: undefined,
      catalogPaths: ['catalog-info.yaml'],
      includeForks: false,
      topic: undefined,
    });
  });

  it('reads a GitHub App whose private key is written with \\n escapes, and every discovery setting', () => {
    const config = loadConfig({
      GITHUB_ORG: 'acme-corp',
      GITHUB_APP_ID: '123',
      GITHUB_APP_PRIVATE_KEY: PEM.replaceAll('\n', '\\n'),
      GITHUB_APP_INSTALLATION_ID: '456',
      GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
      GITHUB_WEBHOOK_SECRET: 'hush',
      GITHUB_CATALOG_PATHS: ' catalog-info.yaml, /.backstage/catalog-info.yaml ,',
      GITHUB_INCLUDE_FORKS: 'true',
      GITHUB_TOPIC: 'wayfinder',
      GITHUB_WRITE_INTERVAL: '250ms',
    });
    expect(config.github).toEqual({
      org: 'acme-corp',
      auth: { type: 'app', appId: 123, installationId: 456, privateKey: { pem: PEM } },
      apiUrl: 'https://ghe.example.com/api/v3',
      writeIntervalMs: 250,
      webhookSecret: 'hush',
      catalogPaths: ['catalog-info.yaml', '.backstage/catalog-info.yaml'],
      includeForks: true,
      topic: 'wayfinder',
    });
  });

  it('reads how far a serving process lets its heap grow, 0 leaving it to V8, and refuses what is not a percent', () => {
    expect(loadConfig({ WAYFINDER_HEAP_GROWTH: '0' }).http.heapGrowthPercent).toBe(0);
    expect(loadConfig({ WAYFINDER_HEAP_GROWTH: '100' }).http.heapGrowthPercent).toBe(100);
    for (const value of ['half', '12.5', '-1']) {
      expect(captureConfigError({ WAYFINDER_HEAP_GROWTH: value }).problems).toEqual([
        "WAYFINDER_HEAP_GROWTH expected a whole number of percent such as 50, or 0 for V8's own choice",
      ]);
    }
    expect(captureConfigError({ WAYFINDER_HEAP_GROWTH: '1000' }).problems).toEqual([
      'WAYFINDER_HEAP_GROWTH expected at most 300 (V8 on its own grows the heap by up to 300%)',
    ]);
  });

  it('keeps only the path of a private key file, for the wiring to read', () => {
    const config = loadConfig({
      GITHUB_ORG: 'acme-corp',
      GITHUB_APP_ID: '123',
      GITHUB_APP_PRIVATE_KEY_FILE: '/run/secrets/app.pem',
      GITHUB_APP_INSTALLATION_ID: '456',
    });
    expect(config.github?.auth).toEqual({
      type: 'app',
      appId: 123,
      installationId: 456,
      privateKey: { file: '/run/secrets/app.pem' },
    });
  });

  it('asks for a token or App credentials when only the organisation is set', () => {
    expect(captureConfigError({ GITHUB_ORG: 'acme-corp' }).problems).toEqual([
      expect.stringMatching(/^GITHUB_TOKEN is required with GITHUB_ORG .* or set the GitHub App keys/),
    ]);
  });

  it('names each missing key of a partial GitHub App', () => {
    const error = captureConfigError({ GITHUB_ORG: 'acme-corp', GITHUB_APP_ID: '123' });
    expect(error.problems).toEqual([
      expect.stringMatching(/^GITHUB_APP_PRIVATE_KEY is required with the other GitHub App keys/),
      expect.stringMatching(/^GITHUB_APP_INSTALLATION_ID is required with the other GitHub App keys/),
    ]);
  });

  it('refuses a token and an App together, and a private key given twice', () => {
    const error = captureConfigError({
      GITHUB_ORG: 'acme-corp',
      GITHUB_TOKEN: 'ghp_1',
      GITHUB_APP_ID: '123',
      GITHUB_APP_PRIVATE_KEY: PEM,
      GITHUB_APP_PRIVATE_KEY_FILE: '/run/secrets/app.pem',
      GITHUB_APP_INSTALLATION_ID: '456',
    });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GITHUB_APP_PRIVATE_KEY_FILE cannot be set together with GITHUB_APP_PRIVATE_KEY/),
        expect.stringMatching(/^GITHUB_TOKEN cannot be set together with GitHub App keys/),
      ]),
    );
  });

  it('asks for the organisation when GitHub credentials are set without one', () => {
    expect(captureConfigError({ GITHUB_TOKEN: 'ghp_1' }).problems).toEqual([
      expect.stringMatching(/^GITHUB_ORG is required to use GitHub/),
    ]);
  });

  it('reports every bad GitHub and sync setting by key, with what was expected', () => {
    const error = captureConfigError({
      GITHUB_ORG: 'acme corp',
      GITHUB_APP_ID: 'my-app',
      GITHUB_APP_PRIVATE_KEY: 'not a key',
      GITHUB_APP_INSTALLATION_ID: '12x',
      GITHUB_API_URL: 'ghe.example.com',
      GITHUB_CATALOG_PATHS: 'services/*/catalog-info.yaml',
      GITHUB_INCLUDE_FORKS: 'sometimes',
      GITHUB_TOPIC: 'Not A Topic',
      GITHUB_WRITE_INTERVAL: 'gently',
      WAYFINDER_SYNC_CRON: '*/30 * * *',
      WAYFINDER_ORPHAN_GRACE: 'a week',
    });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        'GITHUB_ORG expected a GitHub organisation login such as acme-corp',
        expect.stringMatching(/^GITHUB_APP_ID expected the GitHub App's numeric ID/),
        expect.stringMatching(/^GITHUB_APP_PRIVATE_KEY expected the App's PEM private key/),
        expect.stringMatching(/^GITHUB_APP_INSTALLATION_ID expected the numeric installation ID/),
        'GITHUB_API_URL expected a URL such as https://ghe.example.com/api/v3',
        expect.stringMatching(/^GITHUB_CATALOG_PATHS\.0 expected file paths inside the repository, without wildcards/),
        'GITHUB_INCLUDE_FORKS expected true or false',
        'GITHUB_TOPIC expected a GitHub topic: lowercase letters, digits and hyphens',
        'GITHUB_WRITE_INTERVAL expected a duration such as 1s, 250ms or 0',
        'WAYFINDER_SYNC_CRON expected a cron expression of 5 or 6 fields, such as */30 * * * *',
        'WAYFINDER_ORPHAN_GRACE expected a duration such as 7d, 12h or 30m',
      ]),
    );
  });

  it('reads the sync schedule, with seconds, and the orphan grace period in milliseconds', () => {
    expect(loadConfig({ WAYFINDER_SYNC_CRON: '0  */5 * * * *', WAYFINDER_ORPHAN_GRACE: '1d12h' }).sync).toEqual({
      cron: '0 */5 * * * *',
      orphanGraceMs: 36 * 60 * 60 * 1000,
    });
    expect(loadConfig({ WAYFINDER_ORPHAN_GRACE: '30m' }).sync.orphanGraceMs).toBe(30 * 60 * 1000);
  });
});

function captureConfigError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
