/**
 * The one parser of command text that every command uses: words, and the flags the command declares, written as
 * people type them. `--reverse`, `—reverse` and `–reverse` are the same flag (phones and Macs turn `--` into a dash);
 * a value follows as `--depth 3` or `--depth=3`. A quoted part holds its spaces and is one word or value:
 * `owner:"Sam Smith"`, `--team "Sam Smith"`, `--team=“Sam Smith”` (see `tokenize`). Every value is checked by the flag's
 * zod schema, and whatever does not fit is refused with one sentence naming the flag, what was expected and what was
 * given: an unknown flag, a flag given twice, a missing value, `--reverse=maybe`. Nothing is guessed.
 */
import { z } from 'zod';
import { formatNumber, wordList } from '../text.ts';

/** A flag that is on when given: `--reverse`, `--reverse=true`; `--reverse=false` turns it off. */
export interface BooleanFlag {
  kind: 'boolean';
}

/** A flag with a value, checked (and converted) by `schema`; `expected` says in words what it takes. */
export interface ValueFlag<T extends z.ZodType = z.ZodType> {
  kind: 'value';
  schema: T;
  /** What the value must be, e.g. `a whole number from 1 to 5`. */
  expected: string;
  /** How the flag appears in a usage line, e.g. `--depth N`. */
  synopsis: string;
  /** A value to show in a "needs a value" answer (`payments`); absent: a number the schema takes, if it takes one. */
  example?: string;
}

export type Flag = BooleanFlag | ValueFlag;

export type FlagValues<F extends Record<string, Flag>> = {
  [K in keyof F]: F[K] extends ValueFlag<infer T> ? z.output<T> | undefined : boolean;
};

export type ParsedArgs<F extends Record<string, Flag>> =
  | {
      ok: true;
      /**
       * The words that are not flags, in order, as typed: a quoted part is one word with its quotes
       * (`owner:"Sam Smith"`); `unquote` takes them off a value.
       */
      words: string[];
      /** The words joined by spaces, without quotes around the whole (`"Ada Lovelace"` → `Ada Lovelace`). */
      text: string;
      flags: FlagValues<F>;
      /**
       * The flags written, in the order written (`--reverse=false` too): a command refuses those that do not apply to
       * what the name turned out to be with `notApplicable`, never ignores them.
       */
      given: string[];
      /**
       * Each given flag's value as written, quotes taken off (`--team "Sam Smith"` → `Sam Smith`), or `true` for a
       * flag written without one: what `givenFlags` writes back.
       */
      raw: Readonly<Record<string, string | true>>;
    }
  | { ok: false; problem: string };

/** What `parseArgs` returns for text it could read. */
export type ArgsRead<F extends Record<string, Flag>> = Extract<ParsedArgs<F>, { ok: true }>;

export function booleanFlag(): BooleanFlag {
  return { kind: 'boolean' };
}

export function valueFlag<T extends z.ZodType>(opts: {
  schema: T;
  expected: string;
  synopsis: string;
  example?: string;
}): ValueFlag<T> {
  return { kind: 'value', ...opts };
}

/**
 * `--offset N`: where a paged list starts, as the hint under a cut list writes it (0 is the first item).
 * Shared by every command that pages (`/owner`, `/deps`, `/find`).
 */
/** Further than any list Wayfinder answers runs. */
const MAX_OFFSET = 1_000_000;

export const offsetFlag = valueFlag({
  schema: z.coerce
    .number({ error: 'expected a whole number, 0 or more' })
    .min(0, 'expected a whole number, 0 or more')
    // Checked before `int`: a number past JavaScript's safe integers is not "not whole", it is too far.
    .max(MAX_OFFSET, `expected at most ${formatNumber(MAX_OFFSET)}`)
    .int('expected a whole number, 0 or more'),
  expected: 'a whole number, 0 or more',
  synopsis: '--offset N',
});

/** How people write true and false after `=`. */
const BooleanValue = z
  .enum(['true', 'false', 'yes', 'no', 'on', 'off', '1', '0'], { error: 'expected true or false, or no value' })
  .transform((value) => ['true', 'yes', 'on', '1'].includes(value));

/** The start of a flag: `--`, one hyphen, or the en and em dashes a phone or a Mac types for `--`. */
const FLAG_START = /^[-‐‑‒–—―−]+/;
/** A negative number after a value flag is its (wrong) value, not another flag. */
const NEGATIVE_NUMBER = /^[-−]\d/;

