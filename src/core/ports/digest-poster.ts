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
   * wait), and any other error when the platform refused or could not be reached.
   */
  post(post: DigestPost): Promise<{ ts: string }>;
  /** The post of `key` in `channel` since `since`, if one is there: how a run that crashed mid-post finds out. */
  findPosted(opts: { channel: string; key: string; since: Date }): Promise<{ ts: string } | undefined>;
}
