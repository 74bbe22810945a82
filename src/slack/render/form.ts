/**
 * Renders a view-model Form as a Slack modal, and reads back what Wayfinder put in it. Pure: same input, same view.
 *
 * Slack's modal limits (Block Kit reference: views, input blocks, elements, option objects), kept here so that a
 * Form is never refused: title, submit and close labels ≤ 24 characters; ≤ 100 blocks; `private_metadata` ≤ 3000;
 * input labels and hints ≤ 2000; placeholders ≤ 150; `block_id` and `action_id` ≤ 255; select options ≤ 100, each
 * ≤ 75 characters of text and ≤ 150 of value; checkbox groups ≤ 10 options. Text is cut (ending in `…`); a field whose
 * id is too long, or an option whose value is, would come back as something else if cut, so it is an error instead.
 *
 * Each field is one input block whose `block_id` and `action_id` are the field's id, so Slack's `view.state.values`
 * and `response_action: errors` are keyed by field id.
 */
import type { types } from '@slack/bolt';
import { z } from 'zod';
import type { Form, FormField } from '../../core/view-model.ts';
import { FORM_CALLBACK_ID } from '../ids.ts';
import { packLines, renderMrkdwn, truncatePlain } from './message.ts';

type ModalView = types.ModalView;
type KnownBlock = types.KnownBlock;
type InputBlock = types.InputBlock;
type PlainTextOption = types.PlainTextOption;

export const SLACK_MODAL_LIMITS = {
  title: 24,
  submit: 24,
  close: 24,
  blocks: 100,
  privateMetadata: 3000,
  label: 2000,
  placeholder: 150,
  id: 255,
  selectOptions: 100,
  checkboxOptions: 10,
  optionText: 75,
  optionValue: 150,
  sectionText: 3000,
  initialText: 3000,
} as const;

/** What Wayfinder keeps in a modal's `private_metadata`, to route the submission back to the command that opened it. */
const FormMetadata = z.object({
  /** The command's name (`provision`). */
  c: z.string().min(1),
  /** The form's id. */
  f: z.string().min(1),
  /** The form's state, when it has one. */
  s: z.string().optional(),
  /** The channel the command was typed in, when there was one. */
  ch: z.string().optional(),
});
export type FormMetadata = z.infer<typeof FormMetadata>;

export interface RenderSlackModalOptions {
  /** The command whose `formOf` and `submit` answer the submission. */
  command: string;
  /** The conversation the command came from; a user or channel picker starts there. */
  channelId?: string;
}

/** The modal for `form`. Throws when the form cannot be shown faithfully (an id or option value over Slack's limits). */
export function renderSlackModal(form: Form, opts: RenderSlackModalOptions): ModalView {
  const metadata: FormMetadata = {
    c: opts.command,
    f: form.id,
    ...(form.state !== undefined ? { s: form.state } : {}),
    ...(opts.channelId ? { ch: opts.channelId } : {}),
  };
  const privateMetadata = JSON.stringify(metadata);
  if (privateMetadata.length > SLACK_MODAL_LIMITS.privateMetadata) {
    throw new Error(
      `Form ${form.id}: its state makes the modal's private_metadata ${privateMetadata.length} characters; Slack allows ${SLACK_MODAL_LIMITS.privateMetadata}.`,
    );
  }
  const blocks: KnownBlock[] = [];
  if (form.intro && form.intro.length > 0) {
    // A long intro (a review of many or long values) is split between lines into several sections, so that what
    // follows a long line (the plan, the approval notice) still shows; only a single line over the limit is cut.
    const text = renderMrkdwn(form.intro);
    if (text.trim() !== '') {
      for (const chunk of packLines(text.split('\n'), SLACK_MODAL_LIMITS.sectionText)) {
        if (chunk.text.trim() === '') continue;
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk.text, verbatim: true } });
      }
    }
  }
  for (const field of form.fields) blocks.push(renderField(form, field));
  if (blocks.length > SLACK_MODAL_LIMITS.blocks) {
    throw new Error(`Form ${form.id} has ${blocks.length} blocks; a Slack modal holds ${SLACK_MODAL_LIMITS.blocks}.`);
  }
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK_ID,
    private_metadata: privateMetadata,
    title: plain(form.title, SLACK_MODAL_LIMITS.title),
    submit: plain(form.submitLabel, SLACK_MODAL_LIMITS.submit),
    close: plain('Cancel', SLACK_MODAL_LIMITS.close),
    blocks,
  };
}