/**
 * Splits `text` into words and the `flags` declared. Returns a problem sentence for anything it cannot take: an
 * unknown flag (listing the known ones), a flag given twice, a value flag without a value, or a value the flag's
 * schema refuses. `command` (e.g. `/deps`) is named in the unknown-flag sentence.
 */
export function parseArgs<F extends Record<string, Flag>>(text: string, flags: F, command: string): ParsedArgs<F> {
  const tokens = tokenize(text);
  const words: string[] = [];
  const raw = new Map<string, string | true>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const dashes = FLAG_START.exec(token);
    // A dash on its own is punctuation (`/find payments – refunds`), and a negative number is a word.
    if (!dashes || dashes[0] === token || NEGATIVE_NUMBER.test(token)) {
      words.push(token);
      continue;
    }
    const body = token.slice(dashes[0].length);
    const equals = body.indexOf('=');
    const name = (equals === -1 ? body : body.slice(0, equals)).toLowerCase();
    const flag = Object.hasOwn(flags, name) ? flags[name] : undefined;
    if (!flag) return { ok: false, problem: unknownFlag(token, flags, command) };
    if (raw.has(name)) return { ok: false, problem: `--${name} is given twice; give it once.` };
    if (equals !== -1) {
      raw.set(name, unquote(body.slice(equals + 1)));
      continue;
    }
    const next = tokens[i + 1];
    if (flag.kind === 'value') {
      if (next === undefined || (FLAG_START.test(next) && !NEGATIVE_NUMBER.test(next))) {
        const example = exampleOf(flag);
        const asIn = example === undefined ? '' : `, as in ${flag.synopsis.replace(/ \S+$/, ` ${example}`)}`;
        return { ok: false, problem: `--${name} needs a value: ${flag.expected}${asIn}.` };
      }
      raw.set(name, unquote(next));
      i++;
    } else {
      raw.set(name, true);
    }
  }

  const values: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(flags)) {
    const given = raw.get(name);
    if (flag.kind === 'boolean') {
      if (given === undefined || given === true) {
        values[name] = given === true;
        continue;
      }
      const parsed = BooleanValue.safeParse(given.toLowerCase());
      if (!parsed.success)
        return { ok: false, problem: `--${name} takes no value (or true or false); got "${given}".` };
      values[name] = parsed.data;
      continue;
    }
    if (given === undefined) continue;
    if (given === true || given === '') {
      return { ok: false, problem: `--${name} needs a value: ${flag.expected}.` };
    }
    const parsed = flag.schema.safeParse(given);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? `expected ${flag.expected}`;
      return { ok: false, problem: `--${name}: ${message}; got "${given}".` };
    }
    values[name] = parsed.data;
  }
  return {
    ok: true,
    words,
    text: unquote(words.join(' ')),
    flags: values as FlagValues<F>,
    given: [...raw.keys()],
    raw: Object.fromEntries(raw),
  };
}

/** A flag as given, written back: `--reverse`, `--depth 3`, `--team "Sam Smith"`. */
export interface GivenFlag {
  /** Its name without dashes, as `ParsedArgs.given` holds it. */
  name: string;
  /** The flag written back, value and all. */
  text: string;
}

/**
 * The flags given in `args` (parsed with `flags`), in the order given, each written back in one spelling that
 * `parseArgs` reads as the same value: `—reverse` → `--reverse`, `--depth=3` → `--depth 3`, `--team=“Sam Smith”` →
 * `--team "Sam Smith"`. For buttons and hints that run a command again as the person gave it. A boolean flag turned off
 * (`--reverse=false`) is left out, as it is the same as not giving it; so are the flags named in `omit` (`offset`: a
 * button naming another entity starts at its first page).
 */
export function givenFlags<F extends Record<string, Flag>>(
  args: ArgsRead<F>,
  flags: F,
  opts: { omit?: readonly string[] } = {},
): GivenFlag[] {
  return args.given.flatMap((name) => {
    const flag = Object.hasOwn(flags, name) ? flags[name] : undefined;
    if (!flag || opts.omit?.includes(name)) return [];
    if (flag.kind === 'boolean') return args.flags[name] === true ? [{ name, text: `--${name}` }] : [];
    const value = args.raw[name];
    if (typeof value !== 'string') return [];
    // A value starting with a dash after a space would read as the next flag; after `=` it is the value.
    const separator = FLAG_START.test(value) && !NEGATIVE_NUMBER.test(value) ? '=' : ' ';
    return [{ name, text: `--${name}${separator}${quoteValue(value)}` }];
  });
}

