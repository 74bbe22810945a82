/**
 * The shape of a scaffolder action (Backstage's `createTemplateAction`): an id, an input schema (zod, a strict
 * object: an input name the action does not know is refused), and a handler that returns the step's output.
 */
import type { z } from 'zod';
import type { CatalogRegistrar } from '../../core/ports/catalog-registrar.ts';
import type { GitHubProvisioner } from '../../core/ports/github-provisioner.ts';
import type { StepJournal } from '../../core/ports/template-engine.ts';
import type { TemplateLocation } from '../template-files.ts';
import type { Workspace } from '../workspace.ts';

/** What actions use beyond their input; GitHub and the registrar are absent when GitHub is not configured. */
export interface ActionServices {
  github?: GitHubProvisioner;
  registrar?: CatalogRegistrar;
  /** The GitHub host repository URLs must name (`github.com`, or a GitHub Enterprise Server's host). */
  githubHost: string;
  /**
   * How long (ms) after a dispatch GitHub may take to list its run: a step resumed sooner waits for the rest before
   * looking for it (default 5,000).
   */
  runListingDelayMs?: number;
}

export interface ActionContext<I> {
  input: I;
  requestId: string;
  stepId: string;
  /** The dry run: fetch actions write into a memory workspace; nothing is written anywhere else. */
  dryRun: boolean;
  /** Where the template lives: relative URLs resolve against it. */
  location: TemplateLocation;
  workspace: Workspace;
  services: ActionServices;
  /**
   * The step's record across attempts (an `each` iteration's own): an action records there what it is about to do
   * when GitHub cannot tell it afterwards whether it did (a dispatch).
   */
  journal: StepJournal;
  log(line: string): void;
  /** Fetch actions add each workspace path they write (the plan shows them). */
  wrote(path: string): void;
}

export interface TemplateAction<S extends z.ZodObject = z.ZodObject> {
  id: string;
  description: string;
  schema: S;
  /** A rule across inputs, checked at load on literal values (e.g. one of two inputs is required). */
  checkInputs?(input: Readonly<Record<string, unknown>>): string | undefined;
  handler(ctx: ActionContext<z.output<S>>): Promise<Record<string, unknown>>;
}

/** Keeps the handler's input typed by its schema. */
export function defineAction<S extends z.ZodObject>(action: TemplateAction<S>): TemplateAction {
  return action as unknown as TemplateAction;
}
