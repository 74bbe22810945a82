/**
 * `publish:github:pull-request`: commits the workspace (or its `sourcePath`) under `targetPath` of an existing
 * repository on a new branch and opens a pull request (Backstage's action, same input names; outputs `remoteUrl`,
 * the pull request's web address, and `pullRequestNumber`; and `branchName`, the branch it comes from, for a later
 * `github:actions:dispatch`).
 *
 * Idempotent per request: the branch is always `wayfinder/<request id>` (the `branchName` input is shown in the log
 * but not used, so a retry finds the branch by name). A pull request from that branch is looked for before one is
 * opened, and the branch's commit is reused when the branch already exists.
 */
import { z } from 'zod';
import { ConflictError, InputError } from '../../core/errors.ts';
import { workspacePath } from '../workspace.ts';
import { githubRepo, requestBranch, requestTrailer } from './github-repo.ts';
import { requireGitHub } from './publish-github.ts';
import { defineAction } from './types.ts';

export const publishGitHubPullRequest = defineAction({
  id: 'publish:github:pull-request',
  description: 'Opens a pull request with the workspace on an existing GitHub repository.',
  schema: z.strictObject({
    repoUrl: z.string().min(1, 'expected the repository, such as github.com?owner=acme&repo=infrastructure'),
    branchName: z.string().min(1, 'expected a branch name'),
    title: z.string().min(1, 'expected the pull request title'),
    description: z.string(),
    targetPath: z.string().optional(),
    sourcePath: z.string().optional(),
    targetBranchName: z.string().optional(),
    commitMessage: z.string().optional(),
    draft: z.boolean().optional(),
  }),
  async handler(ctx) {
    const { input } = ctx;
    const { fullName } = githubRepo(input.repoUrl, ctx.services.githubHost);
    const branch = requestBranch(ctx.requestId);
    if (ctx.dryRun) {
      return {
        remoteUrl: `https://${ctx.services.githubHost}/${fullName}/pulls`,
        pullRequestNumber: 0,
        branchName: branch,
      };
    }
    const github = requireGitHub(ctx.services.github);
    const outputs = (pull: { htmlUrl: string; number: number }) => ({
      remoteUrl: pull.htmlUrl,
      pullRequestNumber: pull.number,
      branchName: branch,
    });
    const existing = await github.findPullRequest({ repo: fullName, branch });
    if (existing) {
      ctx.log(`Pull request #${existing.number} from ${branch} already exists`);
      return outputs(existing);
    }
    const repository = await github.getRepository({ repo: fullName });
    if (!repository) {
      throw new InputError(`Repository ${fullName} does not exist (or Wayfinder's GitHub credentials cannot see it).`);
    }
    const base = input.targetBranchName ?? repository.defaultBranch;
    if (!(await github.getBranchHead({ repo: fullName, branch }))) {
      const baseSha = await github.getBranchHead({ repo: fullName, branch: base });
      if (!baseSha)
        throw new InputError(`Repository ${fullName} has no branch ${base} to open the pull request against.`);
      const files = (await ctx.workspace.files(input.sourcePath)).map((file) => ({
        path: workspacePath(input.targetPath ?? '', file.path),
        content: file.content,
      }));
      if (files.length === 0) throw new InputError('The workspace holds no files to propose; run a fetch step first.');
      const baseCommit = await github.getCommit({ repo: fullName, sha: baseSha });
      const tree = await github.createTree({ repo: fullName, baseTree: baseCommit.tree, files });
      const message = `${input.commitMessage ?? input.title}\n\n${requestTrailer(ctx.requestId)}`;
      const commit = await github.createCommit({ repo: fullName, message, tree, parents: [baseSha] });
      try {
        await github.createBranch({ repo: fullName, branch, sha: commit });
      } catch (error) {
        // A concurrent run of this step made the branch first; its commit holds the same files.
        if (!(error instanceof ConflictError)) throw error;
      }
      ctx.log(`Committed ${files.length} file(s) to ${fullName} on ${branch} (asked for branch ${input.branchName})`);
    }
    try {
      const pull = await github.createPullRequest({
        repo: fullName,
        branch,
        base,
        title: input.title,
        body: input.description,
        draft: input.draft ?? false,
      });
      ctx.log(`Opened pull request #${pull.number}`);
      return outputs(pull);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const pull = await github.findPullRequest({ repo: fullName, branch });
      if (!pull) throw error;
      return outputs(pull);
    }
  },
});
