/**
 * A command's Form in the console: each field asked in turn with a terminal prompt (@inquirer/prompts: text, number,
 * select, checkboxes, yes/no, search for a lookup answered by the command's `optionsOf`), the submission checked and
 * answered like any surface's (`src/chat/forms.ts`), field errors shown and the page asked again, the next page
 * asked in turn, until the command answers with a Message (or closes the form). The prompts are loaded on the first
 * form, so a console that never shows one does not load them.
 */

import { type Readable, Writable } from 'node:stream';
import { chatFormOptions, submitChatForm } from '../chat/forms.ts';
import { commandNamed } from '../core/commands/index.ts';
import type { CommandContext } from '../core/commands/types.ts';
import type { Form, FormAnswer, FormField, Message } from '../core/view-model.ts';
import { plainText } from '../core/view-model.ts';

export interface ConsoleStreams {
  input: Readable;
  output: Writable;
}

/** Fills `answer`'s form and the pages after it; the command's final Message, or undefined when the form closed. */
export async function fillConsoleForm(opts: {
  answer: FormAnswer;
  context: CommandContext;
  streams: ConsoleStreams;
  print(text: string): void;
}): Promise<Message | undefined> {
  let { command, form } = opts.answer;
  const { confirm } = await import('@inquirer/prompts');
  let errors: Record<string, string> = {};
  for (;;) {
    if (form.intro) opts.print(plainText(form.intro));
    for (const [field, error] of Object.entries(errors)) opts.print(`  ✕ ${field}: ${error}`);
    const values: Record<string, unknown> = {};
    for (const field of form.fields) values[field.id] = await ask(field, form, command, opts);
    if (
      form.fields.length === 0 &&
      !(await confirm({ message: `${form.submitLabel}?`, default: true }, promptStreams(opts.streams)))
    ) {
      return undefined;
    }
    const outcome = await submitChatForm({
      services: { commandNamed },
      context: opts.context,
      submission: { command, formId: form.id, ...(form.state !== undefined ? { state: form.state } : {}), values },
      deferAfterMs: Number.POSITIVE_INFINITY,
    });
    if (!('kind' in outcome)) return outcome;
    if (outcome.kind === 'close') return undefined;
    if (outcome.kind === 'deferred') return outcome.work();
    if (outcome.kind === 'invalid') {
      errors = outcome.errors;
      continue;
    }
    errors = {};
    command = outcome.command;
    form = outcome.form;
  }
}

async function ask(
  field: FormField,
  form: Form,
  command: string,
  opts: { context: CommandContext; streams: ConsoleStreams },
): Promise<unknown> {
  const { checkbox, confirm, input, number, search, select } = await import('@inquirer/prompts');
  const message = field.hint ? `${field.label} (${field.hint})` : field.label;
  const streams = promptStreams(opts.streams);
  const required = field.type !== 'checkbox' && field.required;
  switch (field.type) {
    case 'text':
    case 'date':
      return input(
        {
          message: field.type === 'date' ? `${message} [YYYY-MM-DD]` : message,
          required,
          ...(field.initial ? { default: field.initial } : {}),
        },
        streams,
      );
    case 'number':
      return number(
        {
          message,
          required,
          ...(field.min !== undefined ? { min: field.min } : {}),
          ...(field.max !== undefined ? { max: field.max } : {}),
          ...(field.initial !== undefined ? { default: field.initial } : {}),
        },
        streams,
      );
    case 'select':
      return select(
        {
          message,
          choices: [...(required ? [] : [{ name: '(none)', value: '' }]), ...field.options.map(toChoice)],
          ...(field.initial?.[0] ? { default: field.initial[0] } : {}),
        },
        streams,
      );
    case 'multi-select':
      return checkbox(
        {
          message,
          required,
          choices: field.options.map((option) => ({
            ...toChoice(option),
            checked: field.initial?.includes(option.value),
          })),
        },
        streams,
      );
    case 'checkbox':
      return confirm({ message, default: field.initial ?? false }, streams);
    case 'lookup':
      return search(
        {
          message,
          source: async (term) =>
            (
              await chatFormOptions({
                services: { commandNamed },
                context: opts.context,
                command,
                formId: form.id,
                ...(form.state !== undefined ? { state: form.state } : {}),
                fieldId: field.id,
                query: term ?? '',
              })
            ).map(toChoice),
        },
        streams,
      );
    case 'user':
    case 'channel':
      return undefined;
  }
}

function toChoice(option: { label: string; value: string }) {
  return { name: option.label, value: option.value };
}

/**
 * The streams one prompt gets: the console's input, and its output behind a pass-through that ignores `end()`, since
 * a prompt ends the output it was given when it closes (harmless on a terminal, fatal to the console's next line).
 */
function promptStreams(streams: ConsoleStreams): ConsoleStreams {
  const output = new Writable({
    write(chunk, encoding, callback) {
      streams.output.write(chunk, encoding, callback);
    },
  });
  return { input: streams.input, output };
}
