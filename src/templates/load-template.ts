/**
 * Loads one Backstage template (`apiVersion: scaffolder.backstage.io/v1beta3`, `kind: Template`) as written, from a
 * file's text or a catalog entity's envelope, and checks everything a run will need: the parameter pages
 * (`parameters.ts`), each step's action and its input (the action's zod schema; values holding an expression are
 * checked once rendered), every expression (it compiles, uses known filters, names earlier steps only), the
 * `wayfinder.dev/*` approval annotations, and the local folders fetch steps name. Anything Wayfinder cannot honour
 * is refused with a `TemplateLoadError` naming the file, the key path and what is supported.
 *
 * Source of the format: Backstage's `plugins/scaffolder-common/src/Template.v1beta3.schema.json`.
 */
import { existsSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { parseEntityRef, stringifyEntityRef } from '../core/catalog/refs.ts';
import type { ApprovalPolicy, TemplateDefinition } from '../core/ports/template-engine.ts';
import { ACTIONS } from './actions/index.ts';
import type { TemplateAction } from './actions/types.ts';
import { collectExpressions, expressionProblem, hasExpression } from './expressions.ts';
import { keyPath, LoadProblems, oneOf, TemplateLoadError } from './load-problems.ts';
import { type LoadedPage, loadParameterPages, type ParameterSchemas } from './parameters.ts';
import { resolveLocation, type TemplateLocation } from './template-files.ts';

export const APPROVERS_ANNOTATION = 'wayfinder.dev/approvers';
export const APPROVAL_IF_ANNOTATION = 'wayfinder.dev/approval-if';
export const SELF_APPROVAL_ANNOTATION = 'wayfinder.dev/allow-self-approval';

export interface LoadedStep {
  id: string;
  name: string;
  action: TemplateAction;
  input: Readonly<Record<string, unknown>>;
  if?: unknown;
  each?: unknown;
}

export interface LoadedTemplate {
  definition: TemplateDefinition;
  pages: LoadedPage[];
  steps: LoadedStep[];
  /** `spec.output` as written. */
  output: Readonly<Record<string, unknown>>;
  location: TemplateLocation;
  /** Where it was read from, for messages: a path or a URL. */
  file: string;
}

const text = z.string({ error: 'expected a string' });

const TemplateSchema = z.object({
  apiVersion: z.literal('scaffolder.backstage.io/v1beta3', {
    error:
      'expected scaffolder.backstage.io/v1beta3 (older template formats are not supported; see Backstage’s migrating-from-v1beta2-to-v1beta3 guide)',
  }),
  kind: z.literal('Template', { error: 'expected Template' }),
  metadata: z.looseObject({
    name: text
      .regex(/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/, 'expected letters, digits and - _ . between them')
      .max(63),
    namespace: text.optional(),
    title: text.optional(),
    description: text.optional(),
    tags: z.array(text, { error: 'expected a list of tags' }).optional(),
    annotations: z.record(z.string(), text, { error: 'expected a mapping of strings' }).optional(),
  }),
  spec: z.looseObject({
    type: text,
    owner: text.optional(),
    parameters: z.unknown().optional(),
    steps: z.array(z.unknown(), { error: 'expected a list of steps' }).default([]),
    output: z.record(z.string(), z.unknown(), { error: 'expected a mapping with links and text' }).optional(),
  }),
});

const StepSchema = z.strictObject(
  {
    id: text.regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, - and _').optional(),
    name: text.optional(),
    action: text,
    input: z.record(z.string(), z.unknown(), { error: 'expected a mapping of the action’s inputs' }).optional(),
    if: z.union([z.string(), z.boolean()], { error: 'expected an expression or true/false' }).optional(),
    each: z.union([z.string(), z.array(z.unknown())], { error: 'expected an expression or a list' }).optional(),
  },
  { error: 'expected a mapping with id, name, action, input, if and each' },
);

const OutputSchema = z.looseObject({
  links: z
    .array(
      z
        .strictObject({
          url: text.optional(),
          entityRef: text.optional(),
          title: text.optional(),
          icon: text.optional(),
        })
        .refine((link) => link.url !== undefined || link.entityRef !== undefined, 'expected url or entityRef'),
    )
    .optional(),
  text: z
    .array(
      z.strictObject({ title: text.optional(), content: text, icon: text.optional(), default: z.boolean().optional() }),
    )
    .optional(),
});

/** Parses a template file's text (one YAML document) and loads it; throws TemplateLoadError. */
export function loadTemplateText(opts: {
  text: string;
  file: string;
  location: TemplateLocation;
  schemas: ParameterSchemas;
}): LoadedTemplate {
  const document = parseDocument(opts.text);
  if (document.errors.length > 0) {
    throw new TemplateLoadError(opts.file, [
      { path: '', message: `is not valid YAML: ${document.errors[0]?.message.split('\n')[0] ?? ''}` },
    ]);
  }
  return loadTemplate({ ...opts, document: document.toJS() });
}

/** Loads a template document (a parsed file, or a catalog entity's envelope); throws TemplateLoadError. */
export function loadTemplate(opts: {
  document: unknown;
  file: string;
  location: TemplateLocation;
  schemas: ParameterSchemas;
}): LoadedTemplate {
  const problems = new LoadProblems();
  const parsed = TemplateSchema.safeParse(opts.document);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.add(issuePath([], issue.path), issue.message);
    throw new TemplateLoadError(opts.file, problems.list);
  }
  const { metadata, spec } = parsed.data;
  const pages = loadParameterPages(spec.parameters, opts.schemas, problems);
  const steps = loadSteps(spec.steps, opts.location, problems);
  const output = loadOutput(spec.output, problems);
  for (const { path, text: expression } of [
    ...collectExpressions(spec.steps, 'spec.steps'),
    ...collectExpressions(spec.output ?? {}, 'spec.output'),
    ...collectExpressions(
      metadata.annotations?.[APPROVAL_IF_ANNOTATION] ?? '',
      `metadata.annotations["${APPROVAL_IF_ANNOTATION}"]`,
    ),
  ]) {
    const problem = expressionProblem(expression);
    if (problem) problems.add(path, `${JSON.stringify(expression)}: ${problem}`);
  }
  checkStepReferences(referableSteps(spec.steps), spec.output ?? {}, problems);
  const approval = loadApproval(metadata.annotations ?? {}, metadata.namespace, problems);
  if (problems.list.length > 0) throw new TemplateLoadError(opts.file, problems.list);

  const namespace = metadata.namespace ?? 'default';
  const tags = metadata.tags ?? [];
  const definition: TemplateDefinition = {
    ref: `template:${namespace}/${metadata.name}`.toLowerCase(),
    name: metadata.name,
    title: metadata.title ?? metadata.name,
    tags,
    recommended: tags.includes('recommended'),
    pages: pages.map(({ validate: _validate, ...page }) => page),
    steps: steps.map((step) => ({ id: step.id, name: step.name, action: step.action.id })),
    ...(metadata.description !== undefined ? { description: metadata.description } : {}),
    ...(spec.owner !== undefined ? { owner: ownerRef(spec.owner, namespace) } : {}),
    ...(approval ? { approval } : {}),
  };
  return { definition, pages, steps, output, location: opts.location, file: opts.file };
}

