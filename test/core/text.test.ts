import { describe, expect, it } from 'vitest';
import {
  countOf,
  graphemePrefix,
  plural,
  safeHref,
  safeLink,
  splitText,
  truncate,
  wordList,
} from '../../src/core/text.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('truncate', () => {
  it('leaves text that fits as it is', () => {
    expect(truncate('payments', 8)).toBe('payments');
  });

  it('cuts between graphemes and ends in …, within the length asked', () => {
    // 😀 is two UTF-16 code units: at 4, only `ab` and the ellipsis fit.
    expect(truncate('ab😀😀😀', 4)).toBe('ab…');
    expect(truncate('ab😀😀😀', 5)).toBe('ab😀…');
    expect(truncate('ab😀😀😀', 6)).toBe('ab😀…');
  });

  it('keeps a family emoji, a flag and an accented letter whole or drops them whole', () => {
    const family = '👨‍👩‍👧';
    for (let max = 1; max <= 12; max++) {
      const cut = truncate(`${family}🇫🇷e\u0301${family}`, max);
      expect(cut).not.toMatch(LONE_SURROGATE);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.replaceAll(family, '')).not.toMatch(/[\u200d👨👩👧]/u);
      expect(cut).not.toMatch(/e(?!\u0301)…/);
    }
  });

  it('gives the longest start of whole graphemes within a length', () => {
    expect(graphemePrefix('e\u0301e\u0301', 3)).toBe('e\u0301');
    expect(graphemePrefix('x', 0)).toBe('');
  });
});

describe('plural and countOf', () => {
  it('uses the singular for one and the plural for anything else, verbs included', () => {
    expect(countOf(1, 'entity', 'entities')).toBe('1 entity');
    expect(countOf(17_800, 'entity', 'entities')).toBe('17,800 entities');
    expect(countOf(0, 'entity', 'entities')).toBe('0 entities');
    expect(countOf(3, 'more team')).toBe('3 more teams');
    expect(`${countOf(1, 'entity', 'entities')} ${plural(1, 'depends', 'depend')}`).toBe('1 entity depends');
    expect(`${countOf(2, 'entity', 'entities')} ${plural(2, 'depends', 'depend')}`).toBe('2 entities depend');
  });
});

describe('wordList', () => {
  it('joins words as a sentence lists them, with no comma before the last', () => {
    expect(wordList([])).toBe('');
    expect(wordList(['--reverse'])).toBe('--reverse');
    expect(wordList(['2026-W49', '2026-W48'])).toBe('2026-W49 and 2026-W48');
    expect(wordList(['API', 'Component', 'Group'])).toBe('API, Component and Group');
    expect(wordList(['import', 'validate', 'sync'], 'or')).toBe('import, validate or sync');
  });
});

describe('safeHref', () => {
  it('accepts http, https and mailto, percent-encoding what a link cannot hold', () => {
    expect(safeHref('https://acme.example/run book')).toBe('https://acme.example/run%20book');
    expect(safeHref(' http://acme.example/a?b=<c>')).toBe('http://acme.example/a?b=%3Cc%3E');
    expect(safeHref('mailto:sre@acme.example')).toBe('mailto:sre@acme.example');
  });

  it('refuses every other scheme, a relative path and a URL the parser refuses', () => {
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'java\nscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox',
      '/relative/path',
      'https://exa mple.com',
      'https://',
      '',
    ]) {
      expect(safeHref(url), url).toBeUndefined();
    }
  });

  it('makes a safe URL a link and shows any other as text, with its label', () => {
    expect(safeLink('Runbook', 'https://acme.example/run book')).toEqual({
      kind: 'link',
      text: 'Runbook',
      url: 'https://acme.example/run%20book',
    });
    expect(safeLink('Click', 'javascript:alert(1)')).toEqual({ kind: 'text', text: 'Click (javascript:alert(1))' });
    expect(safeLink('javascript:x', 'javascript:x')).toEqual({ kind: 'text', text: 'javascript:x' });
  });
});

describe('splitText', () => {
  it('cuts between whole sentences where they fit, Japanese ones too', () => {
    expect(splitText('Deploy on Monday. Roll back on Tuesday. Rest on Wednesday.', 40)).toEqual([
      'Deploy on Monday. Roll back on Tuesday.',
      'Rest on Wednesday.',
    ]);
    expect(splitText('休暇は二十日です。申請は一週間前までに。', 12)).toEqual([
      '休暇は二十日です。',
      '申請は一週間前までに。',
    ]);
  });

  it('cuts a sentence too long between words, and a word too long between graphemes, never inside an emoji', () => {
    expect(splitText('one two three four five six', 10)).toEqual(['one two', 'three four', 'five six']);
    const flags = '🇯🇵'.repeat(5);
    const pieces = splitText(flags, 5);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(5);
    expect(pieces.join('')).toBe(flags);
    expect(pieces.every((piece) => piece.length % 4 === 0)).toBe(true);
    expect(splitText('  ', 3)).toEqual([]);
  });
});
