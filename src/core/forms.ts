/**
 * Checking a form's submission against the form itself. Every surface hands the values it read (Slack's
 * `view.state.values`, a Teams dialog's data) to `parseFormValues` with the Form they answer, so a command's `submit`
 * only ever sees values of the right type, within the field's bounds and options. The zod schema is built from the
 * fields (STYLE.md rule 11: one source for validation and types).
 */
import { z } from 'zod';
import type { ChatIds, Form, FormField, FormValues } from './view-model.ts';

/** Per field id, what is wrong with its value, as a sentence a person can act on. */
export type FieldErrors = Record<string, string>;

export type ParsedForm = { ok: true; values: FormValues } | { ok: false; errors: FieldErrors };

/**
 * Checks `raw` (values by field id, as the surface read them: strings, string arrays, booleans, `ChatIds` for user and
 * channel pickers; an empty string or array for an empty field) against `form`. Fields the form does not declare are
 * dropped; an empty optional field is left out of `values`. Never throws.
 */
export function parseFormValues(form: Form, raw: Readonly<Record<string, unknown>>): ParsedForm {
  const values: Record<string, FormValues[string]> = {};
  const errors: FieldErrors = {};
  for (const field of form.fields) {
    const value = raw[field.id];
    if (isEmpty(value)) {
      if (isRequired(field)) errors[field.id] = `${field.label} is required.`;
      else if (field.type === 'checkbox') values[field.id] = false;
      continue;
    }
    const parsed = fieldSchema(field).safeParse(value);
    if (parsed.success) values[field.id] = parsed.data as FormValues[string];
    else errors[field.id] = `${field.label}: ${parsed.error.issues[0]?.message ?? 'is not valid'}.`;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}

function isRequired(field: FormField): boolean {
  return field.type !== 'checkbox' && field.required;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

const chatIds: z.ZodType<ChatIds> = z
  .object({ slack: z.string().min(1).optional(), teams: z.string().min(1).optional() })
  .strict();

function fieldSchema(field: FormField): z.ZodType {
  switch (field.type) {
    case 'text':
      return z.string().trim();
    case 'number': {
      let number = z.coerce.number({ error: 'expected a number' });
      if (field.min !== undefined) number = number.min(field.min, `expected at least ${field.min}`);
      if (field.max !== undefined) number = number.max(field.max, `expected at most ${field.max}`);
      return number;
    }
    case 'select': {
      const allowed = field.options.map((option) => option.value);
      return z.string().refine((value) => allowed.includes(value), 'expected one of the options offered');
    }
    case 'multi-select': {
      const allowed = field.options.map((option) => option.value);
      return z
        .array(z.string())
        .refine((list) => list.every((value) => allowed.includes(value)), 'expected only the options offered');
    }
    case 'checkbox':
      // Surfaces send a boolean, or the checked options of a one-option checkbox group (`['checked']`).
      return z.preprocess(
        (value) => (Array.isArray(value) ? value.includes('checked') : value),
        z.boolean({ message: 'expected checked or not' }),
      );
    case 'date':
      return z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
        .refine((value) => !Number.isNaN(Date.parse(value)), 'expected a real date');
    case 'lookup':
      // The options were found as the person typed; the command checks the value itself (its `submit`).
      return field.multi ? z.array(z.string().min(1)) : z.string().min(1, 'expected one of the options found');
    case 'user':
    case 'channel':
      return chatIds;
  }
}
