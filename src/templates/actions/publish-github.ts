/**
 * `publish:github`: creates the repository `repoUrl` names and commits the workspace to it through the Git Data API
 * (Backstage's `publish:github`, same input names; outputs `remoteUrl`, the repository's web address, and
 * `repoContentsUrl`, its default branch's contents).
 *
 * Idempotent per request: the commit carries the trailer `Wayfinder-Request: <id>`. Run again, the step finds the
 * repository, sees its own commit at the head of the default branch and only answers. A repository that exists
 * without that commit is taken only while it holds nothing but GitHub's initial commit (this request created it and
 * stopped before pushing); any other existing repository is refused, so nobody's repository is overwritten.
 */
import { z } from 'zod';
import { ConflictError, InputError } from '../../core/errors.ts';
import type { GitHubProvisioner, ProvisionedRepository } from '../../core/ports/github-provisioner.ts';
import { githubRepo, requestTrailer } from './github-repo.ts';
import { defineAction } from './types.ts';

export const publishGitHub = defineAction({
  id: 'publish:github',
  description: 'Creates a GitHub repository and pushes the workspace to it.',
  schema: z.strictObject({
    repoUrl: z.string().min(1, 'expected the repository, such as github.com?owner=acme&repo=payments-api'),
    description: z.string().optional(),
    defaultBranch: z.string().optional(),
    repoVisibility: z.enum(['private', 'internal', 'public']).optional(),
    topics: z.array(z.string()).optional(),
    gitCommitMessage: z.string().optional(),
    sourcePath: z.string().optional(),
    allowedHosts: z.array(z.string()).optional(),
  }),
  async handler(ctx) {
    const { input } = ctx;
    const host = ctx.services.githubHost;
    const { owner, repo, fullName } = githubRepo(input.repoUrl, host);
    if (input.allowedHosts && !input.allowedHosts.includes(host)) {
      throw new InputError(`repoUrl's host ${host} is not in allowedHosts (${input.allowedHosts.join(', ')}).`);
    }
    const branch = input.defaultBranch ?? 'main';
    const outputs = (found: { htmlUrl: string }) => ({
      remoteUrl: found.htmlUrl,
      repoContentsUrl: `${found.htmlUrl}/blob/${branch}`,
    });
    if (ctx.dryRun) return outputs({ htmlUrl: `https://${host}/${fullName}` });
    const github = requireGitHub(ctx.services.github);

    let created = false;
    let found = await github.getRepository({ repo: fullName });
    if (!found) {
      try {
        found = await github.createRepository({
          owner,
          name: repo,
          ...(input.description !== undefined ? { description: input.description } : {}),
          visibility: input.repoVisibility ?? 'private',
        });
        created = true;
        ctx.log(`Created repository ${fullName}`);
      } catch (error) {
        // Created meanwhile (a concurrent run of this step): the checks below decide whether it is ours.
        if (!(error instanceof ConflictError)) throw error;
        found = await github.getRepository({ repo: fullName });
        if (!found) throw error;
      }
    }
    const trailer = requestTrailer(ctx.requestId);
    const headSha = await github.getBranchHead({ repo: fullName, branch: found.defaultBranch });
    const head = headSha ? await github.getCommit({ repo: fullName, sha: headSha }) : undefined;
    if (!head?.message.includes(trailer)) {
      if (!created && !isUntouched(head)) {
        throw new InputError(
          `Repository ${fullName} already exists and was not created by this request; choose another name.`,
        );
      }
      const files = await ctx.workspace.files(input.sourcePath);
      if (files.length === 0) throw new InputError('The workspace holds no files to publish; run a fetch step first.');
      const tree = await github.createTree({ repo: fullName, files });
      const message = `${input.gitCommitMessage ?? 'initial commit'}\n\n${trailer}`;
      const commit = await github.createCommit({ repo: fullName, message, tree, parents: headSha ? [headSha] : [] });
      await github.updateBranch({ repo: fullName, branch: found.defaultBranch, sha: commit });
      ctx.log(`Pushed ${files.length} file(s) to ${fullName} (${commit.slice(0, 7)})`);
    } else {
      ctx.log(`Repository ${fullName} already holds this request's commit; nothing to push`);
    }
    await moveDefaultBranch(github, fullName, found, branch);
    if (input.topics && input.topics.length > 0) await github.replaceTopics({ repo: fullName, topics: input.topics });
    return outputs(found);
  },
});

/** GitHub's initial commit and nothing else: a repository created (by this request) and never pushed to. */
function isUntouched(head: { parents: string[]; message: string } | undefined): boolean {
  return !head || (head.parents.length === 0 && head.message.trim() === 'Initial commit');
}

async function moveDefaultBranch(
  github: GitHubProvisioner,
  repo: string,
  found: ProvisionedRepository,
  branch: string,
): Promise<void> {
  if (found.defaultBranch === branch) return;
  const sha = await github.getBranchHead({ repo, branch: found.defaultBranch });
  if (!sha) return;
  try {
    await github.createBranch({ repo, branch, sha });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
  await github.setDefaultBranch({ repo, branch });
}

export function requireGitHub(github: GitHubProvisioner | undefined): GitHubProvisioner {
  if (!github) {
    throw new InputError(
      'This step writes to GitHub, and GitHub is not configured here: set GITHUB_TOKEN (or the GitHub App keys).',
    );
  }
  return github;
}
