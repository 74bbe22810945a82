/**
 * `DigestPoster` on a Slack Web API client of its own: no automatic retries and rate-limited calls rejected at once
 * (`rejectRateLimitedCalls`), so a 429 on the digest path never pauses the interactive client's queue and the digest
 * decides how long to wait (shared/reference/perf-reliability.md §2.3). The chart is uploaded with `files.uploadV2`
 * (web-api's helper: `files.getUploadURLExternal`, the upload, `files.completeUploadExternal`), shared nowhere, and
 * shown in the message's image block by its file id. Each post carries its delivery key in the message metadata
 * (`event_type` `wayfinder_digest`), which `findPosted` looks for in the channel's history.
 */
import { type KnownBlock, WebClient } from '@slack/web-api';
import { NotFoundError, RateLimitedError } from '../core/errors.ts';
import type { DigestPost, DigestPoster } from '../core/ports/digest-poster.ts';
import type { Logger } from '../logger.ts';
import { renderSlackMessage } from './render/message.ts';
import { toSlackSdkLogger } from './sdk-logger.ts';
import { namingFetch } from './web-client.ts';

export const DIGEST_EVENT_TYPE = 'wayfinder_digest';

/** How long a channel name's id, read from `conversations.list`, is used before the list is read again. */
const CHANNEL_IDS_TTL_MS = 10 * 60_000;

/** A Slack conversation id (`C…` public, `G…` private, `D…` direct); anything else is a name such as `#payments`. */
const CONVERSATION_ID = /^[CGD][A-Z0-9]{6,}$/;

/**
 * The digest's poster. `logger`: where the Web API client's own warnings go (our JSON logs), absent: nowhere.
 */
export function createSlackDigestPoster(opts: { token: string; apiUrl?: string; logger?: Logger }): DigestPoster {
  const client = new WebClient(opts.token, {
    ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
    ...(opts.logger ? { logger: toSlackSdkLogger(opts.logger) } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 30_000,
    fetch: namingFetch(),
  });
  // A chart is uploaded once per post: a 429 on chat.postMessage retries the post with the file already uploaded.
  const uploaded = new Map<string, string>();
  const channelIds = createChannelIds(client);
  return {
    async post(post: DigestPost) {
      return slackRefusals(post.channel, async () => {
        const rendered = renderSlackMessage(post.message);
        const blocks: KnownBlock[] = [...rendered.blocks];
        if (post.chart && blocks.length < 50) {
          const fileId = uploaded.get(post.key) ?? (await uploadChart(client, post.chart));
          uploaded.set(post.key, fileId);
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
        uploaded.delete(post.key);
        if (result.channel) channelIds.remember(post.channel, result.channel);
        return { ts: result.ts };
      });
    },
    async findPosted({ channel, key, since }) {
      return slackRefusals(channel, async () => {
        // conversations.history takes only a conversation id, never a name. A name no channel the bot can see has
        // (channels:read, groups:read) cannot hold a post of the bot's.
        const id = await channelIds.resolve(channel);
        if (!id) return undefined;
        const history = await client.conversations.history({
          channel: id,
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

/**
 * Channel names to conversation ids: remembered from chat.postMessage's answers, else read from `conversations.list`
 * (every page, public and private channels the bot can see), kept `CHANNEL_IDS_TTL_MS`.
 */
function createChannelIds(client: WebClient) {
  const known = new Map<string, string>();
  let listedAt = Number.NEGATIVE_INFINITY;
  const nameOf = (channel: string) => channel.replace(/^#/, '').toLowerCase();
  return {
    remember(channel: string, id: string) {
      if (!CONVERSATION_ID.test(channel)) known.set(nameOf(channel), id);
    },
    /** The channel's id; undefined when no channel the bot can see has that name. */
    async resolve(channel: string): Promise<string | undefined> {
      if (CONVERSATION_ID.test(channel)) return channel;
      const name = nameOf(channel);
      if (!known.has(name) || Date.now() - listedAt > CHANNEL_IDS_TTL_MS) {
        let cursor: string | undefined;
        do {
          const page = await client.conversations.list({
            types: 'public_channel,private_channel',
            exclude_archived: true,
            limit: 1000,
            ...(cursor ? { cursor } : {}),
          });
          for (const found of page.channels ?? []) if (found.name && found.id) known.set(found.name, found.id);
          cursor = page.response_metadata?.next_cursor || undefined;
        } while (cursor);
        listedAt = Date.now();
      }
      return known.get(name);
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

/** Slack's refusals that no retry can change: the channel is missing, the bot is not in it, or it is archived. */
const CHANNEL_REFUSALS: Readonly<Record<string, (channel: string) => string>> = {
  channel_not_found: (channel) =>
    `Slack has no channel ${channel} the bot can see (channel_not_found): check the Group's slack.com/bot-notify, or invite the bot to the private channel (/invite @Wayfinder).`,
  not_in_channel: (channel) =>
    `The bot is not in ${channel} (not_in_channel): invite it (/invite @Wayfinder) or grant the chat:write.public scope.`,
  is_archived: (channel) =>
    `${channel} is archived (is_archived): unarchive it, or point the Group's slack.com/bot-notify at a live channel.`,
};

/**
 * Runs a Slack call, turning Slack's 429 (web-api's `slack_webapi_rate_limited_error`, `retryAfter` in seconds) into
 * `RateLimitedError` and the channel refusals no retry can change into `NotFoundError` (saying what to do).
 */
async function slackRefusals<T>(channel: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const coded = error as { code?: string; retryAfter?: number; data?: { error?: string } };
    if (coded.code === 'slack_webapi_rate_limited_error') {
      const seconds = typeof coded.retryAfter === 'number' ? coded.retryAfter : 1;
      throw new RateLimitedError(`Slack rate limited the digest; retry after ${seconds} s`, seconds * 1000, {
        cause: error,
      });
    }
    const refusal = coded.code === 'slack_webapi_platform_error' && CHANNEL_REFUSALS[coded.data?.error ?? ''];
    if (refusal) throw new NotFoundError(refusal(channel), { cause: error });
    throw error;
  }
}
