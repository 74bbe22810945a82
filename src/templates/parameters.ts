/**
 * `spec.parameters`: the form pages of a template, as Backstage's scaffolder form reads them (react-jsonschema-form
 * with ajv 8, JSON Schema draft-07; `../shared/reference/backstage.md` §3.2). Each page is a JSON Schema object with
 * `ui:*` keys beside the properties. Loading splits the `ui:*` keys off, refuses what Wayfinder cannot honour, and
 * compiles the page; checking validates values with ajv and maps each error to its field as a sentence.
 *
 * Supported: string (`pattern`, `minLength`, `maxLength`, `format` through ajv-formats), number and integer
 * (`minimum`, `maximum`), boolean, `enum` with `enumNames`, arrays of enums, `default`, `title`, `description`,
 * `required`; `ui:help`, `ui:widget: textarea`, `ui:autofocus`; the fields of `PICKER_OPTIONS`; conditions with
 * `if`/`then`/`else` (also inside `allOf`) and `dependencies` (property lists, schemas and `oneOf`), which may test
 * values of earlier pages.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { z } from 'zod';
import type { CatalogFilterValue } from '../core/catalog/records.ts';
import { isValidObjectName, isValidTag } from '../core/catalog/refs.ts';
import type { CatalogPicker, ParameterField, ParameterPage } from '../core/ports/template-engine.ts';
import { parseRepoUrl } from './filters.ts';
import { keyPath, type LoadProblems, oneOf } from './load-problems.ts';

// ajv-formats is CommonJS; its default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** `ui:options` each supported `ui:field` reads; `allowedKinds` is the older name of `catalogFilter: { kind }`. */
const PICKER_OPTIONS: Record<string, readonly string[]> = {
  OwnerPicker: ['catalogFilter', 'allowedKinds', 'defaultKind', 'defaultNamespace', 'allowArbitraryValues'],
  EntityPicker: [
    'catalogFilter',
    'allowedKinds',
    'defaultKind',
    'defaultNamespace',
    'allowArbitraryValues',
    'autoSelect',
  ],
  OwnedEntityPicker: ['catalogFilter', 'allowedKinds', 'defaultKind', 'defaultNamespace', 'allowArbitraryValues'],
  EntityNamePicker: [],
  EntityTagsPicker: ['kinds', 'showCounts', 'helperText'],
  RepoUrlPicker: ['allowedHosts', 'allowedOwners', 'allowedRepos', 'allowedOrganizations'],
};
const FIELDS = Object.keys(PICKER_OPTIONS);

/** Display hints Wayfinder accepts and may ignore (a chat form has no placeholder or row count). */
const UI_KEYS = [
  'ui:field',
  'ui:widget',
  'ui:options',
  'ui:help',
  'ui:autofocus',
  'ui:placeholder',
  'ui:title',
  'ui:description',
  'ui:emptyValue',
  'ui:order',
  'ui:readonly',
  'ui:disabled',
  'ui:autocomplete',
  'ui:backstage',
];
const WIDGETS = ['text', 'textarea', 'select', 'radio', 'checkboxes', 'updown'];

/** Why a `ui:field` or `ui:widget` Backstage knows is refused. */
const REFUSED_UI: Record<string, string> = {
  Secret:
    'ui:field Secret is not supported: Wayfinder keeps request values in its database and shows them in chat, and has no secret store',
  password: 'ui:widget password is not supported: the value would be shown in chat and stored with the request',
};

export interface LoadedPage extends ParameterPage {
  /** The page's schema compiled by ajv (`ui:*` keys removed). */
  validate: ValidateFunction;
}

export interface ParameterSchemas {
  ajv: Ajv;
}

/** One ajv for a set of templates: draft-07, every error, formats; `enumNames` and other rjsf keys tolerated. */
export function createParameterSchemas(): ParameterSchemas {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return { ajv };
}

/**
 * Reads `spec.parameters` (one page or a list of pages). Problems are added to `problems` at their key paths; the
 * pages returned are meaningful only when none were added.
 */
