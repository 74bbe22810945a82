/**
 * The scaffolder actions Wayfinder runs, by Backstage id, and the load-time check of a step's input against its
 * action's schema: names the action does not know are refused, literal values are checked now, values holding an
 * expression are checked once rendered.
 */
import { catalogRegister } from './catalog-register.ts';
import { debugLog } from './debug-log.ts';
import { fetchPlain } from './fetch-plain.ts';
import { fetchTemplate } from './fetch-template.ts';
import { githubActionsDispatch } from './github-actions-dispatch.ts';
import { publishGitHub } from './publish-github.ts';
import { publishGitHubPullRequest } from './publish-github-pull-request.ts';
import type { TemplateAction } from './types.ts';

export const ACTIONS: ReadonlyMap<string, TemplateAction> = new Map(
  [
    debugLog,
    fetchPlain,
    fetchTemplate,
    publishGitHub,
    publishGitHubPullRequest,
    githubActionsDispatch,
    catalogRegister,
  ].map((action) => [action.id, action]),
);

/** Fetch actions write the workspace that later steps read; a lost workspace is rebuilt by running them again. */
export function isFetchAction(id: string): boolean {
  return id === 'fetch:plain' || id === 'fetch:template';
}
