/**
 * A template's parameter page (`spec.parameters[i]`, a JSON Schema object with `ui:*` options) as a view-model Form,
 * and the Form's values back as the page's parameter values, typed as the schema says. Inputs are chosen by type,
 * as Backstage's form chooses them: text (a textarea with `ui:widget: textarea`), number, select (`enum`, labelled by
 * `enumNames`), multi-select or checkboxes (an array of `enum`), checkbox (boolean), date (`format: date`), and the
 * catalog pickers (`OwnerPicker`, `EntityPicker`, `OwnedEntityPicker`) as lookups answered from the catalog.
 * The values are checked afterwards by the engine's ajv (`TemplateEngine.checkParameters`), as Backstage does.
 */
import type { ParameterPage } from '../ports/template-engine.ts';
import type { FormField, FormValues } from '../view-model.ts';

type Schema = Readonly<Record<string, unknown>>;

/** The catalog pickers, by `ui:field`, with the kinds they offer when the template names none. */
const CATALOG_PICKERS: Readonly<Record<string, readonly string[]>> = {
  OwnerPicker: ['group', 'user'],
  EntityPicker: [],
  OwnedEntityPicker: [],
  MyGroupsPicker: ['group'],
};

/** A lookup field's search: which kinds, and whether only what the asker owns. */
export interface PickerSearch {
  kinds: readonly string[];
  ownedByAsker: boolean;
}

/** The page's fields, in the schema's order (`ui:order` first when given), starting from `values` or the defaults. */
export function pageFields(page: ParameterPage, values: Readonly<Record<string, unknown>>): FormField[] {
  const properties = propertiesOf(page.schema);
  const required = new Set(Array.isArray(page.schema.required) ? (page.schema.required as string[]) : []);
  return orderedKeys(page, properties).map((key) => {
    const property = properties[key] ?? {};
    const ui = page.uiSchema[key] ?? {};
    const initial = values[key] ?? property.default;
    const hintText = stringOf(ui['ui:help']) ?? stringOf(property.description);
    const common = { id: key, label: stringOf(property.title) ?? key, ...(hintText ? { hint: hintText } : {}) };
    return fieldOf(common, property, ui, required.has(key), initial);
  });
}

/** The lookup search of field `key` on `page`, or undefined when it is no catalog picker. */
export function pickerSearch(page: ParameterPage, key: string): PickerSearch | undefined {
  const ui = page.uiSchema[key] ?? {};
  const field = stringOf(ui['ui:field']);
  if (!field || !(field in CATALOG_PICKERS)) return undefined;
  const options = (ui['ui:options'] ?? {}) as Schema;
  const filter = (Array.isArray(options.catalogFilter) ? options.catalogFilter[0] : options.catalogFilter) as
    | Schema
    | undefined;
  const kinds = [options.allowedKinds, filter?.kind].flatMap((value) =>
    Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [],
  );
  return {
    kinds: (kinds.length > 0 ? kinds : (CATALOG_PICKERS[field] ?? [])).map((kind) => kind.toLowerCase()),
    ownedByAsker: field === 'OwnedEntityPicker' || field === 'MyGroupsPicker',
  };
}

/**
 * The page's parameter values from a Form's values: numbers, booleans and lists as the schema types them; comma-
 * separated text for an array of strings (`EntityTagsPicker`) becomes the list. Fields left empty are left out.
 */
export function pageValues(page: ParameterPage, values: FormValues): Record<string, unknown> {
  const properties = propertiesOf(page.schema);
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const property = properties[key];
    if (!property) continue;
    if (property.type === 'array' && typeof value === 'string') {
      result[key] = value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    } else {
      result[key] = value;
    }
  }
  return result;
}

function fieldOf(
  common: { id: string; label: string; hint?: string },
  property: Schema,
  ui: Schema,
  required: boolean,
  initial: unknown,
): FormField {
  const uiField = stringOf(ui['ui:field']);
  if (uiField && uiField in CATALOG_PICKERS) {
    const multi = property.type === 'array';
    const chosen = (Array.isArray(initial) ? initial : initial === undefined ? [] : [initial]).map(String);
    return {
      type: 'lookup',
      ...common,
      required,
      multi,
      placeholder: 'Type to search the catalog',
      ...(chosen.length > 0 ? { initial: chosen.map((value) => ({ label: value, value })) } : {}),
    };
  }
  const enumValues = Array.isArray(property.enum) ? property.enum.map(String) : undefined;
  if (enumValues) {
    const names = Array.isArray(property.enumNames) ? property.enumNames.map(String) : [];
    return {
      type: 'select',
      ...common,
      required,
      options: enumValues.map((value, index) => ({ label: names[index] ?? value, value })),
      ...(initial !== undefined ? { initial: [String(initial)] } : {}),
    };
  }
  const items = (property.items ?? {}) as Schema;
  if (property.type === 'array' && Array.isArray(items.enum)) {
    const names = Array.isArray(items.enumNames) ? items.enumNames.map(String) : [];
    return {
      type: 'multi-select',
      ...common,
      required,
      options: items.enum.map((value, index) => ({ label: names[index] ?? String(value), value: String(value) })),
      ...(Array.isArray(initial) ? { initial: initial.map(String) } : {}),
      ...(ui['ui:widget'] === 'checkboxes' ? { style: 'checkboxes' as const } : {}),
    };
  }
  if (property.type === 'number' || property.type === 'integer') {
    return {
      type: 'number',
      ...common,
      required,
      ...(typeof property.minimum === 'number' ? { min: property.minimum } : {}),
      ...(typeof property.maximum === 'number' ? { max: property.maximum } : {}),
      ...(typeof initial === 'number' ? { initial } : {}),
    };
  }
  if (property.type === 'boolean') {
    return { type: 'checkbox', ...common, ...(typeof initial === 'boolean' ? { initial } : {}) };
  }
  if (property.type === 'string' && property.format === 'date') {
    return { type: 'date', ...common, required, ...(typeof initial === 'string' ? { initial } : {}) };
  }
  const listText = Array.isArray(initial) ? initial.map(String).join(', ') : undefined;
  const placeholder = placeholderOf(uiField, property);
  return {
    type: 'text',
    ...common,
    ...(property.type === 'array' && !common.hint ? { hint: 'Separate values with commas.' } : {}),
    required,
    multiline: ui['ui:widget'] === 'textarea',
    ...(placeholder ? { placeholder } : {}),
    ...(listText !== undefined ? { initial: listText } : typeof initial === 'string' ? { initial } : {}),
  };
}

function placeholderOf(uiField: string | undefined, property: Schema): string | undefined {
  if (uiField === 'RepoUrlPicker') return 'github.com?owner=acme&repo=my-service';
  if (uiField === 'EntityTagsPicker') return 'java, data';
  if (typeof property.pattern === 'string') return `Matching ${property.pattern}`;
  return undefined;
}

function propertiesOf(schema: Schema): Record<string, Schema> {
  const properties = schema.properties;
  return properties && typeof properties === 'object' ? (properties as Record<string, Schema>) : {};
}

function orderedKeys(page: ParameterPage, properties: Record<string, Schema>): string[] {
  const keys = Object.keys(properties);
  const order = (page.uiSchema['ui:order'] as unknown as string[] | undefined) ?? [];
  const first = order.filter((key) => keys.includes(key));
  return [...first, ...keys.filter((key) => !first.includes(key))];
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