/** Reads the metadata `renderSlackModal` wrote; undefined for a modal Wayfinder did not open (or that was tampered with). */
export function parseFormMetadata(privateMetadata: string | undefined): FormMetadata | undefined {
  if (!privateMetadata) return undefined;
  try {
    const parsed = FormMetadata.safeParse(JSON.parse(privateMetadata));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function renderField(form: Form, field: FormField): InputBlock {
  if (field.id === '' || field.id.length > SLACK_MODAL_LIMITS.id) {
    throw new Error(
      `Form ${form.id}: field id "${field.id.slice(0, 40)}" must be 1 to ${SLACK_MODAL_LIMITS.id} characters.`,
    );
  }
  const required = field.type === 'checkbox' ? false : field.required;
  const block = (element: InputBlock['element']): InputBlock => ({
    type: 'input',
    block_id: field.id,
    label: plain(field.label, SLACK_MODAL_LIMITS.label),
    optional: !required,
    ...(field.hint ? { hint: plain(field.hint, SLACK_MODAL_LIMITS.label) } : {}),
    element,
  });
  switch (field.type) {
    case 'text':
      return block({
        type: 'plain_text_input',
        action_id: field.id,
        multiline: field.multiline ?? false,
        ...(field.placeholder ? { placeholder: plain(field.placeholder, SLACK_MODAL_LIMITS.placeholder) } : {}),
        ...(field.initial ? { initial_value: truncatePlain(field.initial, SLACK_MODAL_LIMITS.initialText) } : {}),
      });
    case 'number':
      return block({
        type: 'number_input',
        action_id: field.id,
        is_decimal_allowed: field.integer !== true,
        ...(field.initial !== undefined ? { initial_value: String(field.initial) } : {}),
        ...(field.min !== undefined ? { min_value: String(field.min) } : {}),
        ...(field.max !== undefined ? { max_value: String(field.max) } : {}),
      });
    case 'select':
    case 'multi-select': {
      if (field.options.length > SLACK_MODAL_LIMITS.selectOptions) {
        throw new Error(
          `Form ${form.id}: field ${field.id} offers ${field.options.length} options; a Slack select holds ${SLACK_MODAL_LIMITS.selectOptions}.`,
        );
      }
      const options = field.options.map((option) => renderOption(form, field, option));
      const initial = options.filter((option) => field.initial?.includes(option.value ?? '') ?? false);
      if (
        field.type === 'multi-select' &&
        field.style === 'checkboxes' &&
        options.length <= SLACK_MODAL_LIMITS.checkboxOptions
      ) {
        return block({
          type: 'checkboxes',
          action_id: field.id,
          options,
          ...(initial.length > 0 ? { initial_options: initial } : {}),
        });
      }
      if (field.type === 'select') {
        return block({
          type: 'static_select',
          action_id: field.id,
          options,
          ...(initial[0] ? { initial_option: initial[0] } : {}),
        });
      }
      return block({
        type: 'multi_static_select',
        action_id: field.id,
        options,
        ...(initial.length > 0 ? { initial_options: initial } : {}),
      });
    }
    case 'checkbox': {
      const option: PlainTextOption = { text: plain(field.label, SLACK_MODAL_LIMITS.optionText), value: 'checked' };
      return block({
        type: 'checkboxes',
        action_id: field.id,
        options: [option],
        ...(field.initial ? { initial_options: [option] } : {}),
      });
    }
    case 'date':
      return block({
        type: 'datepicker',
        action_id: field.id,
        ...(field.initial ? { initial_date: field.initial } : {}),
      });
    case 'lookup': {
      const initial = (field.initial ?? []).map((option) => renderOption(form, field, option));
      const common = {
        action_id: field.id,
        min_query_length: 0,
        ...(field.placeholder ? { placeholder: plain(field.placeholder, SLACK_MODAL_LIMITS.placeholder) } : {}),
      };
      if (field.multi) {
        return block({
          type: 'multi_external_select',
          ...common,
          ...(initial.length ? { initial_options: initial } : {}),
        });
      }
      return block({ type: 'external_select', ...common, ...(initial[0] ? { initial_option: initial[0] } : {}) });
    }
    case 'user':
      return block({ type: 'users_select', action_id: field.id });
    case 'channel':
      return block({ type: 'conversations_select', action_id: field.id, default_to_current_conversation: true });
  }
}

function renderOption(form: Form, field: FormField, option: { label: string; value: string }): PlainTextOption {
  if (option.value === '' || option.value.length > SLACK_MODAL_LIMITS.optionValue) {
    throw new Error(
      `Form ${form.id}: an option of field ${field.id} has a value of ${option.value.length} characters; Slack takes 1 to ${SLACK_MODAL_LIMITS.optionValue}.`,
    );
  }
  return { text: plain(option.label, SLACK_MODAL_LIMITS.optionText), value: option.value };
}

function plain(text: string, max: number): types.PlainTextElement {
  const oneLine = text.replace(/\s*\n\s*/g, ' ').trim();
  return { type: 'plain_text', text: truncatePlain(oneLine, max) || '…', emoji: true };
}