export function loadParameterPages(
  raw: unknown,
  schemas: ParameterSchemas,
  problems: LoadProblems,
  path = 'spec.parameters',
): LoadedPage[] {
  if (raw === undefined || raw === null) return [];
  const pages = Array.isArray(raw) ? raw : [raw];
  const loaded: LoadedPage[] = [];
  pages.forEach((page, index) => {
    const at = Array.isArray(raw) ? keyPath(path, index) : path;
    if (page === null || typeof page !== 'object' || Array.isArray(page)) {
      problems.add(at, 'expected a JSON Schema object with properties (one form page)');
      return;
    }
    const uiSchema: Record<string, Record<string, unknown>> = {};
    checkUi(page as Record<string, unknown>, at, uiSchema, problems);
    const schema = stripUi(page) as Record<string, unknown>;
    let validate: ValidateFunction;
    try {
      validate = schemas.ajv.compile(schema);
    } catch (error) {
      problems.add(at, `is not a valid JSON Schema (draft-07): ${error instanceof Error ? error.message : error}`);
      return;
    }
    const { title, description } = page as { title?: unknown; description?: unknown };
    const result: LoadedPage = {
      ...(typeof title === 'string' ? { title } : {}),
      ...(typeof description === 'string' ? { description } : {}),
      schema,
      uiSchema,
      fields: [],
      validate,
    };
    result.fields = visibleFields(result, {}, schemas, { conditional: false });
    loaded.push(result);
  });
  return loaded;
}

/** Walks a page's schema: every `properties` entry (conditional ones too) has its `ui:*` keys checked and kept. */
function checkUi(
  node: Record<string, unknown>,
  path: string,
  uiSchema: Record<string, Record<string, unknown>>,
  problems: LoadProblems,
): void {
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('backstage:')) {
      problems.add(
        keyPath(path, key),
        `${key} is not supported (Wayfinder has no feature flags or permissions on form fields)`,
      );
    }
    if (value === null || typeof value !== 'object') continue;
    if (key === 'properties' && !Array.isArray(value)) {
      for (const [name, property] of Object.entries(value as Record<string, unknown>)) {
        const at = keyPath(keyPath(path, 'properties'), name);
        if (property === null || typeof property !== 'object' || Array.isArray(property)) {
          problems.add(at, 'expected a JSON Schema object (type, title, ...)');
          continue;
        }
        uiSchema[name] = checkProperty(property as Record<string, unknown>, at, problems);
      }
      continue;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (item !== null && typeof item === 'object') {
          checkUi(item as Record<string, unknown>, keyPath(keyPath(path, key), index), uiSchema, problems);
        }
      });
    } else if (!key.startsWith('ui:')) {
      checkUi(value as Record<string, unknown>, keyPath(path, key), uiSchema, problems);
    }
  }
}

/** Checks one property's `ui:*` keys and type; returns them. */
function checkProperty(
  property: Record<string, unknown>,
  path: string,
  problems: LoadProblems,
): Record<string, unknown> {
  const ui: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(property)) {
    if (!key.startsWith('ui:')) continue;
    ui[key] = value;
    if (!UI_KEYS.includes(key)) {
      problems.add(keyPath(path, key), `${key} is not supported; the ui keys Wayfinder reads are ${oneOf(UI_KEYS)}`);
    }
  }
  const field = ui['ui:field'];
  if (field !== undefined) {
    if (typeof field === 'string' && REFUSED_UI[field]) {
      problems.add(keyPath(path, 'ui:field'), `${REFUSED_UI[field]}; expected ${oneOf(FIELDS)}`);
    } else if (typeof field !== 'string' || !FIELDS.includes(field)) {
      problems.add(
        keyPath(path, 'ui:field'),
        `${JSON.stringify(field)} is not a field Wayfinder supports; expected ${oneOf(FIELDS)}`,
      );
    } else {
      checkPickerOptions(field, ui['ui:options'], keyPath(path, 'ui:options'), problems);
    }
  }
  const widget = ui['ui:widget'];
  if (widget !== undefined) {
    if (typeof widget === 'string' && REFUSED_UI[widget]) problems.add(keyPath(path, 'ui:widget'), REFUSED_UI[widget]);
    else if (typeof widget !== 'string' || !WIDGETS.includes(widget)) {
      problems.add(
        keyPath(path, 'ui:widget'),
        `${JSON.stringify(widget)} is not a widget Wayfinder supports; expected ${oneOf(WIDGETS)}`,
      );
    }
  }
  checkType(property, path, typeof field === 'string' ? field : undefined, problems);
  return ui;
}

