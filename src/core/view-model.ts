/**
 * The view-model every answer is returned as. Commands build these; renderers (Slack Block Kit, Teams
 * Adaptive Cards, terminal text) turn them into a platform's format. Nothing here knows a platform's limits:
 * renderers cut lists to fit and use `moreCommand` to say where the rest can be found.
 */

/** The chat platforms Wayfinder speaks on. Only `src/slack/` (and later `src/teams/`) know an id's shape. */
export type ChatPlatform = 'slack' | 'teams';

/**
 * A person's or channel's id on each chat platform where it is known: `{ slack: 'U0123ABC' }`. Values are opaque to
 * the core; a renderer that finds its platform's id (and finds it well-formed) links or mentions, else shows the name.
 */
export type ChatIds = { readonly [P in ChatPlatform]?: string };

/** A piece of inline text. Renderers choose the markup (Slack mrkdwn, Markdown, plain text). */
export type Span =
  | { kind: 'text'; text: string }
  | { kind: 'strong'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'link'; text: string; url: string }
  /** A person; rendered as a mention where their id on the rendering platform is known, else by name (and email). */
  | { kind: 'user'; name: string; email?: string; ids?: ChatIds }
  /**
   * A chat channel by name; `ids` holds what the catalog says about it per platform (for Slack, the raw
   * `slack.com/bot-notify` or `wayfinder.dev/slack-channel-id` value), which that platform's renderer interprets.
   */
  | { kind: 'channel'; name: string; ids?: ChatIds };

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
  | {
      type: 'text';
      text: RichText;
      /** The text was given to `DeferredProgress.onText` as it was written: a surface that showed it leaves it out. */
      streamed?: boolean;
    }
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
  /**
   * Set when the answer is not the one asked for: the name or a `/find` search matched nothing (`not-found`) or several entities
   * (`ambiguous`), or the command could not read its input (`invalid`: unknown command or flag, text too long,
   * usage). Chat surfaces show the message as it is; `wayfinder run` exits 1 (2 for `invalid`), so scripts can tell.
   */
  outcome?: 'not-found' | 'ambiguous' | 'invalid';
}

/**
 * A form field. `id` is stable: the submission's values are keyed by it, and errors are reported against it. Ids are
 * short (Slack allows 255 characters for the block that carries one) and unique within the form.
 */
export type FormField = FormFieldHint &
  (
    | {
        type: 'text';
        id: string;
        label: string;
        required: boolean;
        placeholder?: string;
        initial?: string;
        multiline?: boolean;
      }
    | {
        type: 'number';
        id: string;
        label: string;
        required: boolean;
        min?: number;
        max?: number;
        initial?: number;
        /** Whole numbers only (JSON Schema `integer`). */
        integer?: boolean;
      }
    | {
        type: 'select' | 'multi-select';
        id: string;
        label: string;
        required: boolean;
        options: readonly { label: string; value: string }[];
        initial?: readonly string[];
        /** A multi-select shown as checkboxes (a few options, all visible at once). */
        style?: 'checkboxes';
      }
    | { type: 'checkbox'; id: string; label: string; initial?: boolean }
    | { type: 'user' | 'channel'; id: string; label: string; required: boolean }
    /** A date, `YYYY-MM-DD`. */
    | { type: 'date'; id: string; label: string; required: boolean; initial?: string }
    /**
     * A search among options too many to list (catalog entities, templates): the surface asks the command's `optionsOf`
     * as the person types (Slack: an external select and its `block_suggestion` requests).
     */
    | {
        type: 'lookup';
        id: string;
        label: string;
        required: boolean;
        multi?: boolean;
        placeholder?: string;
        initial?: readonly { label: string; value: string }[];
      }
  );

/** Help under a field (a JSON Schema `description`, `ui:help`); surfaces that cannot show it leave it out. */
export type FormFieldHint = { hint?: string };

/**
 * A form to fill in: a Slack modal, a Teams dialog. Its submission comes back to the command that answered with it
 * (`CommandDefinition.submit`), as values checked against the same form (`parseFormValues`). A command that needs
 * several pages answers a submission with the next page's Form; `state` carries what the earlier pages decided.
 */
export interface Form {
  /** Which of the command's forms this is (e.g. `provision:template`); comes back with the submission. */
  id: string;
  /** Short: Slack cuts modal titles at 24 characters. */
  title: string;
  submitLabel: string;
  fields: readonly FormField[];
  /** Text shown above the fields. */
  intro?: RichText;
  /**
   * Opaque text that comes back with the submission (the earlier pages' choices, an id). Keep it under 2,000
   * characters: Slack carries it in the modal's 3,000-character `private_metadata` beside Wayfinder's own fields.
   */
  state?: string;
}

/** A submitted value, by field type: text and select → string, number → number, multi-select → strings, checkbox → boolean, user and channel → their id on the submitting platform. */
export type FormValue = string | number | boolean | readonly string[] | ChatIds;

/** A submission's values by field id; an optional field left empty is absent. */
export type FormValues = Readonly<Record<string, FormValue>>;

/**
 * Work whose answer comes later: the surface acknowledges at once with `placeholder`, then calls `work()` exactly once
 * (in the background) and delivers its Message where the placeholder went (Slack: the command's `response_url`).
 * `work()` may throw as a command does: an expected error becomes a message, anything else the apology. A surface that
 * can show text as it comes (a terminal) passes `progress`.
 */
export interface Deferred {
  kind: 'deferred';
  placeholder: Message;
  work(progress?: DeferredProgress): Promise<Message>;
}

/** What a surface that shows text as it comes gives deferred work. */
export interface DeferredProgress {
  /**
   * Each piece of the answer's text as it is written (a model's answer, secrets already redacted). The Message `work`
   * resolves with marks the block holding that text `streamed`; `withoutStreamed` leaves it out.
   */
  onText(text: string): void;
}

/** `message` without its `streamed` text blocks: what is left to show after the streamed text was shown. */
export function withoutStreamed(message: Message): Message {
  return { ...message, blocks: message.blocks.filter((block) => !(block.type === 'text' && block.streamed)) };
}

/** Open `form` (a Slack modal, a Teams dialog); the submission comes back to command `command`. */
export interface FormAnswer {
  kind: 'form';
  /** The name of the command whose `formOf` and `submit` answer the submission (`provision`). */
  command: string;
  form: Form;
}

/**
 * What a command answers: a Message now, a Form to fill in, or work delivered later. A Message has no `kind`, so every
 * command that answers only with messages needs no change.
 */
export type Answer = Message | FormAnswer | Deferred;

export function isMessage(answer: Answer): answer is Message {
  return !('kind' in answer);
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
