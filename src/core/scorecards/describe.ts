/**
 * The phrasing `/scorecard` and the digest share: what is counted and in which word, level counts, a fix, a change,
 * the lists and the commands that show the rest of them. Pure.
 */
import { countOf, safeLink } from '../text.ts';
import type { Block, ListItem, Span } from '../view-model.ts';
import { text as plain, strong } from '../view-model.ts';
import type { Rule, Scorecard } from './format.ts';
import {
  changesBetween,
  type FixSuggestion,
  failingRules,
  type LevelChange,
  levelCounts,
  levelName,
  netMovement,
  type StoredResult,
} from './results.ts';

/**
 * Items a list shows in an overview (a team's entities per scorecard, the org's teams per scorecard, the changes since
 * last week); the list's "and N more" names the command that pages through the rest.
 */
export const OVERVIEW_LIST = 15;
/** Items one page of a paged list shows (`/scorecard <team> --scorecard id --offset N`). */
export const PAGE_LIST = 50;

/** What scorecards score, in every count `/scorecard` and the digest show: `1 entity`, `8 entities`. */
export function entitiesCount(count: number): string {
  return countOf(count, 'entity', 'entities');
}

/**
 * The results of the loaded `scorecards` only. History keeps a week's results of a scorecard since removed or renamed;
 * counting them would make a team's total disagree with its level counts.
 */
export function ofScorecards(scorecards: readonly Scorecard[], results: readonly StoredResult[]): StoredResult[] {
  const ids = new Set(scorecards.map((scorecard) => scorecard.id));
  return results.filter((result) => ids.has(result.scorecardId));
}

/**
 * `8 entities scored, owned by Commerce Team and 2 sub-teams`: the entities any loaded scorecard applies to (each
 * once), the same number in `/scorecard <team>` and the team's digest.
 */
export function scopeLine(opts: { results: readonly StoredResult[]; team: string; subteams: number }): string {
  const entities = new Set(opts.results.map((result) => result.entityRef)).size;
  const who = opts.subteams > 0 ? `${opts.team} and ${countOf(opts.subteams, 'sub-team')}` : opts.team;
  return `${entitiesCount(entities)} scored, owned by ${who}`;
}

/**
 * `Production readiness, 7 entities: Gold 0 · Silver 1 · Bronze 6 · below Bronze 0`: a scorecard's level counts after
 * how many entities it applies to, so the counts visibly add up. `results` are that scorecard's.
 */
export function scorecardCountsText(scorecard: Scorecard, results: readonly StoredResult[]): Span[] {
  const mine = results.filter((result) => result.scorecardId === scorecard.id);
  return [
    strong(scorecard.title),
    plain(`, ${entitiesCount(mine.length)}: ${countsLine(scorecard, levelCounts(scorecard, mine))}`),
  ];
}

/** `Gold 2 · Silver 3 · Bronze 1 · below Bronze 4`, highest level first; counts from `levelCounts`. */
export function countsLine(scorecard: Scorecard, counts: readonly number[]): string {
  const parts = scorecard.levels.map((name, index) => `${name} ${counts[index + 1] ?? 0}`).reverse();
  parts.push(`${levelName(scorecard, -1)} ${counts[0] ?? 0}`);
  return parts.join(' · ');
}

