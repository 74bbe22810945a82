/**
 * Renders a view-model Message as Block Kit. Pure: no I/O, no clock, same input → same output.
 *
 * Slack's limits are hard (a message over them is rejected), so the renderer guarantees them:
 * at most 50 blocks, section and context text ≤ 3000 characters, ≤ 10 fields of ≤ 2000 per section,
 * header ≤ 150, button text ≤ 75, fallback `text` ≤ 3000. Lengths are counted in UTF-16 code units,
 * which is never fewer than Slack's character count, and cuts (core `text.ts`) fall between graphemes and never
 * inside an entity (`&amp;`) or a `<…>` link or mention.
 *
 * When a message does not fit, lists give way first: each list keeps its title and ends with
 * "…and N more. Try `<command>`", where N counts the items cut here and the list's own `omitted`, and the
 * command shows the rest (`moreCommandAfter`: a paged list continues at the first item not shown).
 * Headers and actions are never dropped to make room for list items.
 *
 * Only safe URLs become links (`safeHref`: http, https, mailto, percent-encoded); any other is shown as text.
 *
 * Text from the catalog is shown as written, never as markup: `escapeMrkdwn` (Slack's `&`, `<`, `>` entities, the
 * formatting marks `*`, `_`, `~` and a backtick neutralised, bidi controls removed) is the one place it becomes mrkdwn,
 * and plain_text (headers, buttons) loses its bidi controls too (`truncatePlain`).
 */
import type { types } from '@slack/bolt';
import { formatNumber, graphemePrefix, safeHref, stripBidiControls, truncate } from '../../core/text.ts';
import type { Block, Button, ListItem, Message, RichText, Span } from '../../core/view-model.ts';
import { moreCommandAfter } from '../../core/view-model.ts';
import { SLACK_USER_ID, slackChannelOf } from '../channels.ts';
import { indexedActionId, RUN_COMMAND_ACTION, SHARE_ACTION, SHARE_BLOCK_ID } from '../ids.ts';

type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;
type ContextBlock = types.ContextBlock;
type ActionsBlock = types.ActionsBlock;
type MrkdwnElement = types.MrkdwnElement;
type SlackButton = types.Button;

/** Slack's Block Kit limits this renderer keeps (chatops.md §3.3; `@slack/types` docstrings). */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  buttonsPerActionsBlock: 25,
  contextText: 3000,
  imageAltText: 2000,
  imageUrl: 3000,
  fallbackText: 3000,
} as const;

/**
 * The most items one list shows in Slack, even when more would fit in 50 blocks: a chat answer is read,
 * not scrolled, and the rest is one `moreCommand` away.
 */
export const MAX_SLACK_LIST_ITEMS = 50;

export interface RenderSlackMessageOptions {
  /** Append a "Share in channel" button (when the message has a `command`), for ephemeral answers. */
  shareable?: boolean;
}

export interface SlackMessage {
  /** Fallback for notifications and clients that cannot show blocks: the escaped summary. */
  text: string;
  blocks: KnownBlock[];
}

