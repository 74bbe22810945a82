import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { isValidWebhookSignature } from '../../src/github/webhook-signature.ts';

const secret = "It's a Secret to Everybody";
const rawBody = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'acme/payments-api' } });

describe('isValidWebhookSignature', () => {
  it('accepts the sha256 HMAC GitHub computes of the raw body, given as text or bytes', async () => {
    const signature = await sign(secret, rawBody);

    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await isValidWebhookSignature({ secret, rawBody, signature })).toBe(true);
    expect(await isValidWebhookSignature({ secret, rawBody: Buffer.from(rawBody), signature })).toBe(true);
  });

  it('matches GitHub’s documented example', async () => {
    // From GitHub's "Validating webhook deliveries" page.
    expect(
      await isValidWebhookSignature({
        secret,
        rawBody: 'Hello, World!',
        signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      }),
    ).toBe(true);
  });

  it('refuses a signature made with another secret, or over another body', async () => {
    expect(await isValidWebhookSignature({ secret, rawBody, signature: await sign('guess', rawBody) })).toBe(false);
    expect(
      await isValidWebhookSignature({ secret, rawBody: `${rawBody} `, signature: await sign(secret, rawBody) }),
    ).toBe(false);
  });

  it('refuses a missing, repeated or malformed signature, an empty body and an empty secret', async () => {
    const signature = await sign(secret, rawBody);
    expect(await isValidWebhookSignature({ secret, rawBody, signature: undefined })).toBe(false);
    expect(await isValidWebhookSignature({ secret, rawBody, signature: [signature, signature] })).toBe(false);
    expect(await isValidWebhookSignature({ secret, rawBody, signature: signature.replace('sha256=', 'sha1=') })).toBe(
      false,
    );
    expect(await isValidWebhookSignature({ secret, rawBody, signature: `${signature}0` })).toBe(false);
    expect(await isValidWebhookSignature({ secret, rawBody: '', signature: await sign(secret, ' ') })).toBe(false);
    expect(await isValidWebhookSignature({ secret: '', rawBody, signature })).toBe(false);
  });
});
