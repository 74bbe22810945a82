/**
 * `DigestPoster` on a Slack Web API client of its own: no automatic retries and rate-limited calls rejected at once
 * (`rejectRateLimitedCalls`), so a 429 on the digest path never pauses the interactive client's queue and the digest
 * decides how long to wait (shared/reference/perf-reliability.md §2.3). The chart is uploaded with `files.uploadV2`
 * (web-api's helper: `files.getUploadURLExternal`, the upload, `files.completeUploadExternal`), shared nowhere, and
 * shown in the message's image block by its file id. Each post carries its delivery key in the message metadata
 * (`event_type` `wayfinder_digest`), which `findPosted` looks for in the channel's history.
 */
import { type KnownBlock, WebClient } from '@slack/web-api';
import { RateLimitedError } from '../core/errors.ts';
import type { DigestPost, DigestPoster } from '../core/ports/digest-poster.ts';
import { renderSlackMessage } from './render/message.ts';

export const DIGEST_EVENT_TYPE = 'wayfinder_digest';

export function createSlackDigestPoster(opts: { token: string; apiUrl?: string }): DigestPoster {
  const client = new WebClient(opts.token, {
    ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 30_000,
  });
  return {
    async post(post: DigestPost) {
      return rateLimited(async () => {
        const rendered = renderSlackMessage(post.message);
        const blocks: KnownBlock[] = [...rendered.blocks];
        if (post.chart && blocks.length < 50) {
          const fileId = await uploadChart(client, post.chart);
          // After the header and the context line under it: the chart reads before the details.
          const at = Math.min(2, blocks.length);
          blocks.splice(at, 0, {
            type: 'image',
            slack_file: { id: fileId },
            alt_text: post.chart.alt.slice(0, 2000),
          } as KnownBlock);
        }
        const result = await client.chat.postMessage({
          channel: post.channel,
          text: rendered.text,
          blocks,
          unfurl_links: false,
          metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: { key: post.key } },
        });
        if (!result.ts) throw new Error('Slack accepted the digest but returned no ts.');
        return { ts: result.ts };
      });
    },
    async findPosted({ channel, key, since }) {
      return rateLimited(async () => {
        const history = await client.conversations.history({
          channel,
          oldest: String(since.getTime() / 1000),
          include_all_metadata: true,
          limit: 200,
        });
        const found = history.messages?.find(
          (message) =>
            message.metadata?.event_type === DIGEST_EVENT_TYPE &&
            (message.metadata.event_payload as { key?: unknown } | undefined)?.key === key,
        );
        return found?.ts ? { ts: found.ts } : undefined;
      });
    },
  };
}

async function uploadChart(client: WebClient, chart: NonNullable<DigestPost['chart']>): Promise<string> {
  const uploaded = (await client.filesUploadV2({
    file: Buffer.from(chart.png),
    filename: 'scorecard-levels.png',
    title: chart.title,
    alt_text: chart.alt.slice(0, 1000),
  })) as { files?: { files?: { id?: string }[] }[] };
  const id = uploaded.files?.[0]?.files?.[0]?.id;
  if (!id) throw new Error('Slack accepted the chart upload but returned no file id.');
  return id;
}

/** Slack's 429 (web-api's `slack_webapi_rate_limited_error`, `retryAfter` in seconds) as the core's error. */
async function rateLimited<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const coded = error as { code?: string; retryAfter?: number };
    if (coded.code === 'slack_webapi_rate_limited_error') {
      const seconds = typeof coded.retryAfter === 'number' ? coded.retryAfter : 1;
      throw new RateLimitedError(`Slack rate limited the digest; retry after ${seconds} s`, seconds * 1000, {
        cause: error,
      });
    }
    throw error;
  }
}
