/** What the `scorecards` and `digest` commands print: plain lines, no colour. */
import type { Delivery, DigestRun } from '../core/ports/digest-deliveries.ts';
import { countsLine, refName } from '../core/scorecards/describe.ts';
import type { Scorecard } from '../core/scorecards/format.ts';
import { levelCounts, type StoredResult } from '../core/scorecards/results.ts';
import { countOf, formatNumber } from '../core/text.ts';

/** One line per scorecard: `Production readiness: Gold 0 · Silver 2 · Bronze 8 · below Bronze 0 (10 entities)`. */
export function formatEvaluation(scorecards: readonly Scorecard[], results: readonly StoredResult[]): string[] {
  return scorecards.map((scorecard) => {
    const mine = results.filter((result) => result.scorecardId === scorecard.id);
    return `${scorecard.title}: ${countsLine(scorecard, levelCounts(scorecard, mine))} (${countOf(mine.length, 'entity', 'entities')})`;
  });
}

/** `wayfinder digest status`: the run, every delivery by state (failed ones with why), and the teams skipped. */
export function formatDigestStatus(run: DigestRun | undefined, deliveries: readonly Delivery[]): string[] {
  if (!run) return ['No digest has run yet.'];
  const count = (status: Delivery['status']) => deliveries.filter((delivery) => delivery.status === status).length;
  const lines = [
    `Digest ${run.period}: planned ${run.plannedAt.toISOString()}, ${run.finishedAt ? `finished ${run.finishedAt.toISOString()}` : 'not finished'}`,
    `${formatNumber(count('posted'))} posted, ${formatNumber(count('pending') + count('sending'))} waiting, ${formatNumber(count('failed'))} failed, ${countOf(run.skipped.length, 'team')} skipped (no channel)`,
  ];
  for (const delivery of deliveries) {
    const team = delivery.teamRef === 'org' ? 'org (leadership digest)' : refName(delivery.teamRef);
    const detail = delivery.status === 'failed' ? `: ${delivery.lastError ?? 'no reason recorded'}` : '';
    lines.push(`  ${delivery.status.padEnd(7)} ${team} → ${delivery.channel}${detail}`);
  }
  if (run.skipped.length > 0) {
    lines.push('Skipped, no channel (add slack.com/bot-notify to the Group):');
    for (const team of run.skipped) lines.push(`  ${refName(team)}`);
  }
  return lines;
}
