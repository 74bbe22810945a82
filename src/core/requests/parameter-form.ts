/**
 * A template parameter page's fields (`TemplateEngine.fields`: the page's inputs for the values so far, conditions
 * applied) as view-model form fields, and a Form's values back as parameter values typed as the schema says. Inputs
 * follow the engine's `widget`: text or textarea, number, checkbox, select (`enum`, labelled by `enumNames`),
 * multi-select (an array of `enum`), date, the catalog pickers as lookups answered from the catalog, tags as
 * comma-separated text, an entity name and a repository (`github.com?owner=…&repo=…`) as text. The values are checked
 * afterwards by the engine's ajv (`TemplateEngine.checkParameters`), as Backstage's form does.
 */
import type { CatalogPicker, ParameterField } from '../ports/template-engine.ts';
import type { FormField, FormValues } from '../view-model.ts';

/** The form fields for `fields`, starting from `values` (what was entered before) or each field's default. */
export function pageFields(fields: readonly ParameterField[], values: Readonly<Record<string, unknown>>): FormField[] {
  return fields.map((field) => formFieldOf(field, values[field.name] ?? field.default));
}

/** The catalog picker behind lookup field `name`, when there is one. */
export function pickerOf(fields: readonly ParameterField[], name: string): CatalogPicker | undefined {
  return fields.find((field) => field.name === name)?.picker;
}

/**
 * Parameter values from a Form's values: a select's option back to its typed value (a number stays a number), tags
 * split at commas, everything else as the form parsed it. Fields left empty are left out.
 */
export function pageValues(fields: readonly ParameterField[], values: FormValues): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined) continue;
    const typed = (chosen: string) => field.options?.find((option) => String(option.value) === chosen)?.value ?? chosen;
    if (field.widget === 'tags' && typeof value === 'string') {
      result[field.name] = value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    } else if (field.widget === 'select' && typeof value === 'string') {
      result[field.name] = typed(value);
    } else if (field.widget === 'multiselect' && Array.isArray(value)) {
      result[field.name] = value.map((item) => typed(String(item)));
    } else {
      result[field.name] = value;
    }
  }
  return result;
}

function formFieldOf(field: ParameterField, initial: unknown): FormField {
  const hintText = field.help ?? field.description;
  const common = { id: field.name, label: field.title, ...(hintText ? { hint: hintText } : {}) };
  const required = field.required;
  const options = (field.options ?? []).map((option) => ({ label: option.label, value: String(option.value) }));
  switch (field.widget) {
    case 'entity': {
      const chosen = (Array.isArray(initial) ? initial : initial === undefined ? [] : [initial]).map(String);
      return {
        type: 'lookup',
        ...common,
        required,
        multi: field.type === 'array',
        placeholder: 'Type to search the catalog',
        ...(chosen.length > 0 ? { initial: chosen.map((value) => ({ label: value, value })) } : {}),
      };
    }
    case 'select':
      return {
        type: 'select',
        ...common,
        required,
        options,
        ...(initial !== undefined ? { initial: [String(initial)] } : {}),
      };
    case 'multiselect':
      return {
        type: 'multi-select',
        ...common,
        required,
        options,
        ...(Array.isArray(initial) ? { initial: initial.map(String) } : {}),
        ...(options.length <= 5 ? { style: 'checkboxes' as const } : {}),
      };
    case 'number':
      return {
        type: 'number',
        ...common,
        required,
        ...(field.type === 'integer' ? { integer: true } : {}),
        ...(field.minimum !== undefined ? { min: field.minimum } : {}),
        ...(field.maximum !== undefined ? { max: field.maximum } : {}),
        ...(typeof initial === 'number' ? { initial } : {}),
      };
    case 'checkbox':
      return { type: 'checkbox', ...common, ...(typeof initial === 'boolean' ? { initial } : {}) };
    case 'date':
      return { type: 'date', ...common, required, ...(typeof initial === 'string' ? { initial } : {}) };
    default: {
      const placeholder = placeholderOf(field);
      const text = Array.isArray(initial) ? initial.map(String).join(', ') : typeof initial === 'string' ? initial : '';
      return {
        type: 'text',
        ...common,
        ...(field.widget === 'tags' && !hintText ? { hint: 'Separate tags with commas.' } : {}),
        required,
        multiline: field.widget === 'textarea',
        ...(placeholder ? { placeholder } : {}),
        ...(text !== '' ? { initial: text } : {}),
      };
    }
  }
}

function placeholderOf(field: ParameterField): string | undefined {
  if (field.widget === 'repoUrl') {
    const owner = field.repo?.allowedOwners?.[0] ?? 'acme';
    return `${field.repo?.allowedHosts?.[0] ?? 'github.com'}?owner=${owner}&repo=my-service`;
  }
  if (field.widget === 'tags') return 'java, data';
  if (field.pattern) return `Matching ${field.pattern}`;
  return undefined;
}
