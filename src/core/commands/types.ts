import type { FieldErrors } from '../forms.ts';
import type { CatalogRefresher } from '../ports/catalog-refresher.ts';
import type { CatalogStore } from '../ports/catalog-store.ts';
import type { DocsAsker } from '../ports/docs-asker.ts';
import type { RequestDesk } from '../ports/request-desk.ts';
import type { RequestStore } from '../ports/request-store.ts';
import type { ScorecardSource } from '../ports/scorecard-source.ts';
import type { TemplateEngine } from '../ports/template-engine.ts';
import type { Answer, ChatPlatform, Form, FormValues } from '../view-model.ts';
import type { Asker, Viewer } from './asker.ts';
import type { RefreshGate } from './refresh-gate.ts';

export interface CommandContext {
  store: CatalogStore;
  /**
   * Who is asking, looked up on first call. Only commands that decide permissions call it, so a lookup such as
   * `/owner` stays at its one query.
   */
  viewer(): Promise<Viewer>;
  /** Re-reads an entity's source (`/wayfinder refresh`). */
  refresher: CatalogRefresher;
  /** The platform the answer is rendered for: people's ids on it are read with the answer. Absent: none (the console). */
  platform?: ChatPlatform;
  /** Absent: the person at the terminal. */
  asker?: Asker;
  /**
   * Admits `/wayfinder refresh`es (one per source and a few per person at a time); one per process, shared by every
   * surface. Absent (`wayfinder run`, tests): refreshes are not limited.
   */
  refreshes?: RefreshGate;
  /** Templates and requests (`/provision`); absent where they are not wired (`/provision` says so). */
  provision?: ProvisionServices;
  /** Answers `/ask` from the indexed docs. Absent: the docs are not set up, and `/ask` says so. */
  docs?: DocsAsker;
  /** Scorecards and their history (`/scorecard`). Absent: `/scorecard` says none are set up. */
  scorecards?: ScorecardSource;
}

/** What `/provision` needs: the template engine and the request desk. */
export interface ProvisionServices {
  templates: TemplateEngine;
  requests: RequestDesk;
  /** Where the wizards live between pages. */
  wizards: Pick<RequestStore, 'createWizard' | 'getWizard' | 'saveWizard'>;
  /**
   * Why requests cannot run here (no GitHub configured: which settings to set), when they cannot: the review then
   * shows the dry run and this sentence, and submits nothing.
   */
  unavailable?: string;
}

/** A form's submission, as `CommandDefinition.submit` receives it: values already checked against the form. */
export interface FormSubmission {
  formId: string;
  state?: string;
  values: FormValues;
}

/**
 * What a submission comes to: an Answer (a Message to deliver, the next page's Form, deferred work), or errors by
 * field id to show next to the fields, the form staying open, or `close`: the form closes and the command tells the
 * person its own way (the request's status message).
 */
export type SubmitOutcome = Answer | { kind: 'invalid'; errors: FieldErrors } | { kind: 'close' };

export interface CommandDefinition {
  /** The word after the slash: `owner` for `/owner`. */
  name: string;
  /** One line for help and the Slack manifest. */
  description: string;
  /** Argument synopsis, e.g. `<name> [--reverse] [--depth N]`. */
  usage: string;
  /** A complete example, e.g. `/owner payments-api`. */
  example: string;
  /**
   * Answers `args` (the text after the command word, already checked against the length limit of
   * `MAX_ARGS_LENGTH`): a Message, a Form, or deferred work. Expected failures become a helpful Message or throw one
   * of the core's domain errors (`InputError`, …), never anything else.
   */
  run(context: CommandContext, args: string): Promise<Answer>;
  /**
   * For a command that answers with Forms: the form a submission answers, rebuilt from its id and state, so that the
   * surface can check the submitted values against it before `submit` sees them. Undefined for an id it never opened.
   */
  formOf?(context: CommandContext, opts: { formId: string; state?: string }): Promise<Form | undefined>;
  /** Answers a submission of one of the command's forms (values checked against `formOf`'s form). */
  submit?(context: CommandContext, submission: FormSubmission): Promise<SubmitOutcome>;
  /**
   * The options of a `lookup` field matching `query` (what the person typed so far; may be empty), best first, at most
   * 100. Undefined when the form or field is unknown.
   */
  optionsOf?(
    context: CommandContext,
    opts: { formId: string; state?: string; fieldId: string; query: string },
  ): Promise<readonly { label: string; value: string }[] | undefined>;
}
