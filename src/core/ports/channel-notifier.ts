import type { ChannelSpan } from '../catalog/facts.ts';
import type { Message } from '../view-model.ts';

/** Posts a message to a chat channel (a team's `slack.com/bot-notify`). */
export interface ChannelNotifier {
  /** Whether `channel` is somewhere this notifier can post (on Slack: a channel id or name, not a person's id). */
  reaches(opts: { channel: ChannelSpan }): boolean;
  post(opts: { channel: ChannelSpan; message: Message }): Promise<void>;
}
