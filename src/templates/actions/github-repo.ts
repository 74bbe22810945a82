/** The GitHub repository a `repoUrl` input names, and the marker commits carry so a retry finds its own work. */
import { InputError } from '../../core/errors.ts';
import { parseRepoUrl } from '../filters.ts';

/** `owner/repo` of a RepoUrlPicker value on the configured GitHub host; InputError for another host. */
export function githubRepo(repoUrl: string, host: string): { owner: string; repo: string; fullName: string } {
  const parts = parseRepoUrl(repoUrl);
  if (parts.host.toLowerCase() !== host.toLowerCase()) {
    throw new InputError(
      `repoUrl names host ${parts.host}, and this Wayfinder writes to ${host} only; pick a repository on ${host}.`,
    );
  }
  return { owner: parts.owner, repo: parts.repo, fullName: `${parts.owner}/${parts.repo}` };
}

/** The trailer a commit made for a request carries (`Wayfinder-Request: <id>`), as git trailers are written. */
export function requestTrailer(requestId: string): string {
  return `Wayfinder-Request: ${requestId}`;
}

/** The branch a request's pull request comes from: found again by name on a retry. */
export function requestBranch(requestId: string): string {
  return `wayfinder/${requestId}`;
}
