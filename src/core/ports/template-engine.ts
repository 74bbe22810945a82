/**
 * The seam between the template engine (`src/templates/`: loading Backstage `scaffolder.backstage.io/v1beta3`
 * Templates, checking parameters with ajv, rendering `${{ }}` expressions with Nunjucks, running scaffolder actions)
 * and whoever asks for templates to run: the request runner, the `/provision` form, the console and the CLI.
 *
 * The engine holds no request state. A run is driven step by step by its caller, which stores each step's output and
 * hands the earlier ones back, so a run can resume after a crash from the first unfinished step. Every `runStep` is
 * idempotent for a given `requestId`: run twice, it finds what the first run created (a repository, a pull request
 * on the branch `wayfinder/<requestId>`, a recorded dispatch) instead of creating it again.
 *
 * Source of the formats: Backstage's `plugins/scaffolder-common/src/Template.v1beta3.schema.json` and
 * `../shared/reference/backstage.md` §3.
 */
import type { CatalogFilter } from '../catalog/records.ts';

/** A template as listed: `/provision`'s picker, `wayfinder templates list`. */
export interface TemplateSummary {
  /** Entity ref, `template:<namespace>/<name>`. */
  ref: string;
  name: string;
  title: string;
  description?: string;
  tags: readonly string[];
  /** Tagged `recommended`: a golden path, listed first. */
  recommended: boolean;
  /** Owner entity ref (`spec.owner`), when the template names one. */
  owner?: string;
}

/** One page of `spec.parameters`: a JSON Schema (draft-07) object schema plus its `ui:*` options, as written. */
export interface ParameterPage {
  title?: string;
  description?: string;
  /** The page's JSON Schema with the `ui:*` keys removed (they are in `uiSchema`). */
  schema: Readonly<Record<string, unknown>>;
  /** `ui:*` options per property name, e.g. `{ owner: { 'ui:field': 'OwnerPicker', 'ui:options': {...} } }`. */
  uiSchema: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * The page's fields that always show, in order, ready to render as form inputs. Fields added by a condition
   * (`if`/`then`/`else`, `dependencies`) depend on the values: ask `TemplateEngine.fields`.
   */
  fields: readonly ParameterField[];
}

/** A catalog picker's options, from `ui:field` and `ui:options` (older names such as `allowedKinds` folded in). */
export interface CatalogPicker {
  field: 'OwnerPicker' | 'EntityPicker' | 'OwnedEntityPicker';
  /** Kinds the filter names (lowercase), for defaulting a short ref's kind; empty when it names none. */
  kinds: readonly string[];
  /**
   * What the picker offers, as Backstage's EntityPicker asks the catalog: `catalogFilter` (each value a list), else
   * the older `allowedKinds` as `{ kind: allowedKinds }`; OwnerPicker's default is `{ kind: [Group, User] }`. Empty:
   * any entity.
   */
  filter: CatalogFilter;
  /**
   * OwnedEntityPicker: only entities owned by the requester or one of their groups (their User ref and the Groups it
   * is `memberOf`, Backstage's default `ownershipEntityRefs`), on top of `filter`.
   */
  ownedByUser: boolean;
  defaultKind?: string;
  defaultNamespace?: string;
}

