import { describe, expect, it } from 'vitest';
import { createRedactingStream, redactSecrets } from '../../src/docs/secrets.ts';

describe('redactSecrets', () => {
  it.each([
    ['a Slack bot token', 'export SLACK_BOT_TOKEN=xoxb-1234567890-abcdefghijkl'],
    ['a GitHub token', 'use ghp_abcdefghijklmnopqrstuvwxyz0123456789 to clone'],
    ['an OpenAI key', 'OPENAI key sk-proj-abcdefghijklmnopqrstuvwx'],
    ['an AWS access key id', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE'],
    ['a password in a connection URL', 'postgres://payments:hunter2hunter2@db.internal:5432/payments'],
    ['a password assignment', 'password: "correct-horse-battery"'],
    ['a private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----'],
    ['an AWS secret access key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['an AWS secret access key in prose', 'The AWS secret key is wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.'],
    [
      'an AWS secret access key in an env line',
      'export AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
    ],
    ['a short password assignment', 'password=hunter2'],
    ['a password setting with a prefix', 'DB_PASSWORD: hunter2hunter2'],
    ['a quoted password with a space', "password: 'hunter2 correct-horse'"],
    ['a password in a URL with no user', 'redis://:hunter2@cache.internal:6379'],
  ])('hides %s', (_what, text) => {
    const redacted = redactSecrets(text);
    expect(redacted).toContain('[redacted]');
    for (const secret of [
      'xoxb-1234567890',
      'ghp_abc',
      'sk-proj-abc',
      'AKIAIOSFODNN7EXAMPLE',
      'hunter2',
      'correct-horse',
      'MIIEpAIBAAKCAQEA',
      'wJalrXUtnFEMI',
      'EXAMPLEKEY',
    ]) {
      expect(redacted).not.toContain(secret);
    }
  });

  it('leaves ordinary text alone', () => {
    for (const text of [
      'Run `gh workflow run rollback.yml -f tag=v2024.11.2`; the token expires after 15 minutes.',
      'Set `max_tokens: 1024` and keep the secret store at https://vault.internal/ui/secret/list.',
      // A placeholder for a shell variable, not a template string.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text is a shell placeholder a runbook would hold
      'password: <your password>, token=${SLACK_BOT_TOKEN}',
      'The password: every service has its own, kept in the vault.',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });
});

describe('createRedactingStream', () => {
  it('never passes on a secret, even when it arrives in pieces', () => {
    const out: string[] = [];
    const stream = createRedactingStream({ onText: (text) => out.push(text) });
    for (const piece of ['The token is xo', 'xb-12345', '67890-abcdefghijkl, keep ', 'it safe.']) stream.push(piece);
    stream.end();
    expect(out.join('')).toBe('The token is [redacted], keep it safe.');
  });

  it('holds back a reply that is the held word', () => {
    const out: string[] = [];
    const stream = createRedactingStream({ hold: 'NOT_COVERED', onText: (text) => out.push(text) });
    stream.push('NOT_');
    stream.push('COVERED');
    stream.end();
    expect(out).toEqual([]);
  });
});