function checkPickerOptions(field: string, options: unknown, path: string, problems: LoadProblems): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    problems.add(path, 'expected an object of options');
    return;
  }
  const known = PICKER_OPTIONS[field] ?? [];
  for (const key of Object.keys(options)) {
    if (key === 'requestUserCredentials') {
      problems.add(
        keyPath(path, key),
        'requestUserCredentials is not supported: Wayfinder acts with its own GitHub credentials, never a user’s token',
      );
    } else if (key === 'catalogFilter' && known.includes(key)) {
      checkCatalogFilter((options as Record<string, unknown>)[key], keyPath(path, key), problems);
    } else if (!known.includes(key)) {
      problems.add(
        keyPath(path, key),
        `is not an option of ${field}; expected ${known.length > 0 ? oneOf(known) : 'none'}`,
      );
    }
  }
}

/** The types a chat form can ask for. */
function checkType(property: Record<string, unknown>, path: string, field: string | undefined, problems: LoadProblems) {
  const type = property.type;
  if (type === 'object') {
    problems.add(
      keyPath(path, 'type'),
      'object is not supported: a chat form has no nested fields; give each value its own property',
    );
  } else if (type === 'array') {
    const items = property.items as Record<string, unknown> | undefined;
    const isTags = field === 'EntityTagsPicker';
    if (!isTags && !(items && typeof items === 'object' && Array.isArray(items.enum))) {
      problems.add(
        keyPath(path, 'items'),
        'an array is supported as a list of choices: expected items with an enum (or ui:field EntityTagsPicker)',
      );
    }
  } else if (type !== undefined && !['string', 'number', 'integer', 'boolean'].includes(String(type))) {
    problems.add(
      keyPath(path, 'type'),
      `${JSON.stringify(type)} is not supported; expected string, number, integer, boolean or array`,
    );
  }
}

/** A deep copy without `ui:*` and `backstage:*` keys: the JSON Schema ajv validates. */
function stripUi(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUi);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith('ui:') && !key.startsWith('backstage:'))
      .map(([key, item]) => [key, stripUi(item)]),
  );
}

type Schema = Record<string, unknown>;

/** The properties a page shows for `values`, with the required ones: base properties, then conditional ones. */
function visibleProperties(
  page: ParameterPage,
  values: Readonly<Record<string, unknown>>,
  schemas: ParameterSchemas,
  opts: { conditional: boolean },
): { properties: Map<string, Schema>; required: Set<string> } {
  const properties = new Map<string, Schema>();
  const required = new Set<string>();
  const add = (node: Schema | undefined, except?: string) => {
    if (!node || typeof node !== 'object') return;
    for (const [name, schema] of Object.entries((node.properties ?? {}) as Record<string, Schema>)) {
      // A dependency's branch names its own property to say when it applies; that field shows where it is declared.
      if (name === except) continue;
      // A condition repeating a base property (to constrain it) keeps the base one's place and joins its rules.
      const existing = properties.get(name);
      properties.set(name, existing ? { allOf: [existing, schema], ...pickDisplay(existing) } : schema);
    }
    for (const name of (node.required ?? []) as string[]) required.add(name);
  };
  const matches = (schema: unknown) => schemas.ajv.validate(schema as Schema, values) === true;
  const applyConditions = (node: Schema) => {
    if (node.if !== undefined) add(matches(node.if) ? (node.then as Schema) : (node.else as Schema));
    for (const part of (node.allOf ?? []) as Schema[]) {
      add(part);
      applyConditions(part);
    }
    for (const [name, dependency] of Object.entries((node.dependencies ?? {}) as Record<string, unknown>)) {
      if (values[name] === undefined) continue;
      if (Array.isArray(dependency)) {
        for (const other of dependency) required.add(String(other));
        continue;
      }
      const dep = dependency as Schema;
      if (Array.isArray(dep.oneOf)) {
        // rjsf's rule: the branch whose schema for the dependency's own property matches its value.
        const branch = (dep.oneOf as Schema[]).find((candidate) => {
          const own = (candidate.properties as Record<string, unknown> | undefined)?.[name];
          return own !== undefined && matches({ properties: { [name]: own } });
        });
        if (branch) add(branch, name);
      } else {
        add(dep);
      }
    }
  };
  add(page.schema as Schema);
  if (opts.conditional) applyConditions(page.schema as Schema);
  return { properties, required };
}

