/**
 * Renders a view-model Message as terminal text, for the local console and `wayfinder run`. Pure.
 *
 * Buttons become `  → <label>: <command>` lines so a console user can type the command. Text from the
 * catalog is stripped of control characters, so a name cannot move the cursor or recolour the terminal, and of bidi
 * controls (core `stripBidiControls`), so it cannot reorder the rest of the line.
 * A link is printed with its address only when the address is safe (core `safeHref`); any other is plain text.
 * A cut list ends in "…and N more" with the command that shows the rest (`moreCommandAfter`).
 */
import { formatNumber, safeHref, stripBidiControls } from '../core/text.ts';
import type { Block, Button, ListItem, Message, RichText, Span } from '../core/view-model.ts';
import { moreCommandAfter } from '../core/view-model.ts';

export interface RenderTextOptions {
  /** ANSI bold, dim, underline and colour; off by default (pipes, logs, tests). */
  color?: boolean;
}

/** The most items one list prints; the rest is summed up in "…and N more". */
export const MAX_CONSOLE_LIST_ITEMS = 200;

export function renderText(message: Message, options: RenderTextOptions = {}): string {
  const style = options.color ? ANSI : PLAIN;
  return message.blocks
    .map((block) => renderBlock(block, style))
    .filter((text) => text !== '')
    .join('\n\n');
}

interface Style {
  ansi: boolean;
  bold(text: string): string;
  dim(text: string): string;
  underline(text: string): string;
  code(text: string): string;
}

const PLAIN: Style = {
  ansi: false,
  bold: (text) => text,
  dim: (text) => text,
  underline: (text) => text,
  code: (text) => text,
};

const ANSI: Style = {
  ansi: true,
  bold: (text) => `\x1b[1m${text}\x1b[22m`,
  dim: (text) => `\x1b[2m${text}\x1b[22m`,
  underline: (text) => `\x1b[4m${text}\x1b[24m`,
  code: (text) => `\x1b[36m${text}\x1b[39m`,
};

const RULE_WIDTH = 40;

function renderBlock(block: Block, style: Style): string {
  switch (block.type) {
    case 'header': {
      const text = oneLine(block.text);
      if (text === '') return '';
      if (style.ansi) return style.bold(style.underline(text));
      return `${text}\n${'─'.repeat(Math.max(1, [...text].length))}`;
    }
    case 'text':
      return renderSpans(block.text, style);
    case 'fields': {
      const labels = block.fields.map((field) => `${oneLine(field.label)}:`);
      const width = Math.max(0, ...labels.map((label) => [...label].length));
      return block.fields
        .map((field, i) => {
          const label = labels[i] ?? '';
          const padding = ' '.repeat(width - [...label].length + 1);
          return `${style.bold(label)}${padding}${indentContinuation(renderSpans(field.value, style), width + 1)}`;
        })
        .join('\n');
    }
    case 'list': {
      const lines: string[] = [];
      const title = block.title === undefined ? '' : oneLine(block.title);
      if (title !== '') lines.push(style.bold(title));
      const shown = block.items.slice(0, MAX_CONSOLE_LIST_ITEMS);
      for (const item of shown) lines.push(renderItem(item, style));
      const more = block.items.length - shown.length + Math.max(0, block.omitted ?? 0);
      if (more > 0) {
        const command = moreCommandAfter(block, shown.length);
        const hint = command === undefined ? '' : `. Try ${style.code(oneLine(command))}`;
        lines.push(style.dim(`  …and ${formatNumber(more)} more`) + hint);
      }
      return lines.join('\n');
    }
    case 'actions':
      return block.buttons
        .filter((button) => button.action === 'run')
        .map((button) => renderButton(button, style))
        .join('\n');
    case 'context':
      return style.dim(renderSpans(block.text, PLAIN));
    case 'image': {
      const alt = oneLine(block.alt);
      return `[image${alt === '' ? '' : `: ${alt}`}] ${style.dim(sanitize(block.url))}`;
    }
    case 'divider':
      return style.dim('─'.repeat(RULE_WIDTH));
  }
}

function renderItem(item: ListItem, style: Style): string {
  const detail = item.detail && item.detail.length > 0 ? ` — ${renderSpans(item.detail, style)}` : '';
  return `  • ${indentContinuation(`${renderSpans(item.text, style)}${detail}`, 4)}`;
}

/** Share buttons are left out: there is no channel to share into from a terminal. */
function renderButton(button: Button, style: Style): string {
  return `  → ${oneLine(button.label)}: ${style.code(oneLine(button.command))}`;
}

function renderSpans(rich: RichText, style: Style): string {
  return rich.map((span) => renderSpan(span, style)).join('');
}

function renderSpan(span: Span, style: Style): string {
  switch (span.kind) {
    case 'text':
      return sanitize(span.text);
    case 'strong':
      return style.bold(sanitize(span.text));
    case 'code':
      return style.code(sanitize(span.text));
    case 'link': {
      const href = safeHref(span.url);
      const text = oneLine(span.text);
      if (href === undefined) return oneLine(text === '' || text === span.url ? span.url : `${text} (${span.url})`);
      const url = sanitize(href);
      return text === '' || text === span.url || text === url
        ? style.underline(url)
        : `${style.underline(text)} ${style.dim(`(${url})`)}`;
    }
    case 'user':
      return sanitize(span.email ? `${span.name} <${span.email}>` : span.name);
    case 'channel':
      return `#${sanitize(span.name.replace(/^#/, ''))}`;
  }
}

/** Removes C0/C1 control characters (ESC among them) except tab and newline, and bidi controls. */
function sanitize(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return stripBidiControls(text).replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '');
}

function oneLine(text: string): string {
  return sanitize(text.replace(/\s*\n\s*/g, ' ').trim());
}

function indentContinuation(text: string, width: number): string {
  return text.replaceAll('\n', `\n${' '.repeat(width)}`);
}
