/**
 * The message a team gets in its channel when descriptor files it owns stop reading cleanly (`notifyErrorOwners`).
 * Pure: the same team and errors always make the same message.
 */

import { countOf } from '../text.ts';
import type { Block, Message } from '../view-model.ts';
import { code, text } from '../view-model.ts';
import { type ChannelSpan, channelOf, errorsByFile, ingestErrorInFileText, locationSpan, teamName } from './facts.ts';
import type { EntityRecord } from './records.ts';
import type { IngestError } from './types.ts';

/** Files one notice lists, each as a line and a list; the rest are counted (a chat message is read, not scrolled). */
export const NOTICE_FILES_SHOWN = 10;

export const ERROR_NOTICE_ADVICE = 'Fix the file on the default branch; Wayfinder re-reads it on push.';

/** One notice for one team: its new errors, by file, with line, field and message, and what to do. */
export function buildErrorNotice(opts: { team: EntityRecord; errors: readonly IngestError[] }): Message {
  const files = errorsByFile(opts.errors);
  const name = teamName(opts.team);
  const title = `${countOf(opts.errors.length, 'catalog error')} in files ${name} owns`;
  const blocks: Block[] = [
    { type: 'header', text: title },
    {
      type: 'text',
      text: [
        text(
          `Wayfinder could not read ${countOf(files.length, 'descriptor file')} owned by ${name}. Until fixed, the catalog keeps what it last read from ${files.length === 1 ? 'it' : 'them'}.`,
        ),
      ],
    },
  ];
  for (const [location, errors] of files.slice(0, NOTICE_FILES_SHOWN)) {
    blocks.push({ type: 'text', text: [locationSpan(location)] });
    blocks.push({ type: 'list', items: errors.map((error) => ({ text: ingestErrorInFileText(error) })) });
  }
  const hidden = files.slice(NOTICE_FILES_SHOWN);
  if (hidden.length > 0) {
    const hiddenErrors = hidden.reduce((sum, [, errors]) => sum + errors.length, 0);
    blocks.push({
      type: 'context',
      text: [
        text(`…and ${countOf(hidden.length, 'more file')} with ${countOf(hiddenErrors, 'error')}. `),
        code('/wayfinder errors'),
        text(' lists them all.'),
      ],
    });
  }
  blocks.push({ type: 'context', text: [text(ERROR_NOTICE_ADVICE)] });
  return { summary: `${title}. ${ERROR_NOTICE_ADVICE}`, blocks };
}

/**
 * Where a team's notices go: its channel (`channelOf`). Whether a notifier can post there (on Slack, a person's id is
 * no channel) is the notifier's to say (`ChannelNotifier.reaches`).
 */
export function noticeChannelOf(team: EntityRecord): ChannelSpan | undefined {
  return channelOf(team);
}