/** Title, description and type, so a merged property still renders as its base. */
function pickDisplay(schema: Schema): Schema {
  const picked: Schema = {};
  for (const key of ['title', 'description', 'type', 'enum', 'enumNames', 'items', 'default', 'format']) {
    if (schema[key] !== undefined) picked[key] = schema[key];
  }
  return picked;
}

/** The fields of `page` for `values` (conditions applied unless `conditional` is false). */
export function visibleFields(
  page: ParameterPage,
  values: Readonly<Record<string, unknown>>,
  schemas: ParameterSchemas,
  opts: { conditional: boolean } = { conditional: true },
): ParameterField[] {
  const { properties, required } = visibleProperties(page, values, schemas, opts);
  return [...properties].map(([name, schema]) => toField(name, schema, page.uiSchema[name] ?? {}, required.has(name)));
}

function toField(name: string, schema: Schema, ui: Record<string, unknown>, required: boolean): ParameterField {
  const type =
    (schema.type as ParameterField['type'] | undefined) ?? (Array.isArray(schema.enum) ? 'string' : 'string');
  const uiField = typeof ui['ui:field'] === 'string' ? (ui['ui:field'] as string) : undefined;
  const options = (ui['ui:options'] ?? {}) as Record<string, unknown>;
  const items = (schema.items ?? {}) as Schema;
  const choices = Array.isArray(schema.enum)
    ? labelled(schema.enum, schema.enumNames)
    : type === 'array' && Array.isArray(items.enum)
      ? labelled(items.enum, items.enumNames)
      : undefined;
  const field: ParameterField = {
    name,
    title: typeof schema.title === 'string' ? schema.title : name,
    type,
    widget: widgetOf(type, uiField, ui['ui:widget'], choices !== undefined, schema.format),
    required,
    autofocus: ui['ui:autofocus'] === true,
  };
  if (typeof schema.description === 'string') field.description = schema.description;
  if (typeof ui['ui:help'] === 'string') field.help = ui['ui:help'];
  if (schema.default !== undefined) field.default = schema.default;
  if (choices) field.options = choices;
  for (const key of ['pattern', 'format'] as const) if (typeof schema[key] === 'string') field[key] = schema[key];
  for (const key of ['minLength', 'maxLength', 'minimum', 'maximum'] as const) {
    if (typeof schema[key] === 'number') field[key] = schema[key];
  }
  if (uiField === 'OwnerPicker' || uiField === 'EntityPicker' || uiField === 'OwnedEntityPicker') {
    field.picker = pickerOf(uiField, options);
  }
  if (uiField === 'RepoUrlPicker') {
    const repo: NonNullable<ParameterField['repo']> = {};
    if (Array.isArray(options.allowedHosts)) repo.allowedHosts = options.allowedHosts.map(String);
    const owners = options.allowedOwners ?? options.allowedOrganizations;
    if (Array.isArray(owners)) repo.allowedOwners = owners.map(String);
    if (Array.isArray(options.allowedRepos)) repo.allowedRepos = options.allowedRepos.map(String);
    field.repo = repo;
  }
  return field;
}

function labelled(values: unknown[], names: unknown): { value: string | number | boolean; label: string }[] {
  const labels = Array.isArray(names) ? names : [];
  return values.map((value, index) => ({
    value: value as string | number | boolean,
    label: typeof labels[index] === 'string' ? (labels[index] as string) : String(value),
  }));
}

function widgetOf(
  type: ParameterField['type'],
  uiField: string | undefined,
  uiWidget: unknown,
  hasChoices: boolean,
  format: unknown,
): ParameterField['widget'] {
  if (uiField === 'EntityTagsPicker') return 'tags';
  if (uiField === 'EntityNamePicker') return 'entityName';
  if (uiField === 'RepoUrlPicker') return 'repoUrl';
  if (uiField) return 'entity';
  if (type === 'array') return 'multiselect';
  if (hasChoices) return 'select';
  if (type === 'boolean') return 'checkbox';
  if (type === 'number' || type === 'integer') return 'number';
  if (format === 'date') return 'date';
  return uiWidget === 'textarea' ? 'textarea' : 'text';
}