export function renderSlackMessage(message: Message, options: RenderSlackMessageOptions = {}): SlackMessage {
  const buttons = { next: 0 };
  const parts: Part[] = message.blocks.flatMap((block) => renderBlock(block, buttons));
  if (options.shareable && message.command !== undefined && !hasShareButton(message)) {
    const share = renderShareBlock(message.command, buttons);
    if (share) parts.push({ kind: 'fixed', blocks: [share], keep: true });
  }
  return {
    text: truncateMrkdwn(escapeMrkdwn(message.summary), SLACK_LIMITS.fallbackText),
    blocks: fitToBlockLimit(parts),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Fitting: lists share what the other blocks leave of the 50.

type Part = FixedPart | ListPart;

interface FixedPart {
  kind: 'fixed';
  blocks: KnownBlock[];
  /** Headers and actions: never dropped, even in the last-resort cut. */
  keep: boolean;
}

interface ListPart {
  kind: 'list';
  title?: SectionBlock;
  /** Item sections, several items per section. */
  chunks: { block: SectionBlock; items: number }[];
  /** Items hidden even when every chunk is shown: those over MAX_SLACK_LIST_ITEMS plus `omitted`. */
  hidden: number;
  more: { moreCommand?: string; offset?: number };
}

function fitToBlockLimit(parts: readonly Part[]): KnownBlock[] {
  const max = SLACK_LIMITS.blocksPerMessage;
  const lists = parts.filter((part): part is ListPart => part.kind === 'list');
  const shown = new Map<ListPart, number>(lists.map((list) => [list, 0]));
  const fixed = parts.reduce((sum, part) => sum + (part.kind === 'fixed' ? part.blocks.length : 0), 0);
  let total = fixed + lists.reduce((sum, list) => sum + listCost(list, 0), 0);

  if (total > max) return lastResortCut(parts);

  // Round-robin, one section at a time, so a long first list cannot starve the ones after it.
  let progress = true;
  while (progress) {
    progress = false;
    for (const list of lists) {
      const n = shown.get(list) ?? 0;
      if (n >= list.chunks.length) continue;
      const delta = listCost(list, n + 1) - listCost(list, n);
      if (total + delta > max) continue;
      shown.set(list, n + 1);
      total += delta;
      progress = true;
    }
  }

  return parts.flatMap((part) => (part.kind === 'fixed' ? part.blocks : listBlocks(part, shown.get(part) ?? 0)));
}

/** Blocks a list takes when its first `n` chunks are shown. */
function listCost(list: ListPart, n: number): number {
  return (list.title ? 1 : 0) + n + (hiddenCount(list, n) > 0 ? 1 : 0);
}

function hiddenCount(list: ListPart, n: number): number {
  return list.hidden + list.chunks.slice(n).reduce((sum, chunk) => sum + chunk.items, 0);
}

function listBlocks(list: ListPart, n: number): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (list.title) blocks.push(list.title);
  for (const chunk of list.chunks.slice(0, n)) blocks.push(chunk.block);
  const hidden = hiddenCount(list, n);
  if (hidden > 0) {
    const shownItems = list.chunks.slice(0, n).reduce((sum, chunk) => sum + chunk.items, 0);
    blocks.push(moreLine(hidden, moreCommandAfter(list.more, shownItems)));
  }
  return blocks;
}

function moreLine(hidden: number, command: string | undefined): ContextBlock {
  const tail = command === undefined ? '' : `. Try ${renderCode(command)}`;
  return context(truncateMrkdwn(`…and ${formatNumber(hidden)} more${tail}`, SLACK_LIMITS.contextText));
}

/**
 * Even with every list cut to its title and "…and N more", the other blocks exceed 50 (no command answers
 * like this today). Drop droppable blocks from the end, then anything past the limit, and say so.
 */
function lastResortCut(parts: readonly Part[]): KnownBlock[] {
  const max = SLACK_LIMITS.blocksPerMessage;
  const tagged = parts.flatMap((part) =>
    part.kind === 'fixed'
      ? part.blocks.map((block) => ({ block, keep: part.keep }))
      : listBlocks(part, 0).map((block) => ({ block, keep: false })),
  );
  for (let i = tagged.length - 1; i >= 0 && tagged.length > max - 1; i--) {
    if (!tagged[i]?.keep) tagged.splice(i, 1);
  }
  const blocks = tagged.slice(0, max - 1).map(({ block }) => block);
  blocks.push(context('…the rest of this answer did not fit in one Slack message.'));
  return blocks;
}

// ---------------------------------------------------------------------------------------------------------
// Blocks.

function renderBlock(block: Block, buttons: { next: number }): Part[] {
  switch (block.type) {
    case 'header': {
      const text = truncatePlain(oneLine(block.text), SLACK_LIMITS.headerText);
      if (text === '') return [];
      return [
        { kind: 'fixed', keep: true, blocks: [{ type: 'header', text: { type: 'plain_text', text, emoji: true } }] },
      ];
    }
    case 'text': {
      const sections = packLines(renderMrkdwn(block.text).split('\n'), SLACK_LIMITS.sectionText)
        .filter((chunk) => chunk.text.trim() !== '')
        .map((chunk) => section(chunk.text));
      return sections.length === 0 ? [] : [{ kind: 'fixed', keep: false, blocks: sections }];
    }
    case 'fields': {
      const fields = block.fields.map((field) =>
        mrkdwn(
          truncateMrkdwn(
            `*${escapeMrkdwn(oneLine(field.label))}*\n${renderMrkdwn(field.value)}`,
            SLACK_LIMITS.fieldText,
          ),
        ),
      );
      const blocks: SectionBlock[] = [];
      for (let i = 0; i < fields.length; i += SLACK_LIMITS.fieldsPerSection) {
        blocks.push({ type: 'section', fields: fields.slice(i, i + SLACK_LIMITS.fieldsPerSection) });
      }
      return blocks.length === 0 ? [] : [{ kind: 'fixed', keep: false, blocks }];
    }
    case 'list': {
      const shownItems = block.items.slice(0, MAX_SLACK_LIST_ITEMS);
      const part: ListPart = {
        kind: 'list',
        chunks: packLines(shownItems.map(renderItem), SLACK_LIMITS.sectionText).map((chunk) => ({
          block: section(chunk.text),
          items: chunk.lines,
        })),
        hidden: block.items.length - shownItems.length + Math.max(0, block.omitted ?? 0),
        more: block,
      };
      const title = block.title === undefined ? '' : oneLine(block.title);
      if (title !== '') part.title = section(truncateMrkdwn(`*${escapeMrkdwn(title)}*`, SLACK_LIMITS.sectionText));
      return [part];
    }
    case 'actions': {
      const elements = block.buttons.flatMap((button) => renderButton(button, buttons));
      const blocks: ActionsBlock[] = [];
      for (let i = 0; i < elements.length; i += SLACK_LIMITS.buttonsPerActionsBlock) {
        blocks.push({ type: 'actions', elements: elements.slice(i, i + SLACK_LIMITS.buttonsPerActionsBlock) });
      }
      return blocks.length === 0 ? [] : [{ kind: 'fixed', keep: true, blocks }];
    }
    case 'context': {
      const text = truncateMrkdwn(renderMrkdwn(block.text), SLACK_LIMITS.contextText);
      return text.trim() === '' ? [] : [{ kind: 'fixed', keep: false, blocks: [context(text)] }];
    }
    case 'image': {
      if (block.url === '' || block.url.length > SLACK_LIMITS.imageUrl) return [];
      const alt = truncatePlain(block.alt, SLACK_LIMITS.imageAltText) || 'image';
      return [{ kind: 'fixed', keep: false, blocks: [{ type: 'image', image_url: block.url, alt_text: alt }] }];
    }
    case 'divider':
      return [{ kind: 'fixed', keep: false, blocks: [{ type: 'divider' }] }];
  }
}

function renderItem(item: ListItem): string {
  const detail = item.detail && item.detail.length > 0 ? ` — ${renderMrkdwn(item.detail)}` : '';
  return `• ${renderMrkdwn(item.text)}${detail}`;
}

/**
 * A button's `value` is the command it runs; one longer than Slack allows would run a different command
 * if cut, so such a button is left out rather than truncated.
 */
function renderButton(button: Button, buttons: { next: number }): SlackButton[] {
  if (button.command.length > SLACK_LIMITS.buttonValue) return [];
  const action = button.action === 'share' ? SHARE_ACTION : RUN_COMMAND_ACTION;
  const element: SlackButton = {
    type: 'button',
    action_id: indexedActionId(action, buttons.next++),
    text: {
      type: 'plain_text',
      text: truncatePlain(oneLine(button.label), SLACK_LIMITS.buttonText) || '…',
      emoji: true,
    },
    value: button.command,
  };
  if (button.style) element.style = button.style;
  return [element];
}

function renderShareBlock(command: string, buttons: { next: number }): ActionsBlock | undefined {
  const [button] = renderButton({ label: 'Share in channel', action: 'share', command }, buttons);
  return button && { type: 'actions', block_id: SHARE_BLOCK_ID, elements: [button] };
}

function hasShareButton(message: Message): boolean {
  return message.blocks.some((block) => block.type === 'actions' && block.buttons.some((b) => b.action === 'share'));
}

/**
 * `verbatim: true` turns off Slack's own parsing of the text (auto-linked names, `@here`-style mentions):
 * only the markup written here (`<@U…>`, `<#C…>`, `<url|text>`) is interpreted.
 */
function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text, verbatim: true };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

