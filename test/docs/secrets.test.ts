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
    [
      'a Slack incoming-webhook URL',
      'POST to https://hooks.slack.com/services/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 when it ships.',
    ],
    ['a Stripe live secret key', 'STRIPE_KEY=sk_live_51HqLyjWDarjtT1zdp7dcXYZhunter2ABCDEFG'],
    ['a Stripe restricted key in prose', 'Use the restricted key rk_live_51HqLyjWDarjtT1zdp7dcXYZhunter2 for reports.'],
    ['a bearer token in a curl header', 'curl -H "Authorization: Bearer 4f9a1c7e2b8d0f3a6c5e9b1d7f2a8c4e0b6d3f9a" …'],
    ['a bearer token in a JSON header', '{"Authorization": "Bearer tok.hunter2.Zk3mQ9vX2pLr8sTw"}'],
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
      'Zk3mQ9vX2pLr8sTw',
      'sk_live_51',
      'rk_live_51',
      '4f9a1c7e2b8d0f3a',
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
      // Near misses: a prefix named in prose, a webhook without its secret part, placeholders, a short word.
      'Live keys start with sk_live_ and restricted ones with rk_live_; test keys with sk_test_.',
      'Create a webhook at https://api.slack.com/apps; it looks like https://hooks.slack.com/services/ and a path.',
      'Send Authorization: Bearer <your token>, or Authorization: Bearer $TOKEN from the environment.',
      'Authorization: Bearer authentication is what the gateway expects.',
      'The task_live_updates_enabled_for_everyone flag turns it on.',
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

  it('never passes on a secret whose lead came in an earlier piece (a bearer token, a password, an AWS key)', () => {
    const out: string[] = [];
    const stream = createRedactingStream({ onText: (text) => out.push(text) });
    const pieces = [
      'Call it with Authorization: ',
      'Bearer ',
      '4f9a1c7e2b8d0f3a6c5e9b1d7f2a8c4e0b6d3f9a',
      ' and\npassword: ',
      'hunter2 ',
      'then.\nThe AWS secret key is ',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      ' and done.',
    ];
    for (const piece of pieces) stream.push(piece);
    stream.end();
    const shown = out.join('');
    expect(shown).toBe(
      'Call it with Authorization: Bearer [redacted] and\npassword: [redacted] then.\nThe AWS secret key is [redacted] and done.',
    );
  });

  it('never passes on a private key block line by line', () => {
    const out: string[] = [];
    const stream = createRedactingStream({ onText: (text) => out.push(text) });
    for (const line of [
      'Key:\n-----BEGIN RSA PRIVATE KEY-----\n',
      'MIIEpAIBAAKCAQEA\n',
      '-----END RSA PRIVATE KEY-----\n',
    ]) {
      stream.push(line);
    }
    stream.end();
    expect(out.join('')).toBe('Key:\n[redacted]\n');
  });

  it('passes a line without a secret on word by word', () => {
    const out: string[] = [];
    const stream = createRedactingStream({ onText: (text) => out.push(text) });
    stream.push('Roll back with the ');
    expect(out.join('')).toBe('Roll back with the ');
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