/**
 * The picker's filter as Backstage's EntityPicker builds it: `catalogFilter` when given (an object or a list of
 * alternatives; a single value becomes a list of one), else `allowedKinds` as `{ kind: allowedKinds }`
 * (backstage/backstage `plugins/scaffolder` `EntityPicker.tsx`, `buildCatalogFilter`). The shape was checked at load.
 */
function pickerOf(field: CatalogPicker['field'], options: Record<string, unknown>): CatalogPicker {
  const raw = options.catalogFilter;
  const given = (Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : []) as Record<string, unknown>[];
  let filter: Record<string, CatalogFilterValue>[] = given.map((alternative) =>
    Object.fromEntries(
      Object.entries(alternative).map(([key, value]): [string, CatalogFilterValue] => [
        key,
        Array.isArray(value) ? value.map(String) : isExistsValue(value) ? { exists: true } : [String(value)],
      ]),
    ),
  );
  if (filter.length === 0 && Array.isArray(options.allowedKinds)) filter = [{ kind: options.allowedKinds.map(String) }];
  if (filter.length === 0 && field === 'OwnerPicker') filter = [{ kind: ['Group', 'User'] }];
  const kinds = new Set<string>();
  for (const alternative of filter) {
    const kind = Object.entries(alternative).find(([key]) => key.toLowerCase() === 'kind')?.[1];
    if (Array.isArray(kind)) for (const value of kind) kinds.add(String(value).toLowerCase());
  }
  const picker: CatalogPicker = { field, kinds: [...kinds], filter, ownedByUser: field === 'OwnedEntityPicker' };
  if (typeof options.defaultKind === 'string') picker.defaultKind = options.defaultKind;
  if (typeof options.defaultNamespace === 'string') picker.defaultNamespace = options.defaultNamespace;
  return picker;
}

function isExistsValue(value: unknown): value is { exists: true } {
  return typeof value === 'object' && value !== null && (value as { exists?: unknown }).exists === true;
}

/**
 * `catalogFilter`'s shape, as Backstage's EntityPicker schema has it (`entityQueryFilterExpressionSchema`): an object
 * whose values are a string, a list of strings or `{ exists: true }`, or a list of such objects (alternatives).
 */
const FILTER_VALUE = z.union([z.string(), z.array(z.string()), z.object({ exists: z.literal(true) }).strict()]);
const FILTER_EXPECTED =
  'expected a filter such as { kind: Component, spec.type: service }: each key a value, a list of values or { exists: true }; or a list of such filters, any of which may match';

/** Adds a problem at each key of `catalogFilter` (or alternative) whose value is not of that shape. */
function checkCatalogFilter(raw: unknown, path: string, problems: LoadProblems): void {
  const alternatives = Array.isArray(raw)
    ? raw.map((item, index) => ({ item, at: `${path}[${index}]` }))
    : [{ item: raw, at: path }];
  for (const { item, at } of alternatives) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.add(at, FILTER_EXPECTED);
      continue;
    }
    for (const [key, value] of Object.entries(item)) {
      if (!FILTER_VALUE.safeParse(value).success) problems.add(keyPath(at, key), FILTER_EXPECTED);
    }
  }
}

/**
 * Validates `values` (all pages merged) against what `page` shows for them: the visible properties' schemas and
 * required list, with ajv; then RepoUrlPicker, EntityNamePicker and EntityTagsPicker values by their own rules.
 * Returns a sentence per field in error (empty when valid). Catalog pickers are checked by the caller, which has
 * the catalog.
 */
export function checkPageValues(
  page: ParameterPage,
  values: Readonly<Record<string, unknown>>,
  schemas: ParameterSchemas,
): Record<string, string> {
  const { properties, required } = visibleProperties(page, values, schemas, { conditional: true });
  const fields = visibleFields(page, values, schemas);
  const titles = new Map(fields.map((field) => [field.name, field.title]));
  const schema = { type: 'object', properties: Object.fromEntries(properties), required: [...required] };
  const errors: Record<string, string> = {};
  const validate = schemas.ajv.compile(schema);
  if (!validate(values)) {
    for (const error of validate.errors ?? []) {
      const field =
        error.keyword === 'required'
          ? String((error.params as { missingProperty?: unknown }).missingProperty)
          : error.instancePath.split('/')[1];
      if (!field || errors[field] || !properties.has(field)) continue;
      const value = error.instancePath
        .split('/')
        .slice(1)
        .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], values);
      errors[field] = describeError(error, titles.get(field) ?? field, properties.get(field) ?? {}, value);
    }
  }
  for (const field of fields) {
    const value = values[field.name];
    if (errors[field.name] || value === undefined || value === '') continue;
    const problem = pickerProblem(field, value);
    if (problem) errors[field.name] = problem;
  }
  return errors;
}

