import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  booleanFlag,
  givenFlags,
  offsetFlag,
  parseArgs,
  quoteValue,
  tokenize,
  unquote,
  valueFlag,
} from '../../../src/core/commands/args.ts';

const FLAGS = {
  reverse: booleanFlag(),
  depth: valueFlag({
    schema: z.coerce
      .number()
      .int()
      .min(1, 'expected a whole number from 1 to 5')
      .max(5, 'expected a whole number from 1 to 5'),
    expected: 'a whole number from 1 to 5',
    synopsis: '--depth N',
  }),
  offset: offsetFlag,
};

const parse = (text: string) => parseArgs(text, FLAGS, '/deps');

describe('parseArgs', () => {
  it('splits words from flags written as --flag, --flag value and --flag=value', () => {
    expect(parse('payments-api --reverse --depth 3')).toEqual({
      ok: true,
      words: ['payments-api'],
      text: 'payments-api',
      flags: { reverse: true, depth: 3, offset: undefined },
      given: ['reverse', 'depth'],
      raw: { reverse: true, depth: '3' },
    });
    expect(parse('--depth=4 payments-api')).toMatchObject({ ok: true, text: 'payments-api', flags: { depth: 4 } });
  });

  it('says an --offset past any list is too far, not that it is not a whole number', () => {
    expect(parse('payments-api --offset 1000000000000000000000')).toEqual({
      ok: false,
      problem: '--offset: expected at most 1,000,000; got "1000000000000000000000".',
    });
    expect(parse('payments-api --offset 1.5')).toMatchObject({ ok: false, problem: expect.stringContaining('whole') });
  });

  it('reads the dashes phones and Macs type for -- as --', () => {
    for (const dash of ['—', '–', '——', '-', '−']) {
      expect(parse(`payments-api ${dash}reverse ${dash}depth 2`), dash).toMatchObject({
        ok: true,
        flags: { reverse: true, depth: 2 },
      });
    }
  });

  it('takes true and false for a boolean flag and refuses anything else', () => {
    expect(parse('x --reverse=true')).toMatchObject({ flags: { reverse: true } });
    expect(parse('x --reverse=YES')).toMatchObject({ flags: { reverse: true } });
    expect(parse('x --reverse=false')).toMatchObject({ flags: { reverse: false } });
    expect(parse('x --reverse=maybe')).toEqual({
      ok: false,
      problem: '--reverse takes no value (or true or false); got "maybe".',
    });
  });

  it('refuses a value flag with no value, naming what it takes, rather than guessing one', () => {
    const problem = '--depth needs a value: a whole number from 1 to 5, as in --depth 2.';
    expect(parse('x --depth')).toEqual({ ok: false, problem });
    expect(parse('x --depth --reverse')).toEqual({ ok: false, problem });
    expect(parse('x --depth —reverse')).toEqual({ ok: false, problem });
  });

  it('gives a flag taking words its own example, and no number as one', () => {
    const words = {
      team: valueFlag({ schema: z.string().min(1), expected: 'a team', synopsis: '--team <name>' }),
      owner: valueFlag({ schema: z.string().min(1), expected: 'a team', synopsis: '--owner <name>', example: 'sre' }),
    };
    expect(parseArgs('x --team', words, '/ask')).toEqual({ ok: false, problem: '--team needs a value: a team.' });
    expect(parseArgs('x --owner', words, '/ask')).toEqual({
      ok: false,
      problem: '--owner needs a value: a team, as in --owner sre.',
    });
  });

  it('hands a negative number to the flag to judge, and refuses it with what was given', () => {
    expect(parse('x --depth -2')).toEqual({
      ok: false,
      problem: '--depth: expected a whole number from 1 to 5; got "-2".',
    });
  });

  it('refuses an unknown flag, listing the ones the command takes, and a flag given twice', () => {
    expect(parse('x --backwards')).toEqual({
      ok: false,
      problem: 'Unknown option --backwards; /deps takes --reverse, --depth N and --offset N.',
    });
    expect(parseArgs('x --reverse', {}, '/service')).toEqual({
      ok: false,
      problem: 'Unknown option --reverse; /service takes no options.',
    });
    expect(parse('x --reverse --reverse')).toEqual({ ok: false, problem: '--reverse is given twice; give it once.' });
  });

  it('keeps a quoted part with its spaces as one word or one value, and a lone or inner quote as a character', () => {
    const ask = (text: string) =>
      parseArgs(
        text,
        { team: valueFlag({ schema: z.string(), expected: 'a name', synopsis: '--team <name>' }) },
        '/ask',
      );
    expect(parse('api owner:"Sam Smith" --depth 2')).toMatchObject({
      ok: true,
      words: ['api', 'owner:"Sam Smith"'],
      flags: { depth: 2 },
    });
    expect(ask('who --team "Sam Smith"')).toMatchObject({ ok: true, words: ['who'], flags: { team: 'Sam Smith' } });
    expect(ask('who --team=“Sam Smith” now')).toMatchObject({
      ok: true,
      words: ['who', 'now'],
      flags: { team: 'Sam Smith' },
    });
    expect(parse('"--reverse" x')).toMatchObject({ ok: true, words: ['"--reverse"', 'x'], flags: { reverse: false } });
    expect(parse(`O'Brien's 5" screen`)).toMatchObject({ ok: true, words: ["O'Brien's", '5"', 'screen'] });
    expect(parse('say "hello there')).toMatchObject({ ok: true, words: ['say', '"hello', 'there'] });
  });

  it('keeps a dash on its own and quotes around the whole text out of the name', () => {
    expect(parse('payments – refunds')).toMatchObject({ ok: true, text: 'payments – refunds' });
    expect(parse('"Ada Lovelace"')).toMatchObject({ ok: true, text: 'Ada Lovelace' });
    expect(parse('“Ada Lovelace”')).toMatchObject({ ok: true, text: 'Ada Lovelace' });
  });
});

