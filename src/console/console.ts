import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { orExpectedError } from '../chat/expected-errors.ts';
import { answerCommandLine, answerToMessage } from '../core/commands/index.ts';
import type { CommandContext } from '../core/commands/types.ts';
import { type FormAnswer, isMessage, type Message, withoutStreamed } from '../core/view-model.ts';
import { fillConsoleForm } from './forms.ts';
import { renderText } from './render.ts';

const GREETING = `Wayfinder console. Type a command, e.g. /owner payments-api, or /wayfinder help. Ctrl-D or "exit" quits.`;

/**
 * The local console: the same commands as Slack, rendered as text. Buttons are printed as the commands they
 * would run, so the answer's next step can be typed. Deferred work prints its placeholder, then its answer (an
 * `/ask` answer streamed as the model writes it).
 */
export async function runConsole(opts: {
  context: CommandContext;
  input: Readable;
  output: Writable & { isTTY?: boolean };
  /** Messages that arrive on their own (how a request run here ended): printed above the prompt when they come. */
  notices?: { listen(show: (message: Message) => void): void };
}): Promise<void> {
  const terminal = Boolean(opts.output.isTTY);
  const lines = createInterface({ input: opts.input, output: opts.output, terminal });
  const print = (text: string) => opts.output.write(`${text}\n`);
  // A notice that comes while a line is answered (a form's prompts reading the input) waits for the answer's end.
  let answering = false;
  const waiting: Message[] = [];
  opts.notices?.listen((message) => {
    if (answering) {
      waiting.push(message);
      return;
    }
    print(`\n${renderText(message, { color: terminal })}`);
    lines.prompt(true);
  });
  opts.output.write(`${GREETING}\n`);
  if (terminal) lines.setPrompt('wayfinder> ');
  lines.prompt();
  for await (const line of lines) {
    const input = line.trim();
    if (input === 'exit' || input === 'quit') break;
    // A form is asked field by field by its own prompts, which read the input while the console's line reader waits.
    const fill = async (form: FormAnswer) => {
      lines.pause();
      try {
        return await fillConsoleForm({ answer: form, context: opts.context, streams: opts, print });
      } finally {
        lines.resume();
      }
    };
    answering = true;
    try {
      if (input) await answer(opts.context, input, terminal, { print, write: (text) => opts.output.write(text) }, fill);
    } finally {
      answering = false;
    }
    for (const message of waiting.splice(0)) print(renderText(message, { color: terminal }));
    lines.prompt();
  }
  lines.close();
}

/**
 * Answers one line. Expected failures (a bad flag) print their message; anything else (the database went away, say)
 * is reported and the console goes on. Deferred work's text (an `/ask` answer as the model writes it) is written as it
 * comes, and the rest of its answer (the sources) after it.
 */
async function answer(
  context: CommandContext,
  input: string,
  color: boolean,
  out: { print(text: string): void; write(text: string): void },
  fill: (form: FormAnswer) => Promise<Message | undefined>,
) {
  const { print } = out;
  try {
    const answered = await orExpectedError(answerCommandLine(context, input));
    if (!isMessage(answered) && answered.kind === 'form') {
      const message = await orExpectedError(fill(answered));
      if (message) print(renderText(message, { color }));
      return;
    }
    if (!isMessage(answered) && answered.kind === 'deferred') {
      print(renderText(answered.placeholder, { color }));
      let streamed = false;
      const message = await orExpectedError(
        answered.work({
          onText: (text) => {
            if (!streamed) out.write('\n');
            streamed = true;
            out.write(text);
          },
        }),
      );
      if (streamed) print('\n');
      print(renderText(withoutStreamed(message), { color }));
      return;
    }
    print(renderText(await answerToMessage(answered), { color }));
  } catch (error) {
    print(`Something went wrong answering that: ${innermostMessage(error)}`);
  }
}

/**
 * What the deepest cause of `error` says: for a failed query, the database's own message (`invalid input syntax …`)
 * rather than the wrapper's, which repeats the whole statement and what was typed.
 */
function innermostMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
