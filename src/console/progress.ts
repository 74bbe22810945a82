/**
 * A one-line progress bar for long CLI runs (`wayfinder catalog sync`), redrawn in place on a terminal. On anything
 * else (CI logs, a pipe) it prints nothing: the summary at the end says what happened.
 */
import type { WriteStream } from 'node:tty';

const WIDTH = 30;

export interface ProgressBar {
  update(opts: { done: number; total: number }): void;
  /** Clears the bar, so the summary starts on a clean line. */
  finish(): void;
}

export function createProgressBar(opts: { stream: NodeJS.WritableStream; label: string }): ProgressBar {
  const tty = (opts.stream as Partial<WriteStream>).isTTY === true;
  let drawn = false;
  return {
    update({ done, total }) {
      if (!tty) return;
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      const filled = Math.round(ratio * WIDTH);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
      opts.stream.write(`\r${opts.label} ${bar} ${done}/${total}`);
      drawn = true;
    },
    finish() {
      if (drawn) opts.stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
