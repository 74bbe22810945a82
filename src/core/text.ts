/**
 * The text helpers every command and renderer shares (STYLE.md rule 25), one per concern: cutting text at grapheme
 * boundaries and splitting it at sentences and words (`Intl.Segmenter`), counting nouns in English
 * (`Intl.PluralRules`), deciding which URLs may become links, and removing the invisible characters that reorder a
 * line (bidi controls). Pure: no platform, no clock.
 */
import type { Span } from './view-model.ts';
import { link, text } from './view-model.ts';

// ---------------------------------------------------------------------------------------------------------
// Cutting.

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** What a cut text ends in. */
export const ELLIPSIS = '…';

/**
 * The longest start of `value` made of whole graphemes (what a reader sees as one character: an emoji with its
 * modifiers, a flag, a letter and its accents) that is at most `max` UTF-16 code units long. Lengths are code units,
 * JavaScript's `length`, which is never fewer than the characters Slack or Teams count.
 */
export function graphemePrefix(value: string, max: number): string {
  if (value.length <= max) return value;
  if (max <= 0) return '';
  for (const { segment, index } of graphemes.segment(value)) {
    if (index + segment.length > max) return value.slice(0, index);
  }
  return value;
}

/**
 * `value` cut to at most `max` UTF-16 code units, ending in `…` when anything was cut; unchanged when it fits.
 * The cut falls between graphemes, so it never leaves half a surrogate pair or an accent without its letter.
 * `max` below 1 gives ''.
 */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  if (max < ELLIPSIS.length) return '';
  return `${graphemePrefix(value, max - ELLIPSIS.length)}${ELLIPSIS}`;
}

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });
const words = new Intl.Segmenter('en', { granularity: 'word' });

/** Characters read past a cut to place it: sentence and word boundaries depend a little on what follows. */
const LOOKAHEAD = 64;

/**
 * `value` cut into pieces of at most `max` UTF-16 code units (`max` at least 1), each trimmed, none empty: between
 * sentences where whole sentences fit (UAX #29, so a line break ends one too), else between words, else between
 * graphemes (a single grapheme longer than `max` is a piece alone). Each piece holds as much as fits, in order;
 * joined with spaces they read as `value` with its whitespace evened out at the cuts. Blank `value` gives no pieces.
 * Only a window of about `max` characters is segmented at each cut: `Intl.Segmenter` slows down on long strings.
 */
export function splitText(value: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = value.trim();
  while (rest.length > max && max >= 1) {
    const window = rest.slice(0, max + LOOKAHEAD);
    const cut =
      lastBoundary(sentences, window, max) ??
      lastBoundary(words, window, max) ??
      (graphemePrefix(window, max).length || graphemes.segment(window).containing(0)?.segment.length || 1);
    const piece = rest.slice(0, cut).trim();
    if (piece) pieces.push(piece);
    rest = rest.slice(cut).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** The last boundary of `segmenter` in `window` after its start and at most `max` code units in; undefined: none. */
function lastBoundary(segmenter: Intl.Segmenter, window: string, max: number): number | undefined {
  let last: number | undefined;
  for (const { index } of segmenter.segment(window)) {
    if (index > max) break;
    // The window starts with text (the rest is trimmed), so any boundary after 0 follows some.
    if (index > 0) last = index;
  }
  return last;
}

// ---------------------------------------------------------------------------------------------------------
// Direction.

/**
 * The Unicode bidi controls that change the order in which the rest of a line is shown: the embeddings and overrides
 * U+202A–U+202E (after U+202E RIGHT-TO-LEFT OVERRIDE the rest of the line reads backwards), the isolates U+2066–U+2069,
 * and the marks U+200E, U+200F and U+061C.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * `value` without bidi controls (see `BIDI_CONTROLS`), so text from the catalog cannot reorder the rest of the line it
 * is shown on. Right-to-left letters themselves are kept and still shown right to left.
 */
export function stripBidiControls(value: string): string {
  return value.replace(BIDI_CONTROLS, '');
}

// ---------------------------------------------------------------------------------------------------------
// Counting.

const pluralRules = new Intl.PluralRules('en');

/**
 * The form of a word English uses with `count`: `one` for 1, else `other` (by default the regular plural, `one` + s).
 * Works for verbs too: `plural(n, 'depends', 'depend')`.
 */
export function plural(count: number, one: string, other = `${one}s`): string {
  return pluralRules.select(count) === 'one' ? one : other;
}

const numberFormat = new Intl.NumberFormat('en-US');

/** `17,800`: every number an answer shows, with thousands separators (one formatter, so all answers agree). */
export function formatNumber(count: number): string {
  // Below a thousand there is no separator to add; `Intl` costs microseconds a call, and answers show many counts.
  return Number.isInteger(count) && count > -1_000 && count < 1_000 ? String(count) : numberFormat.format(count);
}

/**
 * Words in a sentence: `a`, `a and b`, `a, b and c` (no comma before the last), or with `or` for a choice; empty for
 * none. Every message that lists flags, kinds, weeks or values joins them this way.
 */
export function wordList(words: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1)}`;
}

/** `1 entity`, `3 entities`, `17,800 entities`: the count (see `formatNumber`) and the noun's form for it. */
export function countOf(count: number, one: string, other = `${one}s`): string {
  return `${formatNumber(count)} ${plural(count, one, other)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Links.

/** The only URL schemes an answer turns into links: web pages and email. */
const LINK_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:']);

/**
 * The URL as an answer may link to it, or undefined when it must be shown as text: only `http:`, `https:` (with a
 * host) and `mailto:` URLs become links, never `javascript:`, `data:`, `file:` or a relative path. The URL comes back
 * as the WHATWG URL parser writes it (`URL.href`), so spaces and other characters a link cannot hold are
 * percent-encoded (`https://acme.example/run book` → `https://acme.example/run%20book`), and a URL the parser refuses
 * (`https://exa mple.com`) is no link.
 */
export function safeHref(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (!LINK_PROTOCOLS.has(parsed.protocol)) return undefined;
  if (parsed.protocol !== 'mailto:' && parsed.hostname === '') return undefined;
  return parsed.href;
}

/**
 * A link to `url` labelled `label` when `url` is safe (see `safeHref`), else the same words as plain text:
 * `label (url)`, or the URL alone when it is its own label. Commands build every link from catalog data with this.
 */
export function safeLink(label: string, url: string): Span {
  const href = safeHref(url);
  if (href !== undefined) return link(label, href);
  return text(label === '' || label === url ? url : `${label} (${url})`);
}
