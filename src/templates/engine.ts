/**
 * `TemplateEngine` over Backstage templates: finds them (`template-sources.ts`), loads and checks them
 * (`load-template.ts`), checks form values (`parameters.ts`), renders expressions (`expressions.ts`) and runs actions
 * (`actions/`) one step at a time, as Backstage's `NunjucksWorkflowRunner` does but resumable: the caller stores each
 * step's output and hands it back.
 *
 * Each request has a workspace on disk (`<workspaceRoot>/<requestId>`) where fetch steps write. A step that reads it
 * (a publish) on a replica or after a restart that lost it first runs the finished fetch steps again: they are
 * deterministic, so the files are the same.
 */
import { createHash } from 'node:crypto';
import { ownershipRefsOf } from '../core/catalog/ownership-refs.ts';
import type { CatalogFilter } from '../core/catalog/records.ts';
import { parseEntityRef, stringifyEntityRef } from '../core/catalog/refs.ts';
import { GitHubUnavailableError, InputError, isWayfinderError, NotFoundError, UpstreamError } from '../core/errors.ts';
import type { CatalogRegistrar } from '../core/ports/catalog-registrar.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { GitHubProvisioner } from '../core/ports/github-provisioner.ts';
import {
  type ParameterErrors,
  type ParameterField,
  type RunState,
  StepFailure,
  type StepJournal,
  type StepPlan,
  type StepResult,
  type TemplateDefinition,
  type TemplateEngine,
  type TemplateOutput,
  type TemplateSummary,
  type TemplateUser,
} from '../core/ports/template-engine.ts';
import { isFetchAction } from './actions/index.ts';
import type { ActionServices } from './actions/types.ts';
import { type ExpressionContext, isTruthy, renderValue } from './expressions.ts';
import { TemplateLoadError } from './load-problems.ts';
import { type LoadedStep, type LoadedTemplate, loadTemplate, loadTemplateText } from './load-template.ts';
import { checkPageValues, createParameterSchemas, type ParameterSchemas, visibleFields } from './parameters.ts';
import { type FoundTemplate, findCatalogTemplates, findLocalTemplates } from './template-sources.ts';
import { DiskWorkspace, MemoryWorkspace, type Workspace } from './workspace.ts';

export interface ScaffolderTemplateEngineOptions {
  /** The templates folder (`WAYFINDER_TEMPLATES_DIR`); absent: none. */
  templatesDir?: string;
  /** The catalog: `Template` entities, catalog pickers' values, the requester's `user.entity`. */
  store?: Pick<CatalogStore, 'search' | 'getEntity' | 'getRelations'>;
  /** Absent when GitHub is not configured: GitHub steps then fail (not retryable) saying what to set. */
  github?: GitHubProvisioner;
  registrar?: CatalogRegistrar;
  /** GitHub's web host repository URLs must name (default `github.com`). */
  githubHost?: string;
  /** Where request workspaces live (one folder per request). */
  workspaceRoot: string;
  /**
   * `environment.parameters` in expressions, as Backstage's `scaffolder.defaultEnvironment.parameters`: the
   * deployment's own values, such as `githubOrg`, so a shipped template needs no edit.
   */
  environment?: Readonly<Record<string, unknown>>;
  /** See `ActionServices.runListingDelayMs` (default 5,000 ms). */
  runListingDelayMs?: number;
}

/** Everything found, loaded: the templates that load, and why the others do not. */
export interface TemplateCatalog {
  templates: LoadedTemplate[];
  failures: TemplateLoadError[];
}

export class ScaffolderTemplateEngine implements TemplateEngine {
  readonly #options: ScaffolderTemplateEngineOptions;
  readonly #schemas: ParameterSchemas = createParameterSchemas();
  readonly #services: ActionServices;
  /** Loaded templates by file and content hash: unchanged files are not loaded again. */
  readonly #cache = new Map<string, LoadedTemplate | TemplateLoadError>();

