import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('runs on the embedded database with the demo and no Slack when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      database: { url: undefined, dataDir: './data' },
      loadDemo: true,
      http: { port: 3000, host: '0.0.0.0' },
      slack: undefined,
      logLevel: 'info',
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

function captureConfigError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
