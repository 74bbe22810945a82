/**
 * Markdown cut into chunks that follow its headings, for the docs index. Parsed with a real CommonMark parser
 * (`mdast-util-from-markdown` with GitHub Flavored Markdown: tables, task lists, strikethrough, autolinks), never with
 * regular expressions; a chunk's text is the source's own markdown between node offsets, so code blocks and tables
 * are quoted exactly as written.
 *
 * Rules:
 * - A heading starts a section; a section's chunks carry the file's title and the heading path (`Runbook › Alerts ›
 *   High error rate`) and the anchor GitHub would give that heading (`github-slugger`, one slugger per file, so a
 *   repeated heading gets `-1`, `-2` as on GitHub).
 * - No chunk is longer than `maxChars` (UTF-16 code units, `DEFAULT_MAX_CHUNK_CHARS` unless given), so every chunk
 *   can be embedded (OpenAI's embedding models take at most 8,192 tokens a text) and quoted in a prompt.
 * - A section longer than `maxChars` is split between top-level blocks; each later piece starts with the tail (at most
 *   `overlapChars`, cut at a word, and only as much as fits) of the block before it, so a sentence that spans the cut
 *   is found from both sides.
 * - A code block or a table that fits `maxChars` is kept whole in one chunk, and is never carried as an overlap. One
 *   longer than that is cut between lines (a table between rows): each part is fenced again as the block was, or
 *   under the table's header, so it still reads as code or a table. A paragraph, list or quote longer than that is cut
 *   between sentences, else words.
 * - YAML front matter (`---` … `---` at the top, as MkDocs allows) is dropped; its `title:` names the file.
 * - HTML comments (`<!-- … -->`, as a block or inside a paragraph or heading) are dropped: they are notes to the
 *   file's editors, never shown on the page, so they are neither indexed nor quoted. A comment inside a code block is
 *   code, and kept.
 *
 * The parser is loaded on the first file, so a process that indexes nothing does not load it.
 */
import { createHash } from 'node:crypto';
import GithubSlugger from 'github-slugger';
import type { Root, RootContent } from 'mdast';
import { toString as textOf } from 'mdast-util-to-string';
import { parse as parseYaml } from 'yaml';
import { splitText } from '../core/text.ts';

export interface MarkdownChunk {
  /** 0-based position of the chunk in its file. */
  ordinal: number;
  /** Headings from the file's top down to the chunk's section; empty for text before the first heading. */
  headingPath: string[];
  /** GitHub's anchor for the chunk's section heading (`high-error-rate`), absent before the first heading. */
  anchor?: string;
  /** The chunk's markdown, as written in the file (the heading line itself left out). */
  content: string;
  /** sha256 of the heading path and content: an unchanged chunk keeps its embedding. */
  contentHash: string;
}

export interface ChunkedMarkdown {
  /** The front matter's `title`, else the first level-1 heading, else the file name without its extension. */
  title: string;
  chunks: MarkdownChunk[];
}

/** Default bound on a chunk's length, in characters (about 400 tokens of English). */
export const DEFAULT_MAX_CHUNK_CHARS = 1_600;
/** Default overlap carried into the next piece of a split section, in characters. */
export const DEFAULT_OVERLAP_CHARS = 200;

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/;

let parser: Promise<(markdown: string) => Root> | undefined;

/** `mdast-util-from-markdown` with GitHub Flavored Markdown, loaded once. */
function loadParser() {
  parser ??= Promise.all([
    import('mdast-util-from-markdown'),
    import('mdast-util-gfm'),
    import('micromark-extension-gfm'),
  ]).then(
    ([{ fromMarkdown }, { gfmFromMarkdown }, { gfm }]) =>
      (markdown: string) =>
        fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }),
  );
  return parser;
}