function ownerRef(owner: string, namespace: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: namespace }));
  } catch {
    return owner;
  }
}

function issuePath(prefix: (string | number)[], path: readonly PropertyKey[]): string {
  return [...prefix, ...path].reduce<string>((at, key) => keyPath(at, typeof key === 'number' ? key : String(key)), '');
}

function loadSteps(raw: readonly unknown[], location: TemplateLocation, problems: LoadProblems): LoadedStep[] {
  const steps: LoadedStep[] = [];
  const ids = new Set<string>();
  raw.forEach((value, index) => {
    const at = keyPath('spec.steps', index);
    const parsed = StepSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        if (unknownKeys.length > 0) {
          for (const key of unknownKeys) {
            problems.add(
              keyPath(at, key),
              `is not a step key Wayfinder reads; expected ${oneOf(['id', 'name', 'action', 'input', 'if', 'each'])}`,
            );
          }
        } else problems.add(issuePath(['spec', 'steps', index], issue.path), issue.message);
      }
      return;
    }
    const step = parsed.data;
    const id = step.id ?? `step-${index + 1}`;
    if (ids.has(id))
      problems.add(keyPath(at, 'id'), `"${id}" is the id of an earlier step too; expected ids to differ`);
    ids.add(id);
    const action = ACTIONS.get(step.action);
    if (!action) {
      problems.add(
        keyPath(at, 'action'),
        `"${step.action}" is not an action Wayfinder runs; expected ${oneOf([...ACTIONS.keys()])}`,
      );
      return;
    }
    const input = step.input ?? {};
    checkInput(action, input, keyPath(at, 'input'), problems);
    checkFetchUrl(action, input, location, keyPath(keyPath(at, 'input'), 'url'), problems);
    steps.push({
      id,
      name: step.name ?? action.id,
      action,
      input,
      ...(step.if !== undefined ? { if: step.if } : {}),
      ...(step.each !== undefined ? { each: step.each } : {}),
    });
  });
  return steps;
}

/** The action's schema on the literal inputs; an input name it does not know is refused whatever its value. */
function checkInput(
  action: TemplateAction,
  input: Record<string, unknown>,
  path: string,
  problems: LoadProblems,
): void {
  const shape = action.schema.shape as Record<string, z.ZodType>;
  const names = Object.keys(shape);
  for (const [name, value] of Object.entries(input)) {
    const schema = shape[name];
    if (!schema) {
      problems.add(keyPath(path, name), `is not an input of ${action.id}; expected ${oneOf(names)}`);
      continue;
    }
    if (collectExpressions(value, '').length > 0) continue;
    const result = schema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const at = (issue?.path ?? []).reduce<string>(
        (prefix, key) => keyPath(prefix, typeof key === 'number' ? key : String(key)),
        keyPath(path, name),
      );
      problems.add(at, issue?.message ?? 'is not valid');
    }
  }
  for (const name of names) {
    if (input[name] === undefined && !shape[name]?.safeParse(undefined).success) {
      problems.add(keyPath(path, name), `is required by ${action.id}`);
    }
  }
  const across = action.checkInputs?.(input);
  if (across) problems.add(path, across);
}