/** `group:default/payments` → `group:payments`: what to type to name it again, whatever else shares its name. */
export function typedRef(ref: string): string {
  return ref.replace(/^([^:]+):default\//, '$1:');
}

/** `group:default/payments` → `payments`: how a team is named in lists. */
export function refName(ref: string): string {
  const [, rest = ref] = ref.split(':', 2);
  return rest.startsWith('default/') ? rest.slice('default/'.length) : rest;
}

/** How to fix a rule: its text, then its link when it is safe to show as one. */
export function fixSpans(rule: Rule): Span[] {
  return rule.fix.link ? [plain(`${rule.fix.text} `), safeLink('How to', rule.fix.link)] : [plain(rule.fix.text)];
}

export function fixItem(scorecard: Scorecard, fix: FixSuggestion): ListItem {
  const raise =
    fix.raises > 0
      ? `would raise ${entitiesCount(fix.raises)} to ${fix.rule.level}`
      : `holds back ${entitiesCount(fix.blocks)} from ${fix.rule.level}`;
  return {
    text: [strong(fix.rule.title), plain(` (${scorecard.title}): ${raise}`)],
    detail: fixSpans(fix.rule),
  };
}

export function changeItem(scorecard: Scorecard, change: LevelChange): ListItem {
  const up = change.to > change.from;
  const rules = change.flipped.map((rule) => rule.title).join('; ');
  const detail = rules
    ? `${up ? 'now passes' : 'now fails'}: ${rules}`
    : up
      ? 'newly exempt or newly known'
      : 'facts it was scored on became unknown';
  return {
    text: [
      strong(change.entityName),
      plain(`: ${levelName(scorecard, change.from)} → ${levelName(scorecard, change.to)} (${scorecard.title})`),
    ],
    detail: [plain(detail)],
  };
}

/**
 * One line per owning team (the entity's direct owner), most entities first, unowned entities last; a team is named
 * by its title (`titles`: the Group's `spec.profile.displayName`, else `metadata.title`), else by its name.
 */
export function perTeam(
  scorecard: Scorecard,
  results: readonly StoredResult[],
  titles: ReadonlyMap<string, string>,
): ListItem[] {
  const byTeam = new Map<string, StoredResult[]>();
  for (const result of results) {
    if (result.scorecardId !== scorecard.id) continue;
    const key = result.ownerRef ?? '';
    byTeam.set(key, [...(byTeam.get(key) ?? []), result]);
  }
  return [...byTeam.entries()]
    .sort(([a, x], [b, y]) =>
      (a === '') !== (b === '') ? (a === '' ? 1 : -1) : y.length - x.length || a.localeCompare(b),
    )
    .map(([team, mine]) => ({
      text: [
        strong(team ? teamTitle(team, titles) : 'no owner'),
        plain(`: ${countsLine(scorecard, levelCounts(scorecard, mine))}`),
      ],
    }));
}

/** A team's title from `titles`, else its name (`payments` for `group:default/payments`). */
export function teamTitle(ref: string, titles: ReadonlyMap<string, string>): string {
  return titles.get(ref) ?? refName(ref);
}

/**
 * A scorecard's line of level counts over `results`, and the same per owning team from `offset`, `limit` teams; the
 * list's "and N more" runs `/scorecard org --scorecard <id>` (with `--week <week>` when the results are that week's
 * stored ones) from the first team not shown. The org answer and digest.
 */
export function distributionBlocks(
  scorecard: Scorecard,
  results: readonly StoredResult[],
  opts: { titles: ReadonlyMap<string, string>; offset?: number; limit?: number; week?: string },
): Block[] {
  const offset = opts.offset ?? 0;
  const limit = opts.limit ?? OVERVIEW_LIST;
  const teams = perTeam(scorecard, results, opts.titles);
  return [
    { type: 'text', text: scorecardCountsText(scorecard, results) },
    pagedList({
      title: 'By team',
      items: teams,
      offset,
      limit,
      moreCommand: `/scorecard org --scorecard ${scorecard.id}${weekFlag(opts.week)}`,
      empty: `No team from ${offset + 1} on: ${countOf(teams.length, 'team')} own what it applies to.`,
    }),
  ];
}

/**
 * One page of `items`, from `offset`, at most `limit`: a list whose "and N more" runs `moreCommand` from the first item
 * not shown (`--offset`), or a line saying the page is past the end.
 */
export function pagedList(opts: {
  title?: string;
  items: readonly ListItem[];
  offset: number;
  limit: number;
  moreCommand: string;
  empty: string;
}): Block {
  const { items, offset, limit } = opts;
  if (offset > 0 && offset >= items.length) return { type: 'context', text: [plain(opts.empty)] };
  const page = items.slice(offset, offset + limit);
  return {
    type: 'list',
    ...(opts.title ? { title: opts.title } : {}),
    items: page,
    omitted: Math.max(0, items.length - offset - page.length),
    moreCommand: opts.moreCommand,
    offset,
  };
}

/**
 * A team's changes since last week over the loaded scorecards: regressions first (scorecard by scorecard), then
 * promotions. `/scorecard <team> --changes` pages through this same order, so a list cut short continues there.
 */
export function teamChanges(
  scorecards: readonly Scorecard[],
  current: readonly StoredResult[],
  previous: readonly StoredResult[],
): { regressions: ListItem[]; promotions: ListItem[] } {
  const regressions: ListItem[] = [];
  const promotions: ListItem[] = [];
  for (const scorecard of scorecards) {
    const mine = current.filter((result) => result.scorecardId === scorecard.id);
    if (mine.length === 0) continue;
    const changes = changesBetween(scorecard, mine, previous);
    regressions.push(...changes.regressions.map((change) => changeItem(scorecard, change)));
    promotions.push(...changes.promotions.map((change) => changeItem(scorecard, change)));
  }
  return { regressions, promotions };
}

/**
 * The regressions and promotions lists of a team's overview (its `/scorecard` answer and its digest), each cut at
 * `OVERVIEW_LIST` with "and N more" running `/scorecard <team> --changes` from the first change not shown.
 */
export function changeListBlocks(
  teamRef: string,
  changes: { regressions: readonly ListItem[]; promotions: readonly ListItem[] },
): Block[] {
  const moreCommand = changesCommand(teamRef);
  const blocks: Block[] = [];
  const list = (title: string, items: readonly ListItem[], offset: number): Block => ({
    type: 'list',
    title,
    items: items.slice(0, OVERVIEW_LIST),
    omitted: Math.max(0, items.length - OVERVIEW_LIST),
    moreCommand,
    offset,
  });
  if (changes.regressions.length > 0) blocks.push(list('Regressions since last week', changes.regressions, 0));
  if (changes.promotions.length > 0)
    blocks.push(list('Promotions since last week', changes.promotions, changes.regressions.length));
  return blocks;
}

/**
 * A scorecard's rules by how many of `results` fail them, most first (`failingRules`): `Has a tier tag: 10 of 10 fail
 * it (Gold)`. The leadership digest shows the first few; `/scorecard org --rules` pages through them all.
 */
export function failingRuleItems(scorecard: Scorecard, results: readonly StoredResult[]): ListItem[] {
  return failingRules(scorecard, results).map((entry) => ({
    text: [strong(entry.rule.title), plain(`: ${entry.failing} of ${entry.of} fail it (${entry.rule.level})`)],
  }));
}

/**
 * `/scorecard org --scorecard production-readiness --rules`: that scorecard's failing rules, paged; with `week`
 * (`--week 2026-W47`), that week's stored results, so a past week's list continues with its own rest.
 */
export function failingRulesCommand(scorecard: Scorecard, week?: string): string {
  return `/scorecard org --scorecard ${scorecard.id} --rules${weekFlag(week)}`;
}

/** ` --week 2026-W47`, or nothing without a week (the org as it is now). */
export function weekFlag(week: string | undefined): string {
  return week === undefined ? '' : ` --week ${week}`;
}

/**
 * Teams (each entity's direct owner; unowned entities together as `no owner`) by the net levels their entities gained
 * or lost between `previous` and `current` (`netMovement`: entities scored in both weeks, every scorecard the results
 * hold), largest moves first, then by ref; teams that did not move are left out. `Payments Team: -1`. The leadership
 * digest shows the first few; `/scorecard org --movers` pages through them all.
 */
export function moverItems(
  current: readonly StoredResult[],
  previous: readonly StoredResult[],
  titles: ReadonlyMap<string, string>,
): ListItem[] {
  const currentByTeam = byOwner(current);
  const previousByTeam = byOwner(previous);
  return [...currentByTeam]
    .map(([team, results]) => ({ team, net: netMovement(results, previousByTeam.get(team) ?? []) }))
    .filter((entry) => entry.net !== 0)
    .sort((a, b) => Math.abs(b.net) - Math.abs(a.net) || a.team.localeCompare(b.team))
    .map((entry) => ({
      text: [
        strong(entry.team ? teamTitle(entry.team, titles) : 'no owner'),
        plain(`: ${entry.net > 0 ? '+' : ''}${entry.net}`),
      ],
    }));
}

/** `results` grouped by their entity's direct owner (`''` for none), in the order the owners first appear. */
function byOwner(results: readonly StoredResult[]): Map<string, StoredResult[]> {
  const groups = new Map<string, StoredResult[]>();
  for (const result of results) {
    const team = result.ownerRef ?? '';
    const group = groups.get(team);
    if (group) group.push(result);
    else groups.set(team, [result]);
  }
  return groups;
}

/**
 * `/scorecard org --movers`: every team that moved since last week, paged; with `week` (`--week 2026-W47`), every team
 * that moved in that week (from its stored results and the week before's).
 */
export function moversCommand(week?: string): string {
  return `/scorecard org --movers${weekFlag(week)}`;
}

/** `/scorecard group:payments --changes`: every change since last week, paged. */
export function changesCommand(teamRef: string): string {
  return `/scorecard ${typedRef(teamRef)} --changes`;
}
