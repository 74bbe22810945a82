/**
 * The weekly digest's messages, composed from stored history (this week's results and last week's). Pure.
 *
 * - A team's digest (its channel): level counts per scorecard over the entities it and its sub-teams own, what
 *   changed since last week (regressions first, naming the entity and the rule that flipped), and the three fixes
 *   that would raise the most entities a level.
 * - The leadership digest: per scorecard, the distribution per team, the biggest movers (net levels gained or lost
 *   per team) and the rules failing most.
 */
import type { Block, ListItem, Message } from '../view-model.ts';
import { code, text as plain, strong } from '../view-model.ts';
import {
  changeListBlocks,
  countsLine,
  distributionBlocks,
  fixItem,
  ofScorecards,
  scopeLine,
  scorecardCountsText,
  teamChanges,
  teamTitle,
  typedRef,
} from './describe.ts';
import type { Scorecard } from './format.ts';
import { type FixSuggestion, failingRules, levelCounts, netMovement, type StoredResult, topFixes } from './results.ts';

const MOVERS_SHOWN = 5;
const FAILING_RULES_SHOWN = 5;

/**
 * A team's digest from this week's and last week's stored results of the entities it and its `subteams` own. Results
 * of scorecards no longer loaded are left out, so the entity count and the level counts agree.
 */
export function composeTeamDigest(opts: {
  team: { ref: string; title: string };
  /** How many sub-teams the results cover besides the team. */
  subteams: number;
  period: string;
  scorecards: readonly Scorecard[];
  current: readonly StoredResult[];
  previous: readonly StoredResult[];
}): Message {
  const { team, period, scorecards } = opts;
  const current = ofScorecards(scorecards, opts.current);
  const previous = ofScorecards(scorecards, opts.previous);
  const blocks: Block[] = [
    { type: 'header', text: `${team.title}: scorecards, week ${period}` },
    { type: 'context', text: [plain(scopeLine({ results: current, team: team.title, subteams: opts.subteams }))] },
  ];
  const summary: string[] = [];
  const fixes: { scorecard: Scorecard; fix: FixSuggestion }[] = [];
  for (const scorecard of scorecards) {
    const mine = current.filter((result) => result.scorecardId === scorecard.id);
    if (mine.length === 0) continue;
    const counts = countsLine(scorecard, levelCounts(scorecard, mine));
    const before = previous.filter((result) => result.scorecardId === scorecard.id);
    const was = before.length > 0 ? countsLine(scorecard, levelCounts(scorecard, before)) : undefined;
    summary.push(`${scorecard.title}: ${counts}`);
    blocks.push({ type: 'text', text: scorecardCountsText(scorecard, mine) });
    if (was)
      blocks.push({ type: 'context', text: [plain(was === counts ? 'Same as last week' : `Last week: ${was}`)] });
    fixes.push(...topFixes(scorecard, mine).map((fix) => ({ scorecard, fix })));
  }
  if (summary.length === 0) {
    const text = `${team.title} owns nothing a scorecard applies to.`;
    return { summary: text, blocks: [...blocks, { type: 'text', text: [plain(text)] }] };
  }
  blocks.push({ type: 'divider' });
  const changes = teamChanges(scorecards, current, previous);
  if (previous.length === 0) {
    blocks.push({ type: 'text', text: [plain('No results from last week to compare with yet.')] });
  } else if (changes.regressions.length + changes.promotions.length === 0) {
    blocks.push({ type: 'text', text: [plain('No level changed since last week.')] });
  }
  blocks.push(...changeListBlocks(team.ref, changes));
  const best = fixes
    .sort((a, b) => b.fix.raises - a.fix.raises || b.fix.blocks - a.fix.blocks)
    .slice(0, 3)
    .map(({ scorecard, fix }) => fixItem(scorecard, fix));
  if (best.length > 0) {
    const title = [
      'The fix that would help most',
      'Two fixes that would help most',
      'Three fixes that would help most',
    ];
    blocks.push({ type: 'list', title: title[Math.min(best.length, 3) - 1] as string, items: best });
  }
  blocks.push({
    type: 'context',
    text: [plain('Every entity and rule: '), code(`/scorecard ${typedRef(team.ref)}`)],
  });
  return {
    summary: `${team.title}, week ${period}: ${summary.join('; ')}. ${changes.regressions.length} regressions, ${changes.promotions.length} promotions.`,
    blocks,
  };
}

/** The leadership digest; teams are named by `titles` (a Group's display name or title), else by name. */
export function composeOrgDigest(opts: {
  period: string;
  scorecards: readonly Scorecard[];
  current: readonly StoredResult[];
  previous: readonly StoredResult[];
  titles: ReadonlyMap<string, string>;
}): Message {
  const { period, scorecards, titles } = opts;
  const current = ofScorecards(scorecards, opts.current);
  const previous = ofScorecards(scorecards, opts.previous);
  const blocks: Block[] = [{ type: 'header', text: `Scorecards across the org, week ${period}` }];
  const summary: string[] = [];
  for (const scorecard of scorecards) {
    const mine = current.filter((result) => result.scorecardId === scorecard.id);
    if (mine.length === 0) continue;
    const counts = countsLine(scorecard, levelCounts(scorecard, mine));
    summary.push(`${scorecard.title}: ${counts}`);
    if (summary.length > 1) blocks.push({ type: 'divider' });
    blocks.push(...distributionBlocks(scorecard, mine, { titles }));
    const failing = failingRules(scorecard, mine)
      .slice(0, FAILING_RULES_SHOWN)
      .map((entry) => ({
        text: [strong(entry.rule.title), plain(`: ${entry.failing} of ${entry.of} fail it (${entry.rule.level})`)],
      }));
    if (failing.length > 0) blocks.push({ type: 'list', title: 'Rules failing most', items: failing });
  }
  const movers = biggestMovers(current, previous, titles);
  blocks.push({ type: 'divider' });
  blocks.push(
    movers.length > 0
      ? { type: 'list', title: 'Biggest movers since last week (net levels)', items: movers }
      : { type: 'text', text: [plain('No team moved a level since last week.')] },
  );
  return { summary: `Scorecards across the org, week ${period}: ${summary.join('; ')}`, blocks };
}

/** Teams (direct owners) by the net levels their entities gained or lost, largest moves first. */
function biggestMovers(
  current: readonly StoredResult[],
  previous: readonly StoredResult[],
  titles: ReadonlyMap<string, string>,
): ListItem[] {
  const teams = new Set(current.map((result) => result.ownerRef ?? ''));
  return [...teams]
    .map((team) => ({
      team,
      net: netMovement(
        current.filter((result) => (result.ownerRef ?? '') === team),
        previous.filter((result) => (result.ownerRef ?? '') === team),
      ),
    }))
    .filter((entry) => entry.net !== 0)
    .sort((a, b) => Math.abs(b.net) - Math.abs(a.net) || a.team.localeCompare(b.team))
    .slice(0, MOVERS_SHOWN)
    .map((entry) => ({
      text: [
        strong(entry.team ? teamTitle(entry.team, titles) : 'no owner'),
        plain(`: ${entry.net > 0 ? '+' : ''}${entry.net}`),
      ],
    }));
}