/** Cuts `markdown` (the file at `path`, used for its fallback title) into chunks; never rejects on any input. */
export async function chunkMarkdown(
  markdown: string,
  opts: { path: string; maxChars?: number; overlapChars?: number },
): Promise<ChunkedMarkdown> {
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHUNK_CHARS;
  const overlapChars = opts.overlapChars ?? DEFAULT_OVERLAP_CHARS;
  const frontMatter = FRONT_MATTER.exec(markdown);
  const body = frontMatter ? markdown.slice(frontMatter[0].length) : markdown;
  const tree = (await loadParser())(body);
  const comments = commentRanges(body, tree);
  const slugger = new GithubSlugger();

  const sections: { headingPath: string[]; anchor?: string; blocks: RootContent[] }[] = [];
  let current: (typeof sections)[number] = { headingPath: [], blocks: [] };
  const stack: { depth: number; text: string }[] = [];
  let firstH1: string | undefined;
  for (const node of tree.children) {
    if (node.type === 'heading') {
      sections.push(current);
      const heading = textOf(node, { includeHtml: false }).trim();
      if (node.depth === 1 && firstH1 === undefined) firstH1 = heading;
      while (stack.length > 0 && (stack.at(-1)?.depth ?? 0) >= node.depth) stack.pop();
      stack.push({ depth: node.depth, text: heading });
      current = { headingPath: stack.map((entry) => entry.text), anchor: slugger.slug(heading), blocks: [] };
    } else {
      current.blocks.push(node);
    }
  }
  sections.push(current);

  const chunks: MarkdownChunk[] = [];
  for (const section of sections) {
    for (const content of piecesOf({ source: body, comments }, section.blocks, maxChars, overlapChars)) {
      chunks.push({
        ordinal: chunks.length,
        headingPath: section.headingPath,
        ...(section.anchor ? { anchor: section.anchor } : {}),
        content,
        contentHash: hashChunk(section.headingPath, content),
      });
    }
  }
  const title = frontMatterTitle(frontMatter?.[1]) ?? firstH1 ?? fileTitle(opts.path);
  return { title, chunks };
}

/** The section's blocks as texts of at most `maxChars` (see the rules at the top). */
function piecesOf(source: Source, blocks: readonly RootContent[], maxChars: number, overlapChars: number): string[] {
  const units = blocks.flatMap((block) => unitsOf(block, sourceOf(source, block), maxChars, overlapChars));
  const pieces: string[] = [];
  let piece: string[] = [];
  let length = 0;
  units.forEach((unit, index) => {
    if (piece.length > 0 && length + unit.text.length + 2 > maxChars) {
      pieces.push(piece.join('\n\n'));
      const previous = units[index - 1];
      // The overlap, cut to the room left beside this unit, so the piece stays within the bound.
      const room = Math.min(overlapChars, maxChars - unit.text.length - 2);
      const tail = previous && !previous.whole && room > 0 ? tailOf(previous.text, room) : '';
      piece = tail ? [tail] : [];
      length = tail ? tail.length + 2 : 0;
    }
    piece.push(unit.text);
    length += unit.text.length + 2;
  });
  if (piece.length > 0) pieces.push(piece.join('\n\n'));
  return pieces;
}

/** A block's text, or the parts of one longer than the bound; `whole` ones (code, tables) are never an overlap. */
interface Unit {
  text: string;
  whole: boolean;
}

/**
 * The block as one unit when it fits `maxChars`; else cut to fit: a fenced code block between lines, each part fenced
 * again as the block was (so each is quoted as code in its language); a table between rows, each part under the
 * table's header; anything else (a paragraph, a list, a quote) between sentences, else words, to `maxChars` less the
 * overlap, so the tail of one part fits beside the next.
 */