  constructor(options: ScaffolderTemplateEngineOptions) {
    this.#options = options;
    this.#services = {
      githubHost: options.githubHost ?? 'github.com',
      ...(options.github ? { github: options.github } : {}),
      ...(options.registrar ? { registrar: options.registrar } : {}),
      ...(options.runListingDelayMs !== undefined ? { runListingDelayMs: options.runListingDelayMs } : {}),
    };
  }

  /** Whether GitHub steps can run here (GitHub is configured). */
  get writesToGitHub(): boolean {
    return this.#services.github !== undefined;
  }

  /** Loads every template found; a template defined in the folder wins over a catalog entity with the same ref. */
  async loadAll(): Promise<TemplateCatalog> {
    const found = [
      ...(this.#options.templatesDir ? await findLocalTemplates(this.#options.templatesDir) : []),
      ...(this.#options.store
        ? await findCatalogTemplates({ store: this.#options.store, githubHost: this.#services.githubHost })
        : []),
    ];
    const templates: LoadedTemplate[] = [];
    const failures: TemplateLoadError[] = [];
    const refs = new Set<string>();
    for (const item of found) {
      const loaded = this.#load(item);
      if (loaded instanceof TemplateLoadError) failures.push(loaded);
      else if (!refs.has(loaded.definition.ref)) {
        refs.add(loaded.definition.ref);
        templates.push(loaded);
      }
    }
    templates.sort(
      (a, b) =>
        Number(b.definition.recommended) - Number(a.definition.recommended) ||
        a.definition.title.localeCompare(b.definition.title),
    );
    return { templates, failures };
  }

  /** Loads one found template (cached by content); a TemplateLoadError is returned, not thrown. */
  load(item: FoundTemplate): LoadedTemplate | TemplateLoadError {
    return this.#load(item);
  }

  async list(): Promise<TemplateSummary[]> {
    return (await this.loadAll()).templates.map(({ definition }) => summaryOf(definition));
  }

  async get(refOrName: string): Promise<TemplateDefinition | undefined> {
    return (await this.#find(refOrName))?.definition;
  }

  async fields(ref: string, page: number, values: Readonly<Record<string, unknown>>): Promise<ParameterField[]> {
    return visibleFields(await this.#page(ref, page), values, this.#schemas);
  }

  async checkParameters(
    ref: string,
    page: number,
    values: Readonly<Record<string, unknown>>,
    user?: TemplateUser,
  ): Promise<ParameterErrors> {
    const loaded = await this.#page(ref, page);
    const errors = checkPageValues(loaded, values, this.#schemas);
    const store = this.#options.store;
    if (!store) return errors;
    for (const field of visibleFields(loaded, values, this.#schemas)) {
      const value = values[field.name];
      if (!field.picker || errors[field.name] || typeof value !== 'string' || value === '') continue;
      const problem = await this.#pickerProblem(field, value, store, user);
      if (problem) errors[field.name] = problem;
    }
    return errors;
  }

  async needsApproval(ref: string, state: RunState): Promise<boolean> {
    const template = await this.#require(ref);
    const approval = template.definition.approval;
    if (!approval) return false;
    if (approval.condition === undefined) return true;
    return isTruthy(renderValue(approval.condition, await this.#context(state)));
  }

  async plan(ref: string, state: RunState): Promise<StepPlan[]> {
    const template = await this.#require(ref);
    const workspace = new MemoryWorkspace();
    const outputs: Record<string, Readonly<Record<string, unknown>>> = { ...state.outputs };
    const plans: StepPlan[] = [];
    for (const step of template.steps) {
      const files: string[] = [];
      const context = await this.#context({ ...state, outputs });
      const inputs: Record<string, unknown>[] = [];
      let output: Record<string, unknown> = {};
      let runs = false;
      let problem: string | undefined;
      try {
        for (const iteration of this.#iterations(step, context)) {
          if (!iteration.runs) continue;
          runs = true;
          const input = this.#input(step, iteration.context);
          inputs.push(input);
          const result = await this.#runAction(step, template, input, state.requestId, workspace, true, [], files);
          output = mergeOutput(output, result, step.each !== undefined);
        }
      } catch (error) {
        if (!isWayfinderError(error)) throw error;
        problem = error.message;
      }
      outputs[step.id] = output;
      plans.push({
        id: step.id,
        name: step.name,
        action: step.action.id,
        runs,
        input: step.each !== undefined ? { each: inputs } : (inputs[0] ?? this.#renderedOrEmpty(step, context)),
        ...(isFetchAction(step.action.id) ? { files: files.sort((a, b) => a.localeCompare(b)) } : {}),
        ...(problem !== undefined ? { problem } : {}),
      });
    }
    return plans;
  }

  async runStep(ref: string, stepId: string, state: RunState, journal?: StepJournal): Promise<StepResult> {
    const template = await this.#require(ref);
    const index = template.steps.findIndex((step) => step.id === stepId);
    const step = template.steps[index];
    if (!step) throw new NotFoundError(`Template ${ref} has no step "${stepId}".`);
    const log: string[] = [];
    try {
      const workspace = new DiskWorkspace({ root: this.#options.workspaceRoot, requestId: state.requestId });
      await this.#restoreWorkspace(template, index, state, workspace, log);
      const context = await this.#context(state);
      let output: Record<string, unknown> = {};
      let ran = false;
      for (const iteration of this.#iterations(step, context)) {
        if (!iteration.runs) continue;
        ran = true;
        const input = this.#input(step, iteration.context);
        const scope = iteration.key === undefined ? '' : `each:${JSON.stringify(iteration.key)}/`;
        const result = await this.#runAction(step, template, input, state.requestId, workspace, false, log, [], {
          journal: scopedJournal(journal ?? FORGETFUL_JOURNAL, scope),
        });
        output = mergeOutput(output, result, step.each !== undefined);
      }
      if (!ran) log.push(`Skipped ${step.id}: its if condition was false`);
      if (isFetchAction(step.action.id)) await workspace.markStep(step.id);
      return { ran, output, log };
    } catch (error) {
      throw toStepFailure(error, step);
    }
  }

  async output(ref: string, state: RunState): Promise<TemplateOutput> {
    const template = await this.#require(ref);
    const rendered = renderValue(template.output, await this.#context(state)) as {
      links?: TemplateOutput['links'];
      text?: TemplateOutput['text'];
    };
    return { links: rendered.links ?? [], text: rendered.text ?? [] };
  }

  #load(item: FoundTemplate): LoadedTemplate | TemplateLoadError {
    const content = 'text' in item ? item.text : JSON.stringify(item.document);
    const key = `${item.file}\n${JSON.stringify(item.location)}\n${createHash('sha256').update(content).digest('hex')}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    let loaded: LoadedTemplate | TemplateLoadError;
    try {
      loaded =
        'text' in item
          ? loadTemplateText({ text: item.text, file: item.file, location: item.location, schemas: this.#schemas })
          : loadTemplate({ document: item.document, file: item.file, location: item.location, schemas: this.#schemas });
    } catch (error) {
      if (!(error instanceof TemplateLoadError)) throw error;
      loaded = error;
    }
    this.#cache.set(key, loaded);
    return loaded;
  }

  async #find(refOrName: string): Promise<LoadedTemplate | undefined> {
    const wanted = refOrName.trim().toLowerCase();
    const { templates, failures } = await this.loadAll();
    const found = templates.find(
      ({ definition }) => definition.ref === wanted || definition.name.toLowerCase() === wanted,
    );
    if (found) return found;
    // A template that exists but does not load is an error to show, not a missing template.
    const broken = failures.find((failure) => failure.problems.length > 0 && failureNames(failure).includes(wanted));
    if (broken) throw broken;
    return undefined;
  }

  async #require(ref: string): Promise<LoadedTemplate> {
    const template = await this.#find(ref);
    if (!template) throw new NotFoundError(`There is no template ${ref}; wayfinder templates list shows them.`);
    return template;
  }

  async #page(ref: string, page: number) {
    const template = await this.#require(ref);
    const loaded = template.pages[page];
    if (!loaded) {
      throw new InputError(
        `Template ${ref} has ${template.pages.length} parameter page(s); page ${page} does not exist.`,
      );
    }
    return loaded;
  }

  async #pickerProblem(
    field: ParameterField,
    value: string,
    store: Pick<CatalogStore, 'getEntity' | 'search' | 'getRelations'>,
    user: TemplateUser | undefined,
  ): Promise<string | undefined> {
    const picker = field.picker;
    if (!picker) return undefined;
    let ref: string;
    try {
      ref = stringifyEntityRef(
        parseEntityRef(value, {
          defaultKind: picker.defaultKind ?? picker.kinds[0] ?? 'component',
          defaultNamespace: picker.defaultNamespace ?? 'default',
        }),
      );
    } catch (error) {
      return `${field.title}: ${error instanceof Error ? error.message : String(error)}`;
    }
    const entity = await store.getEntity({ ref });
    if (!entity) return `${field.title}: there is no ${ref} in the catalog; pick one from the list.`;
    const everyNamesKind = picker.filter.every((alternative) =>
      Object.keys(alternative).some((key) => key.toLowerCase() === 'kind'),
    );
    if (everyNamesKind && picker.kinds.length > 0 && !picker.kinds.includes(entity.kind.toLowerCase())) {
      return `${field.title}: ${ref} is a ${entity.kind}; expected a ${picker.kinds.join(' or ')}.`;
    }
    if (picker.filter.length > 0) {
      const kept = await store.search({ text: '', limit: 1, refs: [ref], filter: picker.filter });
      if (kept.total === 0) {
        return `${field.title}: ${ref} is not one of the entities this field offers (${describeFilter(picker.filter)}); pick one from the list.`;
      }
    }
    if (picker.ownedByUser && user) {
      if (!user.ref) {
        return `${field.title}: Wayfinder does not know who you are in the catalog, so it cannot tell which entities are yours; ask your platform team to add your email to your catalog User.`;
      }
      const ownerRefs = await ownershipRefsOf(store, user.ref);
      const owned = await store.search({ text: '', limit: 1, refs: [ref], ownerRefs });
      if (owned.total === 0) {
        return `${field.title}: ${ref} is not owned by ${ownerRefs.join(' or ')}; pick one of yours from the list.`;
      }
    }
    return undefined;
  }

  async #context(state: RunState): Promise<ExpressionContext> {
    const entity =
      state.user.ref && this.#options.store ? await this.#options.store.getEntity({ ref: state.user.ref }) : undefined;
    return {
      parameters: state.values,
      steps: Object.fromEntries(Object.entries(state.outputs).map(([id, output]) => [id, { output }])),
      user: { ...(state.user.ref ? { ref: state.user.ref } : {}), ...(entity ? { entity: entity.envelope } : {}) },
      context: { task: { id: state.requestId } },
      environment: { parameters: this.#options.environment ?? {} },
    };
  }

  /** One iteration per `each` entry (`each.key`, `each.value`), else one; `if` decides each one's `runs`. */
  /** Each run of the step: one, or one per item of `each` (with the item's `key`). */
  #iterations(
    step: LoadedStep,
    context: ExpressionContext,
  ): { runs: boolean; context: ExpressionContext; key?: string }[] {
    const condition = (scope: ExpressionContext) =>
      step.if === undefined || step.if === true || (step.if !== false && isTruthy(renderValue(step.if, scope)));
    if (step.each === undefined) return [{ runs: condition(context), context }];
    const items = renderValue(step.each, context);
    if (items === undefined || items === null || typeof items !== 'object') {
      throw new InputError(
        `each of step "${step.id}" renders to ${JSON.stringify(items)}; expected a list or a mapping.`,
      );
    }
    return Object.entries(items).map(([key, value]) => {
      const scope = { ...context, each: { key, value } };
      return { runs: condition(scope), context: scope, key };
    });
  }

  #input(step: LoadedStep, context: ExpressionContext): Record<string, unknown> {
    return renderValue(step.input, context, 'input') as Record<string, unknown>;
  }

  #renderedOrEmpty(step: LoadedStep, context: ExpressionContext): Record<string, unknown> {
    try {
      return this.#input(step, context);
    } catch {
      return {};
    }
  }

  async #runAction(
    step: LoadedStep,
    template: LoadedTemplate,
    rendered: Record<string, unknown>,
    requestId: string,
    workspace: Workspace,
    dryRun: boolean,
    log: string[],
    files: string[],
    extra: { journal?: StepJournal } = {},
  ): Promise<Record<string, unknown>> {
    const parsed = step.action.schema.safeParse(rendered);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const at = ['input', ...(issue?.path ?? []).map(String)].join('.');
      throw new InputError(`${at}: ${issue?.message ?? 'is not valid'} (rendered: ${JSON.stringify(rendered)})`);
    }
    return step.action.handler({
      input: parsed.data,
      requestId,
      stepId: step.id,
      dryRun,
      location: template.location,
      workspace,
      services: this.#services,
      journal: extra.journal ?? FORGETFUL_JOURNAL,
      log: (line) => log.push(line),
      wrote: (path) => files.push(path),
    });
  }

  /** Runs the finished fetch steps before `index` again when this workspace does not hold their files. */
  async #restoreWorkspace(
    template: LoadedTemplate,
    index: number,
    state: RunState,
    workspace: DiskWorkspace,
    log: string[],
  ): Promise<void> {
    const fetches = template.steps
      .slice(0, index)
      .filter((step) => isFetchAction(step.action.id) && step.id in state.outputs);
    const missing = [];
    for (const step of fetches) if (!(await workspace.hasStep(step.id))) missing.push(step);
    if (missing.length === 0) return;
    await workspace.clear();
    for (const step of fetches) {
      log.push(`Workspace rebuilt: running ${step.id} again`);
      const context = await this.#context(state);
      for (const iteration of this.#iterations(step, context)) {
        if (iteration.runs) {
          await this.#runAction(
            step,
            template,
            this.#input(step, iteration.context),
            state.requestId,
            workspace,
            false,
            log,
            [],
          );
        }
      }
      await workspace.markStep(step.id);
    }
  }
}

function summaryOf(definition: TemplateDefinition): TemplateSummary {
  const { pages: _pages, steps: _steps, approval: _approval, ...summary } = definition;
  return summary;
}

/** The names a broken template may be asked for by: its file's folder, and the name it declares if any. */
function failureNames(failure: TemplateLoadError): string[] {
  const folder = failure.file.split('/').slice(-2, -1)[0]?.toLowerCase();
  return folder ? [folder] : [];
}

/** With `each`, every output key collects one value per iteration, as in Backstage. */
function mergeOutput(
  into: Record<string, unknown>,
  result: Record<string, unknown>,
  each: boolean,
): Record<string, unknown> {
  if (!each) return { ...into, ...result };
  const merged = { ...into };
  for (const [key, value] of Object.entries(result)) merged[key] = [...((merged[key] as unknown[]) ?? []), value];
  return merged;
}

/**
 * What a failed step means for its run: try again later (GitHub unavailable, a crash) or fix something first, and how
 * many times the failing call was sent (`tries`, from the first upstream error on its chain of causes).
 */
function toStepFailure(error: unknown, step: LoadedStep): StepFailure {
  if (error instanceof StepFailure) return error;
  const where = `Step "${step.name}" (${step.action.id})`;
  const reason = error instanceof Error ? error.message : String(error);
  const retryable = error instanceof GitHubUnavailableError || !isWayfinderError(error);
  const tries = upstreamTriesOf(error);
  return new StepFailure(`${where}: ${reason}`, retryable, {
    cause: error,
    reason,
    ...(tries !== undefined ? { tries } : {}),
  });
}

function upstreamTriesOf(error: unknown): number | undefined {
  for (let at = error; at instanceof Error; at = at.cause) {
    if ((at instanceof UpstreamError || at instanceof GitHubUnavailableError) && at.tries !== undefined)
      return at.tries;
  }
  return undefined;
}

/** A filter in words for a message: `kind Component, spec.type service; or kind API`. */
function describeFilter(filter: CatalogFilter): string {
  return filter
    .map((alternative) =>
      Object.entries(alternative)
        .map(([key, value]) => `${key} ${'exists' in value ? '(any value)' : value.join(' or ')}`)
        .join(', '),
    )
    .join('; or ');
}

/** The journal of a run with none (the dry run, a tool): nothing earlier, and nothing kept. */
const FORGETFUL_JOURNAL: StepJournal = { saved: {}, save: async () => {} };

/** `journal` as one `each` iteration sees it: its own entries, under `prefix` in the step's journal. */
function scopedJournal(journal: StepJournal, prefix: string): StepJournal {
  if (prefix === '') return journal;
  const saved = Object.fromEntries(
    Object.entries(journal.saved)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
  return {
    saved,
    save: (entries) =>
      journal.save(Object.fromEntries(Object.entries(entries).map(([key, value]) => [`${prefix}${key}`, value]))),
  };
}
