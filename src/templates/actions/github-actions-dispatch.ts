/**
 * `github:actions:dispatch`: starts a `workflow_dispatch` run (Backstage's action, same input names). GitHub's API
 * answers a dispatch with no run id, so a dispatch cannot be found again: the request runner records the step before
 * it runs and after, and a crash in between may dispatch twice (named in the README).
 */
import { z } from 'zod';
import { githubRepo } from './github-repo.ts';
import { requireGitHub } from './publish-github.ts';
import { defineAction } from './types.ts';

export const githubActionsDispatch = defineAction({
  id: 'github:actions:dispatch',
  description: 'Starts a GitHub Actions workflow run (workflow_dispatch).',
  schema: z.strictObject({
    repoUrl: z.string().min(1, 'expected the repository, such as github.com?owner=acme&repo=infrastructure'),
    workflowId: z.string().min(1, 'expected the workflow file name, such as plan.yml'),
    branchOrTagName: z.string().min(1, 'expected the branch or tag to run the workflow on'),
    workflowInputs: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .transform((inputs) =>
        Object.fromEntries(Object.entries(inputs ?? {}).map(([key, value]) => [key, String(value)])),
      ),
  }),
  async handler(ctx) {
    const { input } = ctx;
    const { fullName } = githubRepo(input.repoUrl, ctx.services.githubHost);
    if (ctx.dryRun) return {};
    await requireGitHub(ctx.services.github).dispatchWorkflow({
      repo: fullName,
      workflowId: input.workflowId,
      ref: input.branchOrTagName,
      inputs: input.workflowInputs,
    });
    ctx.log(`Dispatched ${input.workflowId} on ${fullName}@${input.branchOrTagName}`);
    return {};
  },
});