function context(text: string): ContextBlock {
  return { type: 'context', elements: [mrkdwn(text)] };
}

// ---------------------------------------------------------------------------------------------------------
// Spans → mrkdwn.

/** Rich text as Slack mrkdwn: user text escaped, mentions and channels as Slack markup where ids are known. */
export function renderMrkdwn(rich: RichText): string {
  return rich.map(renderSpan).join('');
}

function renderSpan(span: Span): string {
  switch (span.kind) {
    case 'text':
      return escapeMrkdwn(span.text);
    case 'strong':
      return wrap(escapeMrkdwn(span.text), '*');
    case 'code':
      return renderCode(span.text);
    case 'link': {
      const href = safeHref(span.url);
      const label = oneLine(span.text);
      if (href === undefined)
        return escapeMrkdwn(label === '' || label === span.url ? span.url : `${label} (${span.url})`);
      const url = escapeUrl(href);
      return label === '' || label === span.url || label === href ? `<${url}>` : `<${url}|${escapeLinkLabel(label)}>`;
    }
    case 'user': {
      const id = span.ids?.slack;
      if (id !== undefined && SLACK_USER_ID.test(id)) return `<@${id}>`;
      return escapeMrkdwn(span.email ? `${span.name} (${span.email})` : span.name);
    }
    case 'channel': {
      const target = slackChannelOf(span);
      if (target && 'id' in target) return `<#${target.id}>`;
      return `#${escapeMrkdwn(span.name.replace(/^#/, ''))}`;
    }
  }
}

