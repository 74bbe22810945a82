/**
 * A repository's scorecard facts from GitHub's REST API, each from its own conditional GET (an unchanged repository
 * costs 304s), so that one GitHub will not tell leaves the others known:
 *
 * | fact | read from | unknown when |
 * | --- | --- | --- |
 * | `github.readme` | `GET /repos/{o}/{r}/readme` (404: false) | GitHub does not answer |
 * | `github.codeowners` | `GET /repos/{o}/{r}/codeowners/errors` (404 when there is no CODEOWNERS file: false) | no permission |
 * | `github.branch-protection` | `GET /repos/{o}/{r}/branches/{b}` (`protected`), else `GET /repos/{o}/{r}/rules/branches/{b}` (any ruleset rule) | neither can be read |
 * | `github.ci` | `GET /repos/{o}/{r}/actions/workflows` (`total_count` > 0) | no Actions read permission |
 * | `github.dependabot.critical`, `.high` | `GET /repos/{o}/{r}/dependabot/alerts?state=open` (by `security_advisory.severity`) | alerts off (403) or no permission |
 * | `github.days-since-commit` | the default branch's head commit date | the branch does not exist |
 *
 * Endpoints and their answers: https://docs.github.com/en/rest (repos/contents#get-a-repository-readme,
 * repos/repos#list-codeowners-errors, branches/branches#get-a-branch, repos/rules#get-rules-for-a-branch,
 * actions/workflows#list-repository-workflows, dependabot/alerts#list-dependabot-alerts-for-a-repository).
 */
import { z } from 'zod';
import { GitHubUnavailableError } from '../core/errors.ts';
import type { RepositoryFact } from '../core/ports/github-gateway.ts';
import type { FactValue } from '../core/scorecards/facts.ts';
import type { ConditionalRequests } from './conditional-requests.ts';
import { statusOf } from './request-failures.ts';

const BranchSchema = z.object({
  protected: z.boolean().default(false),
  commit: z.object({
    commit: z.object({ committer: z.object({ date: z.string() }).nullish() }).nullish(),
  }),
});
const RulesSchema = z.array(z.object({ type: z.string() }));
const WorkflowsSchema = z.object({ total_count: z.number() });
const AlertsSchema = z.array(z.object({ security_advisory: z.object({ severity: z.string() }) }));

const DAY_MS = 24 * 60 * 60 * 1000;

type Read<T> = { ok: true; value: T } | { ok: false; reason: string; unavailable: boolean };

/** Reads every `github.*` fact of `repo`; see the table above. Throws only when GitHub answered none of the reads. */
export async function readRepositoryFacts(
  requests: ConditionalRequests,
  opts: { repo: string; defaultBranch: string; now: Date },
): Promise<RepositoryFact[]> {
  const base = `/repos/${opts.repo.split('/').map(encodeURIComponent).join('/')}`;
  const branch = encodeURIComponent(opts.defaultBranch);
  const exists = (url: string, what: string) =>
    attempt(what, async () => (await requests.get({ url, parse: () => true })) !== undefined);
  const [readme, codeowners, head, rules, workflows, alerts] = await Promise.all([
    exists(`${base}/readme`, 'the README'),
    exists(`${base}/codeowners/errors?ref=${branch}`, 'the CODEOWNERS file'),
    attempt(
      `branch ${opts.defaultBranch}`,
      async () =>
        (await requests.get({ url: `${base}/branches/${branch}`, parse: (data) => BranchSchema.parse(data) }))?.page
          .data,
    ),
    attempt(
      `the rulesets of branch ${opts.defaultBranch}`,
      async () =>
        (await requests.get({ url: `${base}/rules/branches/${branch}`, parse: (data) => RulesSchema.parse(data) }))
          ?.page.data ?? [],
    ),
    attempt(
      'the GitHub Actions workflows',
      async () =>
        (
          await requests.get({
            url: `${base}/actions/workflows?per_page=1`,
            parse: (data) => WorkflowsSchema.parse(data).total_count,
          })
        )?.page.data ?? 0,
    ),
    attempt(
      'the Dependabot alerts',
      async () =>
        (
          await requests.list({
            url: `${base}/dependabot/alerts?state=open&per_page=100`,
            parse: (data) => AlertsSchema.parse(data).map((alert) => alert.security_advisory.severity),
            notFound: () => new Error('Dependabot alerts are not available for this repository'),
          })
        ).value,
    ),
  ]);
  const others = [codeowners, head, rules, workflows, alerts];
  if (!readme.ok && readme.unavailable && others.every((read) => !read.ok && read.unavailable)) {
    throw new GitHubUnavailableError(`GitHub did not answer for ${opts.repo}: ${readme.reason}`);
  }

  const headDate = head.ok ? head.value?.commit.commit?.committer?.date : undefined;
  const severities = (level: string) => (alerts.ok ? alerts.value.filter((s) => s === level).length : 0);
  return [
    fact('github.readme', readme, (found) => found),
    fact('github.codeowners', codeowners, (found) => found),
    protection(head, rules, opts.defaultBranch),
    fact('github.ci', workflows, (count) => count > 0),
    fact('github.dependabot.critical', alerts, () => severities('critical')),
    fact('github.dependabot.high', alerts, () => severities('high')),
    head.ok && headDate === undefined
      ? { name: 'github.days-since-commit', unknownReason: `the default branch ${opts.defaultBranch} has no commit` }
      : fact('github.days-since-commit', head, () =>
          Math.max(0, Math.floor((opts.now.getTime() - Date.parse(headDate ?? '')) / DAY_MS)),
        ),
  ];
}

/** Branch protection or a ruleset on the default branch: known as soon as either says so. */
function protection(
  head: Read<z.output<typeof BranchSchema> | undefined>,
  rules: Read<z.output<typeof RulesSchema>>,
  branch: string,
): RepositoryFact {
  const name = 'github.branch-protection';
  if (head.ok && head.value?.protected) return { name, value: true };
  if (rules.ok && rules.value.length > 0) return { name, value: true };
  if (head.ok && head.value === undefined)
    return { name, unknownReason: `the default branch ${branch} does not exist` };
  if (head.ok && rules.ok) return { name, value: false };
  return { name, unknownReason: [head, rules].flatMap((read) => (read.ok ? [] : [read.reason])).join('; ') };
}

function fact<T>(name: string, read: Read<T>, value: (found: T) => FactValue): RepositoryFact {
  return read.ok ? { name, value: value(read.value) } : { name, unknownReason: read.reason };
}

/** Runs one read; a failure becomes the reason the fact is unknown, in words a platform engineer can act on. */
async function attempt<T>(what: string, read: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    const unavailable = error instanceof GitHubUnavailableError;
    const status = statusOf((error as { cause?: unknown }).cause) ?? statusOf(error);
    const said = error instanceof Error ? error.message : String(error);
    const reason =
      status === 403 || status === 401
        ? `GitHub would not show ${what} (${status}): the feature is off for the repository, or the credentials lack the permission to read it`
        : unavailable
          ? `GitHub did not answer for ${what}: ${said}`
          : `could not read ${what}: ${said}`;
    return { ok: false, reason, unavailable };
  }
}
