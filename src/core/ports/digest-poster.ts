import type { Message } from '../view-model.ts';

/** One digest post: a message for a channel, with an optional chart image, under its delivery key. */
export interface DigestPost {
  /** As the catalog gives it: a channel id (`C0123…`) or name (`#payments`). */
  channel: string;
  /** The delivery's unique key (`team|channel|period`), carried in the post's metadata so a post can be found again. */
  key: string;
  message: Message;
  chart?: { png: Uint8Array; title: string; alt: string };
}

/**
 * Posts digests with a chat client of its own, so interactive commands never wait behind a digest
 * (`src/slack/digest-poster.ts`).
 */
export interface DigestPoster {
  /**
   * Posts and returns the message's id (Slack's `ts`). Throws `RateLimitedError` on a rate limit (with how long to
   * wait), `NotFoundError` when the channel cannot be posted to and trying again will not help (it does not exist, the
   * bot is not in it, it is archived; the message says what to do), and any other error when the platform refused or
   * could not be reached. A post tried again after a rate limit reuses its chart's upload.
   */
  post(post: DigestPost): Promise<{ ts: string }>;
  /**
   * The post of `key` in `channel` (an id or a name, resolved to the id) since `since`, if one is there: how a run
   * that crashed mid-post, or a retry of a failed post, finds out. Throws as `post` does.
   */
  findPosted(opts: { channel: string; key: string; since: Date }): Promise<{ ts: string } | undefined>;
}
