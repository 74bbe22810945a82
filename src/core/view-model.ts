/**
 * The view-model every answer is returned as. Commands build these; renderers (Slack Block Kit, Teams
 * Adaptive Cards, terminal text) turn them into a platform's format. Nothing here knows a platform's limits:
 * renderers cut lists to fit and use `moreCommand` to say where the rest can be found.
 */

/** A piece of inline text. Renderers choose the markup (Slack mrkdwn, Markdown, plain text). */
export type Span =
  | { kind: 'text'; text: string }
  | { kind: 'strong'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'link'; text: string; url: string }
  /** A person; rendered as a mention where the platform identity is known, else by name (and email). */
  | { kind: 'user'; name: string; email?: string; slackUserId?: string }
  /** A chat channel; `slackChannelId` makes it a clickable channel link in Slack. */
  | { kind: 'channel'; name: string; slackChannelId?: string };

export type RichText = readonly Span[];

/** A button runs a command as if the person had typed it, or shares the answer in the channel. */
export interface Button {
  label: string;
  action: 'run' | 'share';
  /** The command text, e.g. `/owner payments-api`. */
  command: string;
  style?: 'primary' | 'danger';
}

export interface ListItem {
  text: RichText;
  detail?: RichText;
}

export type Block =
  | { type: 'header'; text: string }
  | { type: 'text'; text: RichText }
  | { type: 'fields'; fields: readonly { label: string; value: RichText }[] }
  | {
      type: 'list';
      title?: string;
      items: readonly ListItem[];
      /** Items the list holds but the answer could not show, beyond `items` (e.g. a query limit). */
      omitted?: number;
      /**
       * The command that shows the rest when a renderer cuts the list or `omitted` > 0, e.g. `/wayfinder errors`.
       * With `offset`, the renderer continues it with `--offset <n>` (see `moreCommandAfter`).
       */
      moreCommand?: string;
      /**
       * Set when the list is one page of a longer one: the 0-based position of `items[0]` in the whole, so the hint
       * under a cut list runs the command that starts at the first item not shown, never the same page again.
       */
      offset?: number;
    }
  | { type: 'actions'; buttons: readonly Button[] }
  | { type: 'context'; text: RichText }
  | { type: 'image'; url: string; alt: string }
  | { type: 'divider' };

export interface Message {
  /** Plain-text summary for notifications and clients that cannot show blocks. */
  summary: string;
  blocks: readonly Block[];
  /** The command that produced this answer; lets a surface offer "Share in channel" or a refresh. */
  command?: string;
}

export type FormField =
  | {
      type: 'text';
      id: string;
      label: string;
      required: boolean;
      placeholder?: string;
      initial?: string;
      multiline?: boolean;
    }
  | { type: 'number'; id: string; label: string; required: boolean; min?: number; max?: number; initial?: number }
  | {
      type: 'select' | 'multi-select';
      id: string;
      label: string;
      required: boolean;
      options: readonly { label: string; value: string }[];
      initial?: readonly string[];
    }
  | { type: 'checkbox'; id: string; label: string; initial?: boolean }
  | { type: 'user' | 'channel'; id: string; label: string; required: boolean };

export interface Form {
  id: string;
  title: string;
  submitLabel: string;
  fields: readonly FormField[];
}

export const text = (value: string): Span => ({ kind: 'text', text: value });
export const strong = (value: string): Span => ({ kind: 'strong', text: value });
export const code = (value: string): Span => ({ kind: 'code', text: value });
export const link = (label: string, url: string): Span => ({ kind: 'link', text: label, url });

/**
 * The command that shows what a list did not, once a renderer has shown its first `shown` items: `moreCommand`, and
 * for a paged list (`offset` set) `--offset <offset + shown>`. Undefined when the list names no `moreCommand`.
 */
export function moreCommandAfter(list: { moreCommand?: string; offset?: number }, shown: number): string | undefined {
  if (list.moreCommand === undefined) return undefined;
  return list.offset === undefined ? list.moreCommand : `${list.moreCommand} --offset ${list.offset + shown}`;
}

/** Plain text of rich text, for summaries and search. */
export function plainText(rich: RichText): string {
  return rich.map((span) => ('text' in span ? span.text : span.name)).join('');
}