/**
 * Text shown as written in mrkdwn, never as markup or reordered: Slack's three control characters as entities
 * (`&amp;`, `&lt;`, `&gt;`, Slack's documented escaping), each formatting mark (`*`, `_`, `~`, a backtick) between
 * two word joiners (U+2060, invisible and not a space), so it can neither open nor close bold, italics, strikethrough
 * or code (`*bold*` is shown with its asterisks), and bidi controls removed (core `stripBidiControls`), so a name
 * holding U+202E cannot show the rest of the line backwards.
 */
export function escapeMrkdwn(text: string): string {
  const clean = stripBidiControls(text);
  // Most names hold nothing to escape: one test instead of four replacements (this runs on every span of every answer).
  if (!NEEDS_ESCAPE.test(clean)) return clean;
  return escapeEntities(clean).replace(FORMATTING_MARKS, `${WORD_JOINER}$&${WORD_JOINER}`);
}

/** What `escapeMrkdwn` changes besides bidi controls: Slack's control characters and the formatting marks. */
const NEEDS_ESCAPE = /[&<>*_~`]/;

/** Invisible, and not a space to Slack: a formatting mark next to it touches no word boundary. */
const WORD_JOINER = '\u2060';

/** The marks Slack's mrkdwn formats with: bold, italics, strikethrough, code. */
const FORMATTING_MARKS = /[*_~`]/g;

function escapeEntities(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * Text as inline code. Marks inside backticks are not formatting, so they stay as written (a command copied from the
 * code reads the same); only a backtick would end the code early, so text holding one is shown as escaped text.
 */
function renderCode(text: string): string {
  const clean = stripBidiControls(text);
  if (clean.includes('`')) return escapeMrkdwn(clean);
  return wrap(escapeEntities(clean), '`');
}

/**
 * Inside `<url|label>` a `|`, `<` or `>` in the URL would end it early: percent-encoding keeps the same address, and
 * `&` is written as Slack's `&amp;` (which Slack turns back into `&` in the address).
 */
function escapeUrl(url: string): string {
  return url.replaceAll('&', '&amp;').replaceAll('<', '%3C').replaceAll('>', '%3E').replaceAll('|', '%7C');
}

/**
 * The label of `<url|label>`: Slack's three entities, and `|` as the look-alike `¦`, since Slack reads a second
 * `|` as the end of the label in some clients.
 */
function escapeLinkLabel(label: string): string {
  return escapeMrkdwn(label).replaceAll('|', '¦');
}

/** Slack only formats `*x*` when the marks touch the text, so surrounding spaces go outside them. */
function wrap(text: string, mark: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(text);
  const [, before = '', inner = '', after = ''] = match ?? [];
  return inner === '' ? text : `${before}${mark}${inner}${mark}${after}`;
}

function oneLine(text: string): string {
  return text.includes('\n') ? text.replace(/\s*\n\s*/g, ' ').trim() : text.trim();
}

// ---------------------------------------------------------------------------------------------------------
// Lengths.

/** Joins lines into as few chunks of ≤ `max` as possible; a line longer than `max` is cut. */
export function packLines(lines: readonly string[], max: number): { text: string; lines: number }[] {
  const chunks: { text: string; lines: number }[] = [];
  let current: { text: string; lines: number } | undefined;
  for (const raw of lines) {
    const line = truncateMrkdwn(raw, max);
    if (current && current.text.length + 1 + line.length <= max) {
      current.text += `\n${line}`;
      current.lines += 1;
    } else {
      current = { text: line, lines: 1 };
      chunks.push(current);
    }
  }
  return chunks;
}

/** Cuts mrkdwn to ≤ `max`, ending in `…`, between graphemes and never inside an entity or a `<…>` link or mention. */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = graphemePrefix(text, max - 1);
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  const amp = cut.lastIndexOf('&');
  if (amp > cut.lastIndexOf(';')) cut = cut.slice(0, amp);
  return `${cut}…`;
}

/**
 * Text for a plain_text element (a header, a button, a form label): bidi controls removed (plain_text shows no
 * formatting, but a U+202E would still reorder it), then cut to ≤ `max`, ending in `…`, between graphemes (core
 * `truncate`).
 */
export function truncatePlain(text: string, max: number): string {
  return truncate(stripBidiControls(text), max);
}
