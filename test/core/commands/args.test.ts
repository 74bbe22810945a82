import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { booleanFlag, offsetFlag, parseArgs, valueFlag } from '../../../src/core/commands/args.ts';

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
