/**
 * GitHub webhook deliveries as GitHub sends them: JSON payloads signed with the webhook's secret
 * (`X-Hub-Signature-256`), for the tests and the benchmark.
 */
import { createHmac, randomUUID } from 'node:crypto';

/** `sha256=` and the hex HMAC-SHA256 of the raw body: GitHub's `X-Hub-Signature-256`. */
export function signGitHubBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A `repository` object as webhook payloads carry it. */
export function repositoryPayload(fullName: string, extra: Record<string, unknown> = {}) {
  const [owner = '', name = ''] = fullName.split('/');
  return { full_name: fullName, name, owner: { login: owner }, default_branch: 'main', archived: false, ...extra };
}

/** A `push` of one commit that modified `modified` on `branch` (default `main`). */
export function pushPayload(opts: { repo: string; modified: string[]; branch?: string }) {
  const commit = { added: [], modified: opts.modified, removed: [] };
  return {
    ref: `refs/heads/${opts.branch ?? 'main'}`,
    before: '0'.repeat(40),
    after: 'a'.repeat(40),
    created: false,
    deleted: false,
    forced: false,
    repository: repositoryPayload(opts.repo),
    commits: [commit],
    head_commit: commit,
  };
}

export interface GitHubDelivery {
  /** The webhook's URL. */
  url: string;
  secret: string;
  event: string;
  payload: unknown;
  /** `X-GitHub-Delivery`; default: a fresh GUID. */
  id?: string;
  /** Default: signed with `secret`; `null` sends no signature. */
  signature?: string | null;
  /** The raw body; default: the payload as JSON. */
  body?: string;
}

export async function deliverGitHubWebhook(delivery: GitHubDelivery): Promise<{ status: number; text: string }> {
  const body = delivery.body ?? JSON.stringify(delivery.payload);
  const signature = delivery.signature === undefined ? signGitHubBody(body, delivery.secret) : delivery.signature;
  const response = await fetch(delivery.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/test',
      'x-github-event': delivery.event,
      'x-github-delivery': delivery.id ?? randomUUID(),
      ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}