function unitsOf(block: RootContent, text: string, maxChars: number, overlapChars: number): Unit[] {
  if (!text) return [];
  const whole = isWhole(block);
  if (text.length <= maxChars) return [{ text, whole }];
  if (block.type === 'code') {
    const lines = text.split('\n');
    const fence = /^\s*(`{3,}|~{3,})/.exec(lines[0] ?? '')?.[1];
    if (fence === undefined) return linesWithin(lines, [], [], maxChars).map((part) => ({ text: part, whole }));
    const closed = lines.length > 1 && new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).test(lines.at(-1) ?? '');
    const body = lines.slice(1, closed ? -1 : undefined);
    const close = closed ? (lines.at(-1) ?? fence) : fence;
    return linesWithin(body, [lines[0] ?? fence], [close], maxChars).map((part) => ({ text: part, whole }));
  }
  if (block.type === 'table') {
    const lines = text.split('\n');
    return linesWithin(lines.slice(2), lines.slice(0, 2), [], maxChars).map((part) => ({ text: part, whole }));
  }
  const bound = Math.max(1, maxChars - Math.min(overlapChars, Math.floor(maxChars / 2)) - 2);
  return splitText(text, bound).map((part) => ({ text: part, whole: false }));
}

/**
 * `lines` grouped into texts of at most `maxChars`, each between the `head` and `foot` lines (a fence, a table
 * header); a line too long for any group is cut between words, else graphemes.
 */
function linesWithin(
  lines: readonly string[],
  head: readonly string[],
  foot: readonly string[],
  maxChars: number,
): string[] {
  const frame = [...head, ...foot].reduce((sum, line) => sum + line.length + 1, 0);
  const room = Math.max(1, maxChars - frame);
  const groups: string[][] = [];
  let group: string[] = [];
  let length = 0;
  for (const line of lines.flatMap((line) => (line.length <= room ? [line] : splitText(line, room)))) {
    if (group.length > 0 && length + line.length + 1 > room) {
      groups.push(group);
      group = [];
      length = 0;
    }
    group.push(line);
    length += line.length + 1;
  }
  if (group.length > 0) groups.push(group);
  return groups.map((lines) => [...head, ...lines, ...foot].join('\n'));
}

/** Code blocks and tables are quoted whole where they fit, and never carried over as an overlap. */
function isWhole(block: RootContent): boolean {
  return block.type === 'code' || block.type === 'table';
}

/** The markdown being chunked, and the `[start, end)` offsets of its HTML comments, in order. */
interface Source {
  source: string;
  comments: readonly (readonly [number, number])[];
}

/** The node's markdown as written, its HTML comments left out. */
function sourceOf({ source, comments }: Source, node: RootContent): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return textOf(node, { includeHtml: false }).trim();
  let text = '';
  let at = start;
  for (const [from, to] of comments) {
    if (to <= at || from >= end) continue;
    text += source.slice(at, Math.max(at, from));
    at = Math.min(end, to);
  }
  if (at === start) return source.slice(start, end).trim();
  text += source.slice(at, end);
  // Where a comment was, the lines it leaves blank or ending in spaces are tidied; a block without one is as written.
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The offsets of every HTML comment in raw HTML (block or inline) of the tree; an unclosed `<!--` runs to the end of
 * its node, as CommonMark ends the HTML block there.
 */
function commentRanges(source: string, tree: Root): [number, number][] {
  const ranges: [number, number][] = [];
  const visit = (node: Root | RootContent): void => {
    if (node.type === 'html') {
      const start = node.position?.start.offset;
      const end = node.position?.end.offset;
      if (start === undefined || end === undefined) return;
      const raw = source.slice(start, end);
      for (const match of raw.matchAll(/<!--[\s\S]*?(-->|$)/g)) {
        ranges.push([start + match.index, start + match.index + match[0].length]);
      }
      return;
    }
    if ('children' in node) for (const child of node.children) visit(child);
  };
  visit(tree);
  return ranges;
}

/** The last `chars` characters of `text`, starting at a word. */
function tailOf(text: string, chars: number): string {
  if (text.length <= chars) return text;
  const cut = text.slice(text.length - chars);
  const space = cut.search(/\s/);
  return (space === -1 ? cut : cut.slice(space + 1)).trim();
}

function frontMatterTitle(yaml: string | undefined): string | undefined {
  if (!yaml) return undefined;
  try {
    const data: unknown = parseYaml(yaml);
    const title = data && typeof data === 'object' ? (data as { title?: unknown }).title : undefined;
    return typeof title === 'string' && title.trim() ? title.trim() : undefined;
  } catch {
    // Front matter that is not YAML names nothing; the heading or the file name does.
    return undefined;
  }
}

function fileTitle(path: string): string {
  const name = path.split('/').pop() ?? path;
  return name.replace(/\.(md|markdown)$/i, '');
}

function hashChunk(headingPath: readonly string[], content: string): string {
  return createHash('sha256').update(headingPath.join('\u0000')).update('\u0001').update(content).digest('hex');
}