/** ajv's error as a sentence naming the field and what to enter. */
function describeError(error: ErrorObject, title: string, schema: Schema, value: unknown): string {
  const params = error.params as Record<string, unknown>;
  const shown = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
  switch (error.keyword) {
    case 'required':
      return `${title} is required; enter a value.`;
    case 'pattern':
      return `${title} ${shown} does not match the pattern ${String(params.pattern)}${
        typeof schema.description === 'string' ? ` (${schema.description.replace(/\.$/, '')})` : ''
      }.`;
    case 'minLength':
      return `${title} must be at least ${params.limit} characters long; it is ${String(value).length}.`;
    case 'maxLength':
      return `${title} must be at most ${params.limit} characters long; it is ${String(value).length}.`;
    case 'minimum':
      return `${title} must be at least ${params.limit}; it is ${shown}.`;
    case 'maximum':
      return `${title} must be at most ${params.limit}; it is ${shown}.`;
    case 'exclusiveMinimum':
      return `${title} must be more than ${params.limit}; it is ${shown}.`;
    case 'exclusiveMaximum':
      return `${title} must be less than ${params.limit}; it is ${shown}.`;
    case 'format':
      return `${title} ${shown} is not a valid ${String(params.format)}.`;
    case 'type':
      return `${title} must be ${params.type === 'integer' ? 'a whole number' : `a ${String(params.type)}`}; it is ${shown}.`;
    case 'enum': {
      const allowed = (params.allowedValues as unknown[] | undefined) ?? [];
      return `${title} must be one of ${oneOf(allowed.map((item) => String(item)))}; it is ${shown}.`;
    }
    case 'minItems':
      return `${title} needs at least ${params.limit} ${params.limit === 1 ? 'choice' : 'choices'}.`;
    case 'maxItems':
      return `${title} takes at most ${params.limit} choices.`;
    case 'uniqueItems':
      return `${title} lists the same choice twice.`;
    default:
      return `${title} ${error.message ?? 'is not valid'}.`;
  }
}

/** Rules of the fields Backstage checks in the form itself. */
function pickerProblem(field: ParameterField, value: unknown): string | undefined {
  if (field.widget === 'entityName' && !isValidObjectName(value)) {
    return `${field.title} "${String(value)}" is not a valid entity name; expected letters, digits and - _ . between them, at most 63 characters, such as payments-api.`;
  }
  if (field.widget === 'tags' && Array.isArray(value)) {
    const bad = value.find((tag) => !isValidTag(tag));
    if (bad !== undefined) {
      return `${field.title}: tag "${String(bad)}" is not valid; expected lowercase letters, digits, + and #, separated by -, at most 63 characters.`;
    }
  }
  if (field.widget === 'repoUrl' && field.repo) {
    let parts: { host: string; owner: string; repo: string };
    try {
      parts = parseRepoUrl(value);
    } catch (error) {
      return `${field.title}: ${error instanceof Error ? error.message : String(error)}`;
    }
    const { allowedHosts, allowedOwners, allowedRepos } = field.repo;
    if (allowedHosts && !allowedHosts.includes(parts.host)) {
      return `${field.title}: host ${parts.host} is not allowed; expected ${oneOf([...allowedHosts])}.`;
    }
    if (allowedOwners && !allowedOwners.includes(parts.owner)) {
      return `${field.title}: owner ${parts.owner} is not allowed; expected ${oneOf([...allowedOwners])}.`;
    }
    if (allowedRepos && !allowedRepos.includes(parts.repo)) {
      return `${field.title}: repository ${parts.repo} is not allowed; expected ${oneOf([...allowedRepos])}.`;
    }
  }
  return undefined;
}