/**
 * A word or value as command text that `tokenize` and `unquote` read back as `value`: as it is when it holds no
 * whitespace and no quote, else in double quotes, or in single quotes when a double quote in it would close the quoted
 * part early (`Sam Smith` → `"Sam Smith"`, `say "hi" now` → `'say "hi" now'`). A value that both kinds of quote would
 * close early cannot be written back; it gets double quotes.
 */
export function quoteValue(value: string): string {
  if (!/[\s"'“”‘’]/.test(value)) return value;
  const chars = [...value];
  const closesEarly = (closers: string) =>
    chars.some((char, i) => closers.includes(char) && (i === chars.length - 1 || /\s/.test(chars[i + 1] ?? '')));
  if (!closesEarly(CLOSING_QUOTES['"'] ?? '')) return `"${value}"`;
  if (!closesEarly(CLOSING_QUOTES["'"] ?? '')) return `'${value}'`;
  return `"${value}"`;
}

/**
 * The sentence that refuses flags which the command takes but which do not apply to what the name turned out to be:
 * `--offset does not apply to payments-api, a Component: only a team's or a person's list of holdings has pages.
 * Leave it out.` `flags` are names without dashes, as `ParsedArgs.given` holds them; `subject` names the entity and
 * what it is; `reason` says where the flag does apply.
 */
export function notApplicable(flags: readonly string[], subject: string, reason: string): string {
  const written = flags.map((flag) => `--${flag}`);
  return `${wordList(written)} ${written.length === 1 ? 'does' : 'do'} not apply to ${subject}: ${reason}. Leave ${written.length === 1 ? 'it' : 'them'} out.`;
}

/** `Unknown option --backwards; /deps takes --reverse, --depth N and --offset N.` */
function unknownFlag(token: string, flags: Record<string, Flag>, command: string): string {
  const known = Object.entries(flags).map(([name, flag]) => (flag.kind === 'value' ? flag.synopsis : `--${name}`));
  const takes = known.length === 0 ? `${command} takes no options` : `${command} takes ${wordList(known)}`;
  return `Unknown option ${token}; ${takes}.`;
}

/**
 * A value the flag accepts, for the example in a "needs a value" answer: its `example`, else, for a flag that takes
 * numbers only, the first of 2, 1, 0 it takes. A flag taking words has none without an `example` (`--team 2` would
 * read as advice).
 */
function exampleOf(flag: ValueFlag): string | undefined {
  if (flag.example !== undefined) return flag.example;
  if (flag.schema.safeParse('word').success) return undefined;
  return ['2', '1', '0'].find((candidate) => flag.schema.safeParse(candidate).success);
}

/** Quotes that open a quoted part, each with the quotes that may close it (a phone types “…” or "…"). */
const CLOSING_QUOTES: Readonly<Record<string, string>> = {
  '"': '"“”',
  '“': '"“”',
  '”': '"“”',
  "'": "'‘’",
  '‘': "'‘’",
};

/**
 * `text` cut into words at whitespace, except inside a quoted part: a quote at the start of a word or right after `:`
 * or `=` (`"Sam Smith"`, `owner:"Sam Smith"`, `--team="Sam Smith"`) opens one, and the next matching quote that ends a
 * word closes it. Quotes stay in the words (`unquote` takes them off). A quote with no closing one, or inside a word
 * (`O'Brien`, `5"`), is an ordinary character.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] as string;
    if (/\s/.test(char)) {
      if (current !== '') tokens.push(current);
      current = '';
      continue;
    }
    const closers = CLOSING_QUOTES[char];
    if (closers !== undefined && (current === '' || /[:=]$/.test(current))) {
      const close = closingQuote(chars, i + 1, closers);
      if (close !== -1) {
        current += chars.slice(i, close + 1).join('');
        i = close;
        continue;
      }
    }
    current += char;
  }
  if (current !== '') tokens.push(current);
  return tokens;
}

/** The index of the first of `closers` at or after `from` that ends a word (whitespace or the end follows), or -1. */
function closingQuote(chars: readonly string[], from: number, closers: string): number {
  for (let i = from; i < chars.length; i++) {
    const next = chars[i + 1];
    if (closers.includes(chars[i] as string) && (next === undefined || /\s/.test(next))) return i;
  }
  return -1;
}

/**
 * `"Ada Lovelace"` or `“Ada Lovelace”` → `Ada Lovelace`: quotes around the whole text are not part of a name or a
 * value. Text not quoted as a whole comes back unchanged.
 */
export function unquote(text: string): string {
  const match = /^(["'“‘])(.*)(["'”’])$/s.exec(text);
  return match?.[2] !== undefined && text.length >= 2 ? match[2].trim() : text;
}
