/**
 * `github:actions:dispatch`: starts a `workflow_dispatch` run (Backstage's action, same input names).
 *
 * GitHub answers a dispatch with 204 and no run id, so the step cannot ask GitHub afterwards whether its dispatch
 * happened. It keeps a record instead, in the step's journal (durable, on the request's step): before dispatching,
 * when (this process's clock) and which `workflow_dispatch` runs of that workflow on that ref GitHub already listed
 * from these credentials. An attempt that finds such a record (the process died, or GitHub's answer was lost, after
 * the dispatch and before the step was recorded as done) looks for a run of that workflow on that ref created since
 * (`DISPATCH_CLOCK_SLACK_MS` earlier, for clocks that differ) and not listed before; found, it is the earlier
 * attempt's and nothing is dispatched again. A resumed attempt waits until `runListingDelayMs` has passed since the
 * record, as GitHub lists a new run a moment after accepting its dispatch.
 *
 * What remains: a run of the same workflow on the same ref started with the same credentials by something else
 * between the record and the dispatch is taken for this step's (then this step's own dispatch did not happen, or
 * was listed too); and one GitHub lists later than `runListingDelayMs` after the dispatch is dispatched again.
 */
import { z } from 'zod';
import { githubRepo } from './github-repo.ts';
import { requireGitHub } from './publish-github.ts';
import { defineAction } from './types.ts';

/** Runs created this long before the recorded moment still count as after it: GitHub's clock and ours differ. */
export const DISPATCH_CLOCK_SLACK_MS = 120_000;
const DEFAULT_RUN_LISTING_DELAY_MS = 5_000;
/** The journal key of the record. */
const RECORD = 'dispatch';

const DispatchRecord = z.object({
  /** When the dispatch was about to be sent (ISO 8601). */
  at: z.string(),
  /** Ids of the runs GitHub listed just before it. */
  before: z.array(z.number()),
});

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
    const github = requireGitHub(ctx.services.github);
    const target = { repo: fullName, workflowId: input.workflowId, ref: input.branchOrTagName };
    const where = `${input.workflowId} on ${fullName}@${input.branchOrTagName}`;

    const earlier = DispatchRecord.safeParse(ctx.journal.saved[RECORD]);
    if (earlier.success) {
      const at = new Date(earlier.data.at);
      const wait = at.getTime() + (ctx.services.runListingDelayMs ?? DEFAULT_RUN_LISTING_DELAY_MS) - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const runs = await github.listDispatchedRuns({
        ...target,
        since: new Date(at.getTime() - DISPATCH_CLOCK_SLACK_MS),
      });
      const known = new Set(earlier.data.before);
      const run = runs.find((candidate) => !known.has(candidate.id));
      if (run) {
        ctx.log(
          `Found run ${run.id} of ${where} (${run.htmlUrl}), dispatched by an earlier attempt at ${earlier.data.at}: not dispatched again`,
        );
        return {};
      }
      ctx.log(`An earlier attempt was about to dispatch ${where} at ${earlier.data.at}; GitHub lists no run of it`);
    }

    const now = new Date();
    const before = await github.listDispatchedRuns({
      ...target,
      since: new Date(now.getTime() - DISPATCH_CLOCK_SLACK_MS),
    });
    await ctx.journal.save({ [RECORD]: { at: now.toISOString(), before: before.map((run) => run.id) } });
    await github.dispatchWorkflow({ ...target, ref: input.branchOrTagName, inputs: input.workflowInputs });
    ctx.log(`Dispatched ${where}`);
    return {};
  },
});