/** A local folder a fetch step names must exist now, so the template that loads runs. */
function checkFetchUrl(
  action: TemplateAction,
  input: Record<string, unknown>,
  location: TemplateLocation,
  path: string,
  problems: LoadProblems,
): void {
  const url = input.url;
  if (!action.id.startsWith('fetch:') || typeof url !== 'string' || hasExpression(url)) return;
  try {
    const target = resolveLocation(location, url);
    if (target.type === 'dir' && !existsSync(target.dir)) {
      problems.add(
        path,
        `${JSON.stringify(url)} does not exist beside the template (${target.dir}); expected the skeleton folder`,
      );
    }
  } catch (error) {
    problems.add(path, error instanceof Error ? error.message : String(error));
  }
}

function loadOutput(raw: Record<string, unknown> | undefined, problems: LoadProblems): Record<string, unknown> {
  if (!raw) return {};
  const parsed = OutputSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.add(issuePath(['spec', 'output'], issue.path), issue.message);
  }
  return raw;
}

/** A step as its references are checked: every step the file lists, at its own index, refused or not. */
interface ReferableStep {
  id: string;
  input?: unknown;
  if?: unknown;
  each?: unknown;
}

/**
 * The file's steps for `checkStepReferences`, read from the file rather than from the steps that loaded, so that a
 * step refused for its own fault (an unknown action) keeps its index and its id: the steps after it are named by
 * their own index, and a reference to it is no second error.
 */
function referableSteps(raw: readonly unknown[]): ReferableStep[] {
  return raw.map((value, index) => {
    const step = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
    return {
      id: typeof step.id === 'string' ? step.id : `step-${index + 1}`,
      input: step.input,
      if: step.if,
      each: step.each,
    };
  });
}

/** `steps['x']` and `steps.x` must name a step that runs before. */
function checkStepReferences(steps: ReferableStep[], output: Record<string, unknown>, problems: LoadProblems): void {
  const reference = /steps(?:\[\s*['"]([^'"]+)['"]\s*\]|\.([A-Za-z0-9_-]+))/g;
  const check = (value: unknown, path: string, earlier: readonly string[]) => {
    for (const { path: at, text: expression } of collectExpressions(value, path)) {
      for (const match of expression.matchAll(reference)) {
        const id = match[1] ?? match[2] ?? '';
        if (!earlier.includes(id)) {
          problems.add(
            at,
            `names step "${id}", which ${steps.some((step) => step.id === id) ? 'does not run before it' : 'does not exist'}; expected one of ${earlier.length > 0 ? oneOf([...earlier]) : 'no step (it is the first)'}`,
          );
        }
      }
    }
  };
  steps.forEach((step, index) => {
    const earlier = steps.slice(0, index).map((candidate) => candidate.id);
    check({ input: step.input, if: step.if, each: step.each }, `spec.steps[${index}]`, earlier);
  });
  check(
    output,
    'spec.output',
    steps.map((step) => step.id),
  );
}

function loadApproval(
  annotations: Record<string, string>,
  namespace: string | undefined,
  problems: LoadProblems,
): ApprovalPolicy | undefined {
  const approvers = annotations[APPROVERS_ANNOTATION];
  const condition = annotations[APPROVAL_IF_ANNOTATION];
  const self = annotations[SELF_APPROVAL_ANNOTATION];
  const at = (key: string) => `metadata.annotations["${key}"]`;
  if (self !== undefined && self !== 'true' && self !== 'false')
    problems.add(at(SELF_APPROVAL_ANNOTATION), 'expected "true" or "false"');
  if (approvers === undefined) {
    if (condition !== undefined)
      problems.add(at(APPROVAL_IF_ANNOTATION), `has no ${APPROVERS_ANNOTATION} to ask; add the approving group`);
    return undefined;
  }
  let ref: string;
  try {
    ref = stringifyEntityRef(
      parseEntityRef(approvers, { defaultKind: 'group', defaultNamespace: namespace ?? 'default' }),
    );
  } catch (error) {
    problems.add(at(APPROVERS_ANNOTATION), error instanceof Error ? error.message : String(error));
    return undefined;
  }
  if (!ref.startsWith('group:'))
    problems.add(
      at(APPROVERS_ANNOTATION),
      `"${approvers}" is not a group; expected a Group ref such as group:default/platform`,
    );
  return { approvers: ref, allowSelfApproval: self === 'true', ...(condition !== undefined ? { condition } : {}) };
}