describe('givenFlags', () => {
  const TEAM_FLAGS = {
    team: valueFlag({ schema: z.string().min(1), expected: 'a name', synopsis: '--team <name>' }),
    reverse: booleanFlag(),
  };
  const written = (text: string, omit?: string[]) => {
    const parsed = parseArgs(text, TEAM_FLAGS, '/ask');
    if (!parsed.ok) throw new Error(parsed.problem);
    return givenFlags(parsed, TEAM_FLAGS, omit ? { omit } : {}).map((flag) => flag.text);
  };

  it('writes the flags back in the order given, in one spelling, leaving out those omitted', () => {
    const parsed = parse('payments-api —depth=3 –reverse --offset 50');
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(givenFlags(parsed, FLAGS, { omit: ['offset'] })).toEqual([
      { name: 'depth', text: '--depth 3' },
      { name: 'reverse', text: '--reverse' },
    ]);
    expect(givenFlags(parsed, FLAGS).map((flag) => flag.text)).toEqual(['--depth 3', '--reverse', '--offset 50']);
  });

  it('leaves out a boolean flag turned off, and writes one turned on with a word as the bare flag', () => {
    expect(written('x --reverse=false')).toEqual([]);
    expect(written('x --reverse=yes')).toEqual(['--reverse']);
  });

  it('writes back values that the parser reads as the same value: spaces, quotes and a leading dash', () => {
    for (const text of [
      'x --team “Sam Smith”',
      `x --team 'say "hi" now'`,
      `x --team O'Brien`,
      'x --team=-dashing --reverse',
      'x --team="- spaced out"',
      `x --team '"quoted"'`,
    ]) {
      const first = parseArgs(text, TEAM_FLAGS, '/ask');
      if (!first.ok) throw new Error(first.problem);
      const again = parseArgs(`x ${written(text).join(' ')}`, TEAM_FLAGS, '/ask');
      expect(again, text).toMatchObject({ ok: true, words: ['x'], flags: first.flags });
    }
    expect(written('x --team=“Sam Smith”')).toEqual(['--team "Sam Smith"']);
    expect(written('x --team=-dashing')).toEqual(['--team=-dashing']);
  });
});

describe('quoteValue', () => {
  it('leaves a plain word alone and quotes a value tokenize would split or unquote would change', () => {
    expect(quoteValue('payments-api')).toBe('payments-api');
    expect(quoteValue('Sam Smith')).toBe('"Sam Smith"');
    expect(quoteValue('say "hi" now')).toBe(`'say "hi" now'`);
    for (const value of ['Sam Smith', 'say "hi" now', `O'Brien`, '"quoted"', `it's "here" now`]) {
      const tokens = tokenize(`owner:${quoteValue(value)} more`);
      expect(tokens, value).toHaveLength(2);
      expect(unquote(tokens[0]?.slice('owner:'.length) ?? ''), value).toBe(value);
    }
  });
});
