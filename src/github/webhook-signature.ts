/**
 * GitHub signs each webhook delivery with the webhook's secret: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the
 * raw request body>`. The check needs the body exactly as received, before any JSON parsing.
 */
import { verify } from '@octokit/webhooks-methods';

/**
 * True only when `signature` is the `sha256=` HMAC of `rawBody` under `secret`; false when it is missing, malformed
 * or forged. Compared in constant time.
 */
export async function isValidWebhookSignature(opts: {
  secret: string;
  rawBody: string | Uint8Array;
  signature: string | string[] | undefined;
}): Promise<boolean> {
  const { secret, signature } = opts;
  if (!secret || typeof signature !== 'string' || !/^sha256=[0-9a-f]{64}$/.test(signature)) return false;
  const body = typeof opts.rawBody === 'string' ? opts.rawBody : Buffer.from(opts.rawBody).toString('utf8');
  // An empty body cannot be a delivery, and the library refuses one.
  if (body === '') return false;
  return verify(secret, body, signature);
}
