/**
 * A form's submission, as every surface handles it: find the command that opened the form, rebuild the form it
 * answers, check the values against it (`parseFormValues`), and let the command answer. The surface then shows
 * field errors on the open form, opens the next page, or closes the form and delivers the answer.
 */
import type { CommandContext, SubmitOutcome } from '../core/commands/types.ts';
import { parseFormValues } from '../core/forms.ts';
import type { Message } from '../core/view-model.ts';
import { text as plain } from '../core/view-model.ts';
import { DEFAULT_DEFER_AFTER_MS, settleWithin, WORKING_ON_IT_MESSAGE } from './answer.ts';
import type { ChatServices } from './context.ts';
import { orExpectedError } from './expected-errors.ts';

/** What a surface read from a submission: which command and form, its state, and the raw values by field id. */
export interface RawSubmission {
  command: string;
  formId: string;
  state?: string;
  values: Readonly<Record<string, unknown>>;
}

/**
 * Answers a submission, within `deferAfterMs` (ms) like a command: when the command is slower, the outcome is
 * deferred work delivering a Message (field errors found late are listed in it, as the form has closed by then).
 * Expected failures become their message; anything else is thrown.
 */
export async function submitChatForm(opts: {
  services: Pick<ChatServices, 'commandNamed'>;
  context: CommandContext;
  submission: RawSubmission;
  deferAfterMs?: number;
}): Promise<SubmitOutcome> {
  const outcome = orExpectedError(answerSubmission(opts.services, opts.context, opts.submission));
  const settled = await settleWithin(outcome, opts.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS);
  if ('ready' in settled) return settled.ready;
  return {
    kind: 'deferred',
    placeholder: WORKING_ON_IT_MESSAGE,
    async work() {
      const late = await settled.late;
      if (!('kind' in late)) return late;
      if (late.kind === 'deferred') return late.work();
      if (late.kind === 'invalid') return invalidMessage(Object.values(late.errors));
      if (late.kind === 'close') return closedLateMessage(late);
      const text = `${late.form.title} took too long to open. Please start again.`;
      return { summary: text, blocks: [{ type: 'text', text: [plain(text)] }] };
    },
  };
}

async function answerSubmission(
  services: Pick<ChatServices, 'commandNamed'>,
  context: CommandContext,
  submission: RawSubmission,
): Promise<SubmitOutcome> {
  const command = services.commandNamed(submission.command);
  const formRef = { formId: submission.formId, ...(submission.state !== undefined ? { state: submission.state } : {}) };
  const form = command?.formOf && (await command.formOf(context, formRef));
  if (!command?.submit || !form) {
    const text = `This form is no longer available (/${submission.command}, ${submission.formId}). Please start again.`;
    return { summary: text, blocks: [{ type: 'text', text: [plain(text)] }] };
  }
  const parsed = parseFormValues(form, submission.values);
  if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
  return command.submit(context, { ...formRef, values: parsed.values });
}

function invalidMessage(errors: readonly string[]): Message {
  const summary = `The form was not accepted: ${errors.join(' ')}`;
  return {
    summary,
    blocks: [
      { type: 'text', text: [plain('The form was not accepted:')] },
      { type: 'list', items: errors.map((error) => ({ text: [plain(error)] })) },
    ],
  };
}

/** A submission that closed its form after the surface had given up waiting: say it went through. */
function closedLateMessage(_outcome: { kind: 'close' }): Message {
  const text = 'Your form was submitted; Wayfinder tells you how it goes in a direct message.';
  return { summary: text, blocks: [{ type: 'text', text: [plain(text)] }] };
}

/**
 * The options of a form's `lookup` field matching `query`, from the command that opened the form (`optionsOf`); none
 * when the command, form or field is unknown. At most 100, Slack's limit for an external select.
 */
export async function chatFormOptions(opts: {
  services: Pick<ChatServices, 'commandNamed'>;
  context: CommandContext;
  command: string;
  formId: string;
  state?: string;
  fieldId: string;
  query: string;
}): Promise<readonly { label: string; value: string }[]> {
  const command = opts.services.commandNamed(opts.command);
  if (!command?.optionsOf) return [];
  const options = await command.optionsOf(opts.context, {
    formId: opts.formId,
    ...(opts.state !== undefined ? { state: opts.state } : {}),
    fieldId: opts.fieldId,
    query: opts.query,
  });
  return (options ?? []).slice(0, 100);
}