/** One input of a parameter page, as a form shows it. */
export interface ParameterField {
  /** The property name: the key of the value in `parameters`. */
  name: string;
  /** `title`, else the name. */
  title: string;
  description?: string;
  /** `ui:help`. */
  help?: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array';
  /**
   * How to ask for it: free text (`textarea` for `ui:widget: textarea`), a number, a checkbox, one of `options`
   * (`select`), several of them (`multiselect`, an array of enums), a date (`format: date`), a catalog entity
   * (`entity`, see `picker`), tags (`tags`, EntityTagsPicker), an entity name (`entityName`, EntityNamePicker) or a
   * repository (`repoUrl`, RepoUrlPicker, see `repo`).
   */
  widget:
    | 'text'
    | 'textarea'
    | 'number'
    | 'checkbox'
    | 'select'
    | 'multiselect'
    | 'date'
    | 'entity'
    | 'tags'
    | 'entityName'
    | 'repoUrl';
  required: boolean;
  default?: unknown;
  /** `enum` with `enumNames` as labels (for an array, its `items`). */
  options?: readonly { value: string | number | boolean; label: string }[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  /** `ui:autofocus`. */
  autofocus: boolean;
  picker?: CatalogPicker;
  /** RepoUrlPicker's `allowedHosts`, `allowedOwners`, `allowedRepos` (absent: any). */
  repo?: { allowedHosts?: readonly string[]; allowedOwners?: readonly string[]; allowedRepos?: readonly string[] };
}

/** Who must approve a request, from the template's `wayfinder.dev/*` annotations. */
export interface ApprovalPolicy {
  /** Group entity ref whose members (directly or through sub-teams) may decide. */
  approvers: string;
  /** `wayfinder.dev/approval-if`, an expression; absent means always. */
  condition?: string;
  /** `wayfinder.dev/allow-self-approval: "true"`. */
  allowSelfApproval: boolean;
}

export interface StepDefinition {
  id: string;
  name?: string;
  /** Scaffolder action id, e.g. `publish:github`. */
  action: string;
}

export interface TemplateDefinition extends TemplateSummary {
  pages: readonly ParameterPage[];
  steps: readonly StepDefinition[];
  approval?: ApprovalPolicy;
}

/** Who asked, as templates see it (`user.entity`, `user.ref`). */
export interface TemplateUser {
  /** The requester's catalog User ref, when their chat account resolves to one. */
  ref?: string;
}

/** Per field name, what is wrong with the value, as a sentence (ajv's error mapped to the field). */
export type ParameterErrors = Record<string, string>;

/** A step as the dry run would run it: its rendered input and, for fetch actions, the files it would write. */
export interface StepPlan {
  id: string;
  name: string;
  action: string;
  /** False when the step's `if` renders falsy: it will be skipped. */
  runs: boolean;
  /** The rendered input; for a step with `each`, `{ each: [input of each iteration that runs] }`. */
  input: Readonly<Record<string, unknown>>;
  files?: readonly string[];
  /** Why the step could not be planned (an input that does not render or check); it would fail the same way. */
  problem?: string;
}

export interface TemplateOutput {
  links: readonly { title?: string; url?: string; entityRef?: string; icon?: string }[];
  text: readonly { title?: string; content: string }[];
}

/** What a run has done so far, handed back on every call so the engine can render `steps['id'].output`. */
export interface RunState {
  requestId: string;
  user: TemplateUser;
  /** All pages' values, merged, already checked by `checkParameters`. */
  values: Readonly<Record<string, unknown>>;
  /** Outputs of the steps that finished, by step id. */
  outputs: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * What a step keeps across its attempts, durably (the request runner stores it on the step's row), so that an action
 * whose effect GitHub cannot find again by itself records what it is about to do before doing it, and an attempt after
 * a crash finds the record (`github:actions:dispatch`: when it dispatched, and which runs were there before).
 */
export interface StepJournal {
  /** What earlier attempts of the step saved, by key; `{}` on a first attempt. */
  readonly saved: Readonly<Record<string, unknown>>;
  /** Saves `entries` over what is saved (key by key) before resolving; the next attempt sees them in `saved`. */
  save(entries: Readonly<Record<string, unknown>>): Promise<void>;
}

export interface StepResult {
  /** False when the step's `if` was falsy and nothing ran. */
  ran: boolean;
  output: Readonly<Record<string, unknown>>;
  /** Lines the action logged, for the request's step log. */
  log: readonly string[];
}

export interface TemplateEngine {
  /** Every loadable template, recommended first, then by title. */
  list(): Promise<TemplateSummary[]>;
  /** By ref or bare name; undefined when there is none. */
  get(refOrName: string): Promise<TemplateDefinition | undefined>;
  /**
   * The fields page `page` (0-based) shows for `values` (every value entered so far, all pages merged): its fields
   * plus those its `if`/`then`/`else` and `dependencies` add for these values, which may read earlier pages' values.
   */
  fields(ref: string, page: number, values: Readonly<Record<string, unknown>>): Promise<ParameterField[]>;
  /**
   * Checks page `page` (ajv, draft-07, as Backstage's form does) against `values` (every value entered so far, all
   * pages merged, so a condition on an earlier page applies); `{}` when they pass. Catalog pickers' values must name
   * an entity their filter keeps (and, given `user`, an OwnedEntityPicker's one that user or their groups own),
   * RepoUrlPicker's an allowed host, owner and repository.
   */
  checkParameters(
    ref: string,
    page: number,
    values: Readonly<Record<string, unknown>>,
    user?: TemplateUser,
  ): Promise<ParameterErrors>;
  /** True when the request needs an approval (the template has approvers and `approval-if`, if any, renders true). */
  needsApproval(ref: string, state: RunState): Promise<boolean>;
  /** The dry run: every step's rendered input and files; calls nothing that writes. */
  plan(ref: string, state: RunState): Promise<StepPlan[]>;
  /**
   * Runs one step, idempotently for `state.requestId`. Throws `StepFailure` with `retryable` true for a GitHub
   * outage (5xx, network) and false for input GitHub refused (422) or a missing permission. `journal` is the step's
   * durable record across attempts; without one (tests, tools) it is kept in memory for this call only.
   */
  runStep(ref: string, stepId: string, state: RunState, journal?: StepJournal): Promise<StepResult>;
  /** `spec.output`, rendered once every step has finished. */
  output(ref: string, state: RunState): Promise<TemplateOutput>;
}

/**
 * A step that did not finish; `retryable` says whether running it again may succeed. The message names the step;
 * `reason` is the same failure without it (the message itself when not given), for a sentence that names the step
 * already. `tries`: how many times the call the step failed on was sent to another system (GitHub), the client's own
 * retries included, when known (`UpstreamError.tries`).
 */
export class StepFailure extends Error {
  readonly reason: string;
  readonly tries: number | undefined;
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown; reason?: string; tries?: number },
  ) {
    super(message, options);
    this.name = 'StepFailure';
    this.reason = options?.reason ?? message;
    this.tries = options?.tries;
  }
}
