/**
 * Collects the GitHub facts scorecards check (`github.*`) for every entity with a repository (see
 * `ScorecardStore.entityRepositories`) and stores them with the time they were read. Each repository is read once
 * however many entities it holds, a few at a time, with conditional requests, so an unchanged organisation costs 304s.
 * A repository GitHub no longer has, or one GitHub does not answer for, leaves its entities' facts unknown with the
 * reason: a scorecard shows them as unknown, never as failing. Once GitHub has not answered at all (after the client's
 * retries), the repositories not read yet are not tried: their facts are unknown with the same reason, and
 * `unavailable` says so, so that a run against an unreachable GitHub ends in seconds, not hours.
 */
import type { EntityRef } from '../core/catalog/types.ts';
import { GitHubUnavailableError } from '../core/errors.ts';
import { mapConcurrently } from '../core/map-concurrently.ts';
import type { GitHubGateway, RepositoryFact } from '../core/ports/github-gateway.ts';
import type { CollectedFact, ScorecardStore } from '../core/ports/scorecard-store.ts';
import { FACTS } from '../core/scorecards/facts.ts';

/** Repositories read at once: GitHub's guidance is to avoid many concurrent requests from one client. */
const CONCURRENCY = 4;

export interface FactsSummary {
  repositories: number;
  entities: number;
  /** Facts stored as unknown, with the reasons and how often each was given. */
  unknown: number;
  reasons: Map<string, number>;
  /** Why GitHub could not be read at all, when it could not: the run stopped trying. */
  unavailable?: string;
}

export async function collectGitHubFacts(deps: {
  store: Pick<ScorecardStore, 'entityRepositories' | 'saveFacts'>;
  gateway: Pick<GitHubGateway, 'getRepository' | 'readRepositoryFacts'>;
  now?: () => Date;
}): Promise<FactsSummary> {
  const now = deps.now ?? (() => new Date());
  const byRepo = new Map<string, EntityRef[]>();
  for (const { entityRef, repo } of await deps.store.entityRepositories()) {
    const key = repo.toLowerCase();
    byRepo.set(key, [...(byRepo.get(key) ?? []), entityRef]);
  }
  const summary: FactsSummary = { repositories: byRepo.size, entities: 0, unknown: 0, reasons: new Map() };
  await mapConcurrently([...byRepo], CONCURRENCY, async ([repo, entityRefs]) => {
    let facts: RepositoryFact[];
    if (summary.unavailable) {
      facts = allUnknown(summary.unavailable);
    } else {
      try {
        facts = await readOne(deps.gateway, repo, now());
      } catch (error) {
        // GitHub did not answer at all: the rest would wait out the same retries.
        summary.unavailable = error instanceof Error ? error.message : String(error);
        facts = allUnknown(summary.unavailable);
      }
    }
    const readAt = now();
    const collected: CollectedFact[] = entityRefs.flatMap((entityRef) =>
      facts.map((fact) =>
        'value' in fact
          ? { entityRef, name: fact.name, value: fact.value, readAt }
          : { entityRef, name: fact.name, unknownReason: fact.unknownReason, readAt },
      ),
    );
    await deps.store.saveFacts({ facts: collected });
    summary.entities += entityRefs.length;
    for (const fact of facts) {
      if (!('unknownReason' in fact)) continue;
      summary.unknown += entityRefs.length;
      summary.reasons.set(fact.unknownReason, (summary.reasons.get(fact.unknownReason) ?? 0) + entityRefs.length);
    }
  });
  return summary;
}

/**
 * `Collected GitHub facts of 12 entities in 9 repositories; 3 unknown:` then one line per reason with its count; or,
 * when GitHub could not be read at all, one line saying so.
 */
export function describeFactsSummary(summary: FactsSummary): string {
  if (summary.unavailable) {
    return `Could not collect GitHub facts: ${summary.unavailable}. Their facts are unknown until GitHub answers; check GITHUB_API_URL and the network.`;
  }
  const head = `Collected GitHub facts of ${summary.entities} entities in ${summary.repositories} repositories; ${summary.unknown} unknown`;
  const reasons = [...summary.reasons].map(([reason, count]) => `\n  ${count}× ${reason}`).join('');
  return `${head}${reasons ? `:${reasons}` : '.'}`;
}

async function readOne(
  gateway: Pick<GitHubGateway, 'getRepository' | 'readRepositoryFacts'>,
  repo: string,
  now: Date,
): Promise<RepositoryFact[]> {
  try {
    const found = await gateway.getRepository({ fullName: repo });
    if (!found) return allUnknown(`GitHub has no repository ${repo} (or the credentials cannot see it)`);
    return await gateway.readRepositoryFacts({ repo: found.fullName, defaultBranch: found.defaultBranch, now });
  } catch (error) {
    // GitHub did not answer at all: thrown on, so that the caller stops reading it.
    if (error instanceof GitHubUnavailableError) throw error;
    return allUnknown(`could not read ${repo}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function allUnknown(reason: string): RepositoryFact[] {
  return FACTS.filter((fact) => fact.source === 'github').map((fact) => ({ name: fact.name, unknownReason: reason }));
}
