/**
 * The weekly digest's messages, composed from stored history (this week's results and last week's). Pure.
 *
 * - A team's digest (its channel): level counts per scorecard over the entities it and its sub-teams own, what
 *   changed since last week (regressions first, naming the entity and the rule that flipped), and the three fixes
 *   that would raise the most entities a level.
 * - The leadership digest: per scorecard, the distribution per team and the rules failing most, then the biggest movers
 *   (net levels gained or lost per team). Each list cut short ends with "and N more" and the `/scorecard org` command
 *   that shows the rest (`--rules`, `--movers`), from the first item not shown. The command names the digest's week
 *   (`--week 2026-W47`): it continues the list from that week's stored results, not from the org as it is when read.
 */
import type { Block, Message } from '../view-model.ts';
import { code, text as plain } from '../view-model.ts';
import {
  changeListBlocks,
  countsLine,
  distributionBlocks,
  failingRuleItems,
  failingRulesCommand,
  fixItem,
  moverItems,
  moversCommand,
  ofScorecards,
  pagedList,
  scopeLine,
  scorecardCountsText,
  teamChanges,
  typedRef,
} from './describe.ts';
import type { Scorecard } from './format.ts';
import { type FixSuggestion, levelCounts, type StoredResult, topFixes } from './results.ts';

/**
 * Items the leadership digest lists of the biggest movers, and of the rules failing most per scorecard. A longer list
 * ends with "and N more" and the `/scorecard org … --week <period>` command that continues it from the first item not
 * shown.
 */
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
    blocks.push(...distributionBlocks(scorecard, mine, { titles, week: period }));
    const failing = failingRuleItems(scorecard, mine);
    if (failing.length > 0) {
      blocks.push(
        pagedList({
          title: 'Rules failing most',
          items: failing,
          offset: 0,
          limit: FAILING_RULES_SHOWN,
          moreCommand: failingRulesCommand(scorecard, period),
          empty: '',
        }),
      );
    }
  }
  const movers = moverItems(current, previous, titles);
  blocks.push({ type: 'divider' });
  blocks.push(
    movers.length > 0
      ? pagedList({
          title: 'Biggest movers since last week (net levels)',
          items: movers,
          offset: 0,
          limit: MOVERS_SHOWN,
          moreCommand: moversCommand(period),
          empty: '',
        })
      : { type: 'text', text: [plain('No team moved a level since last week.')] },
  );
  return { summary: `Scorecards across the org, week ${period}: ${summary.join('; ')}`, blocks };
}
