/**
 * `/scorecard <entity | team | org> [--scorecard id] [--changes] [--rules | --movers] [--week YYYY-Www] [--offset N]`:
 * an entity's level on each scorecard that applies and the failing rules with how to fix them; a team's roll-up over
 * what it and its sub-teams own; the org's level distribution per team, its rules failing most (`--rules`) or the teams
 * that moved most since last week (`--movers`). Levels are evaluated now from the catalog's current facts; "last week"
 * is read from history. The org's lists with `--week` are read from that week's stored results instead (and, for
 * `--movers`, the week before's): what the leadership digest of that week showed, so its "and N more" continues there.
 *
 * - A name shared by a Group and other entities (a team and a System both called `payments`) means the Group: teams
 *   are what people ask scorecards about. The answer names the others and how to ask for them (`system:payments`).
 * - Every list cut short ends with the command that shows the rest: a team's entities and the org's teams per
 *   scorecard page with `--scorecard <id> --offset N`, a team's changes since last week with `--changes --offset N`,
 *   the leadership digest's rules failing most with `org --scorecard <id> --rules --week <week> --offset N` and its
 *   biggest movers with `org --movers --week <week> --offset N`.
 */

import { z } from 'zod';
import { displayNameOf, shortName, titleOf } from '../catalog/facts.ts';
import type { EntityRecord } from '../catalog/records.ts';
import type { ScorecardSource } from '../ports/scorecard-source.ts';
import {
  changeListBlocks,
  changesCommand,
  countsLine,
  distributionBlocks,
  entitiesCount,
  failingRuleItems,
  failingRulesCommand,
  fixItem,
  fixSpans,
  moverItems,
  moversCommand,
  OVERVIEW_LIST,
  ofScorecards,
  PAGE_LIST,
  pagedList,
  scopeLine,
  scorecardCountsText,
  teamChanges,
  typedRef,
  weekFlag,
} from '../scorecards/describe.ts';
import type { ScorecardResult } from '../scorecards/evaluate.ts';
import { failingAt } from '../scorecards/evaluate.ts';
import type { Scorecard } from '../scorecards/format.ts';
import { periodBefore, periodOf, periodTense, weekProblem } from '../scorecards/period.ts';
import { levelCounts, levelName, type StoredResult, topFixes } from '../scorecards/results.ts';
import { countOf, wordList } from '../text.ts';
import type { Block, ListItem, Message } from '../view-model.ts';
import { code, text as plain, strong } from '../view-model.ts';
import { booleanFlag, givenFlags, offsetFlag, parseArgs, valueFlag } from './args.ts';
import {
  explainResolution,
  inputProblemAnswer,
  type KeptFlags,
  keptFlagsText,
  leftOutNote,
  SUGGESTIONS,
  usageAnswer,
} from './resolve.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

const SCORECARD_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const FLAGS = {
  scorecard: valueFlag({
    schema: z.string().regex(SCORECARD_ID, { error: 'expected a scorecard id such as production-readiness' }),
    expected: 'a scorecard id such as production-readiness',
    synopsis: '--scorecard id',
    example: 'production-readiness',
  }),
  changes: booleanFlag(),
  rules: booleanFlag(),
  movers: booleanFlag(),
  week: valueFlag({
    // Weeks are stored upper-case (`2026-W47`); `2026-w47` is the same week typed without the shift key.
    schema: z.string().transform((text, context) => {
      const week = text.toUpperCase();
      const problem = weekProblem(week);
      if (problem) context.addIssue({ code: 'custom', message: problem });
      return week;
    }),
    expected: 'an ISO week such as 2026-W47 (the week a digest names)',
    synopsis: '--week YYYY-Www',
    example: '2026-W47',
  }),
  offset: offsetFlag,
};

interface Options {
  /** Only this scorecard; set when `--scorecard` named a loaded one. */
  only?: Scorecard;
  changes: boolean;
  /** Which of the org's lists: its teams per scorecard (`teams`, the default), `--rules` or `--movers`. */
  orgList: 'teams' | 'rules' | 'movers';
  /** The org's lists from that week's stored results (`2026-W47`); absent: evaluated now. */
  week?: string;
  offset: number;
}

export const scorecardCommand: CommandDefinition = {
  name: 'scorecard',
  description: "Scorecard levels: an entity's with what to fix, a team's roll-up, or the org's per team.",
  usage: '<entity | team | org> [--scorecard id] [--changes] [--rules | --movers] [--week YYYY-Www] [--offset N]',
  example: '/scorecard payments-api',
  async run(context, args) {
    const parsed = parseArgs(args, FLAGS, `/${this.name}`);
    if (!parsed.ok) return inputProblemAnswer(this, parsed.problem);
    if (!parsed.text) return usageAnswer(this.name, this.usage, this.example);
    const source = context.scorecards;
    if (!source || source.scorecards().length === 0) return notSetUp();
    const { scorecard: id, changes, rules, movers, week, offset } = parsed.flags;
    if (rules && movers) return inputProblemAnswer(this, '--rules and --movers are two lists of the org; give one.');
    const only = id === undefined ? undefined : source.scorecards().find((candidate) => candidate.id === id);
    if (id !== undefined && !only) {
      return inputProblemAnswer(
        this,
        `No scorecard has the id ${id}; expected one of ${source
          .scorecards()
          .map((scorecard) => scorecard.id)
          .join(', ')}.`,
      );
    }
    const orgList = rules ? 'rules' : movers ? 'movers' : 'teams';
    const options: Options = {
      ...(only ? { only } : {}),
      changes,
      orgList,
      ...(week === undefined ? {} : { week }),
      offset: offset ?? 0,
    };
    if (parsed.text.toLowerCase() === 'org') {
      if (changes) return inputProblemAnswer(this, "--changes lists a team's changes since last week; name a team.");
      if (week !== undefined) {
        const problem = await weekNotStored(source, week, options);
        if (problem) return inputProblemAnswer(this, problem);
      }
      if (orgList === 'rules') return orgRulesAnswer(source, options);
      if (orgList === 'movers') return orgMoversAnswer(source, options);
      return orgAnswer(source, options);
    }
    if (week !== undefined) {
      return inputProblemAnswer(
        this,
        `--week reads the org's lists from a week's stored results (/scorecard org --rules --week ${week}); a team's or an entity's answer is evaluated now. Leave --week out.`,
      );
    }
    if (orgList !== 'teams') {
      return inputProblemAnswer(
        this,
        `--${orgList} lists ${orgList === 'rules' ? 'the rules failing most' : 'the teams that moved most since last week'} across the org; write /scorecard org --${orgList}.`,
      );
    }
    // A button for another entity keeps the flags, but starts at its first page and lists changes only for a team.
    const kept: KeptFlags = {
      flags: givenFlags(parsed, FLAGS, { omit: ['offset'] }),
      flagsOnlyFor: { changes: { kinds: ['group'], noun: 'a team' } },
    };
    const resolved = await resolveForScorecard(context, parsed.text, kept);
    if (resolved.message) return resolved.message;
    if (resolved.entity.kind === 'group') return teamAnswer(source, resolved.entity, resolved.others, options, kept);
    if (changes || offset !== undefined) {
      return inputProblemAnswer(
        this,
        `${changes ? '--changes' : '--offset'} pages a team's or the org's lists; ${shortName(resolved.entity)} is a ${resolved.entity.envelope.kind}.`,
      );
    }
    return entityAnswer(source, resolved.entity, options);
  },
};

/** How many of the weeks with stored results a refused `--week` names, newest first. */
const WEEKS_NAMED = 8;

/**
 * Why `/scorecard org … --week <week>` cannot be answered, or undefined when results are stored for the week: a week
 * after this one, this week before the digest stored it, or a week nothing was stored for. Names the weeks that have
 * results (the newest `WEEKS_NAMED`, and how many earlier) and the same command with the newest of them.
 */
async function weekNotStored(source: ScorecardSource, week: string, options: Options): Promise<string | undefined> {
  const weeks = await source.periods();
  if (weeks.includes(week)) return undefined;
  const now = periodOf(source.now());
  const tense = periodTense(week, source.now());
  const why =
    tense === 'future'
      ? `${week} has not begun (this is ${now})`
      : tense === 'current'
        ? `No scorecard results are stored for ${week}, this week, yet: the weekly digest stores them when it runs`
        : `No scorecard results are stored for ${week}`;
  const leaveOut = 'Leave --week out for the org as it is now';
  const [newest] = weeks;
  if (newest === undefined) {
    return `${why}, and none for any week yet (the weekly digest and wayfinder scorecards evaluate store them). ${leaveOut}.`;
  }
  const named = weeks.slice(0, WEEKS_NAMED);
  const earlier = weeks.length - named.length;
  const list = earlier > 0 ? `${named.join(', ')} and ${earlier} earlier, back to ${weeks.at(-1)}` : wordList(named);
  const example = `/scorecard org${flagsText({ ...options, week: newest, offset: 0 })}`;
  return `${why}. --week takes an ISO week with stored results: ${list}; for example ${example}. ${leaveOut}.`;
}

/**
 * The org's results for its lists: `week`'s stored ones when given (what that week's digest showed), else every
 * entity evaluated now.
 */
function orgResults(source: ScorecardSource, week: string | undefined): Promise<StoredResult[]> {
  return week === undefined ? source.evaluate({}) : source.history({ period: week });
}

/**
 * The entity a name means to `/scorecard`. When a Group shares the name with entities of other kinds, the Group is
 * meant, and the others are returned to be named in the answer; any other shared name is asked about as everywhere,
 * the buttons keeping the flags `kept`.
 */
async function resolveForScorecard(
  context: CommandContext,
  name: string,
  kept: KeptFlags,
): Promise<{ entity: EntityRecord; others: EntityRecord[]; message?: never } | { entity?: never; message: Message }> {
  const resolution = await context.store.resolveName({ text: name, suggestionLimit: SUGGESTIONS });
  if (resolution.status === 'ambiguous') {
    const groups = resolution.candidates.filter((candidate) => candidate.kind === 'group');
    const [group] = groups;
    if (group && groups.length === 1) {
      return { entity: group, others: resolution.candidates.filter((candidate) => candidate !== group) };
    }
  }
  const resolved = explainResolution({ command: 'scorecard', name, ...kept }, resolution);
  return resolved.message ? { message: resolved.message } : { entity: resolved.entity, others: [] };
}

function notSetUp(): Message {
  const text = 'No scorecards are set up: put scorecard files in WAYFINDER_SCORECARDS_DIR (./scorecards by default).';
  return { summary: text, blocks: [{ type: 'text', text: [plain(text)] }] };
}

async function entityAnswer(source: ScorecardSource, entity: EntityRecord, options: Options): Promise<Message> {
  const results = (await source.evaluateEntity({ ref: entity.ref })).filter(
    (result) => !options.only || result.scorecardId === options.only.id,
  );
  const title = titleOf(entity);
  const command = `/scorecard ${shortName(entity)}${options.only ? ` --scorecard ${options.only.id}` : ''}`;
  if (results.length === 0) {
    const text = `No scorecard ${options.only ? `called ${options.only.title} ` : ''}applies to ${title} (${entity.envelope.kind}).`;
    return { summary: text, blocks: [{ type: 'text', text: [plain(text)] }], command };
  }
  const lastWeek = await source.history({ period: periodBefore(periodOf(source.now())), refs: [entity.ref] });
  const previous = new Map(lastWeek.map((result) => [result.scorecardId, result.level]));
  const blocks: Block[] = [{ type: 'header', text: `${title}: scorecards` }];
  const summary: string[] = [];
  for (const result of results) {
    const scorecard = source.scorecards().find((candidate) => candidate.id === result.scorecardId);
    if (!scorecard) continue;
    const level = levelName(scorecard, result.level);
    const unknown = [...result.rules.values()].filter((outcome) => outcome.outcome === 'unknown').length;
    summary.push(`${scorecard.title}: ${level}`);
    if (blocks.length > 1) blocks.push({ type: 'divider' });
    blocks.push(
      {
        type: 'text',
        text: [
          strong(scorecard.title),
          plain(`: ${level}, ${result.score}% of ${unknown > 0 ? 'known ' : ''}rules pass`),
          plain(unknown > 0 ? ` (${unknown} unknown)` : ''),
          plain(trend(scorecard, previous.get(scorecard.id), result.level)),
        ],
      },
      ...ruleBlocks(scorecard, result),
    );
  }
  return { summary: `${title}: ${summary.join('; ')}`, blocks, command };
}

function trend(scorecard: Scorecard, before: number | undefined, now: number): string {
  if (before === undefined || before === now) return '';
  return ` (last week ${levelName(scorecard, before)}, ${now > before ? 'up' : 'down'})`;
}

/** The failing rules, next level first (what to fix to move up), then unknown and exempt ones. */
function ruleBlocks(scorecard: Scorecard, result: ScorecardResult): Block[] {
  const failing: ListItem[] = [];
  for (let level = 0; level < scorecard.levels.length; level++) {
    for (const rule of failingAt(scorecard, result, level)) {
      failing.push({ text: [strong(rule.title), plain(` (${rule.level}): ${rule.why}`)], detail: fixSpans(rule) });
    }
  }
  const other: ListItem[] = [];
  for (const rule of scorecard.rules) {
    const outcome = result.rules.get(rule.id);
    if (outcome?.outcome === 'unknown') other.push({ text: [plain(`${rule.title}: unknown, ${outcome.reason}`)] });
    if (outcome?.outcome === 'exempt')
      other.push({ text: [plain(`${rule.title}: exempt until ${outcome.expires}, ${outcome.reason}`)] });
  }
  const blocks: Block[] = [];
  if (failing.length > 0) blocks.push({ type: 'list', title: 'To fix', items: failing });
  else blocks.push({ type: 'context', text: [plain('No rule fails.')] });
  if (other.length > 0) blocks.push({ type: 'list', title: 'Not counted', items: other });
  return blocks;
}

/**
 * A team's roll-up. Without flags: per scorecard, its level counts, the lowest `OVERVIEW_LIST` entities and the fixes
 * that would help most, then the changes since last week. `--scorecard id`: that scorecard's entities, a page of
 * `PAGE_LIST` from `--offset`. `--changes`: every change since last week, a page from `--offset`.
 */
async function teamAnswer(
  source: ScorecardSource,
  team: EntityRecord,
  others: readonly EntityRecord[],
  options: Options,
  kept: KeptFlags,
): Promise<Message> {
  const scorecards = options.only ? [options.only] : source.scorecards();
  const teams = await source.teamAndSubteams({ ref: team.ref });
  const [current, previous] = await Promise.all([
    source.evaluate({ ownerRefs: teams }),
    source.history({ period: periodBefore(periodOf(source.now())), ownerRefs: teams }),
  ]);
  const mine = current.filter((result) => scorecards.some((scorecard) => scorecard.id === result.scorecardId));
  const title = displayNameOf(team);
  const typed = typedRef(team.ref);
  const command = `/scorecard ${typed}${flagsText(options)}`;
  const header: Block[] = [
    { type: 'header', text: `${title}: ${options.changes ? 'scorecard changes since last week' : 'scorecards'}` },
    { type: 'context', text: [plain(scopeLine({ results: mine, team: title, subteams: teams.length - 1 }))] },
    ...othersNamed(team, others, kept),
  ];
  if (mine.length === 0) {
    const text = `${title}${teams.length > 1 ? ' and its sub-teams own' : ' owns'} nothing ${options.only ? `${options.only.title} applies to` : 'a scorecard applies to'}.`;
    return { summary: text, blocks: [...header.slice(2), { type: 'text', text: [plain(text)] }], command };
  }
  if (options.changes) return teamChangesAnswer({ team, title, scorecards, mine, previous, header, command, options });
  const blocks: Block[] = [...header];
  const summary: string[] = [];
  const limit = options.only ? PAGE_LIST : OVERVIEW_LIST;
  for (const scorecard of scorecards) {
    const results = mine.filter((result) => result.scorecardId === scorecard.id);
    if (results.length === 0) continue;
    summary.push(`${scorecard.title}: ${countsLine(scorecard, levelCounts(scorecard, results))}`);
    if (summary.length > 1) blocks.push({ type: 'divider' });
    blocks.push({ type: 'text', text: scorecardCountsText(scorecard, results) });
    const lowest = [...results]
      .sort((a, b) => a.level - b.level || a.score - b.score || a.entityName.localeCompare(b.entityName))
      .map((result) => ({
        text: [code(result.entityName), plain(`: ${levelName(scorecard, result.level)}, ${result.score}%`)],
      }));
    blocks.push(
      pagedList({
        items: lowest,
        offset: options.offset,
        limit,
        moreCommand: `/scorecard ${typed} --scorecard ${scorecard.id}`,
        empty: `Nothing from ${options.offset + 1} on: ${scorecard.title} applies to ${entitiesCount(lowest.length)} here.`,
      }),
    );
    const fixes = topFixes(scorecard, results).map((fix) => fixItem(scorecard, fix));
    if (fixes.length > 0) blocks.push({ type: 'list', title: 'Fixes that would help most', items: fixes });
  }
  if (!options.only) {
    const changes = teamChanges(scorecards, mine, previous);
    if (changes.regressions.length + changes.promotions.length > 0) {
      blocks.push({ type: 'divider' }, ...changeListBlocks(team.ref, changes));
    }
  }
  return { summary: `${title}: ${summary.join('; ')}`, blocks, command };
}

function teamChangesAnswer(opts: {
  team: EntityRecord;
  title: string;
  scorecards: readonly Scorecard[];
  mine: readonly StoredResult[];
  previous: readonly StoredResult[];
  header: Block[];
  command: string;
  options: Options;
}): Message {
  const { title, options } = opts;
  const { regressions, promotions } = teamChanges(opts.scorecards, opts.mine, opts.previous);
  const all = [...regressions, ...promotions];
  const counts = `${regressions.length} ${regressions.length === 1 ? 'regression' : 'regressions'}, ${promotions.length} ${promotions.length === 1 ? 'promotion' : 'promotions'}`;
  if (opts.previous.length === 0 || all.length === 0) {
    const text =
      opts.previous.length === 0
        ? `${title}: no results from last week to compare with yet.`
        : `${title}: no level changed since last week.`;
    return { summary: text, blocks: [...opts.header, { type: 'text', text: [plain(text)] }], command: opts.command };
  }
  return {
    summary: `${title} since last week: ${counts}.`,
    command: opts.command,
    blocks: [
      ...opts.header,
      { type: 'text', text: [plain(`${counts} (regressions first)`)] },
      pagedList({
        items: all,
        offset: options.offset,
        limit: PAGE_LIST,
        moreCommand: changesCommand(opts.team.ref),
        empty: `Nothing from ${options.offset + 1} on: ${all.length} changes since last week.`,
      }),
    ],
  };
}

/**
 * `payments also names the System Payments: /scorecard system:payments`, with a button per other entity that asks for
 * it by its full ref, with the flags `kept` that apply to it.
 */
function othersNamed(team: EntityRecord, others: readonly EntityRecord[], kept: KeptFlags): Block[] {
  if (others.length === 0) return [];
  const buttoned = others.slice(0, 5);
  return [
    {
      type: 'context',
      text: [
        plain(`${team.name} also names `),
        ...others.flatMap((other, index) => [
          ...(index > 0 ? [plain(index === others.length - 1 ? ' and ' : ', ')] : []),
          plain(`the ${other.envelope.kind} ${displayNameOf(other)}: `),
          code(`/scorecard ${typedRef(other.ref)}${keptFlagsText(kept, other)}`),
        ]),
        plain('. A team wins a name it shares.'),
      ],
    },
    {
      type: 'actions',
      buttons: buttoned.map((other) => ({
        label: typedRef(other.ref),
        action: 'run' as const,
        command: `/scorecard ${other.ref}${keptFlagsText(kept, other)}`,
      })),
    },
    ...leftOutNote(
      kept,
      buttoned.map((other) => ({ label: typedRef(other.ref), entity: other })),
    ),
  ];
}

function flagsText(options: Options): string {
  return [
    options.only ? ` --scorecard ${options.only.id}` : '',
    options.changes ? ' --changes' : '',
    options.orgList === 'teams' ? '' : ` --${options.orgList}`,
    weekFlag(options.week),
    options.offset > 0 ? ` --offset ${options.offset}` : '',
  ].join('');
}

/**
 * The org: per scorecard, its level counts and the teams' (the first `OVERVIEW_LIST`); with `--scorecard id`, that
 * scorecard's teams, a page of `PAGE_LIST` from `--offset`. Now, or in `--week`'s stored results.
 */
async function orgAnswer(source: ScorecardSource, options: Options): Promise<Message> {
  const scorecards = options.only ? [options.only] : source.scorecards();
  const [current, titles] = await Promise.all([orgResults(source, options.week), source.teamTitles()]);
  const blocks: Block[] = [{ type: 'header', text: orgHeader(options) }];
  const summary: string[] = [];
  for (const scorecard of scorecards) {
    const mine = current.filter((result) => result.scorecardId === scorecard.id);
    if (mine.length === 0) continue;
    summary.push(`${scorecard.title}: ${countsLine(scorecard, levelCounts(scorecard, mine))}`);
    if (summary.length > 1) blocks.push({ type: 'divider' });
    blocks.push(
      ...distributionBlocks(scorecard, mine, {
        titles,
        offset: options.offset,
        limit: options.only ? PAGE_LIST : OVERVIEW_LIST,
        ...(options.week === undefined ? {} : { week: options.week }),
      }),
    );
  }
  if (summary.length === 0) return nothingScored(options, `/scorecard org${flagsText(options)}`);
  return {
    summary: `${orgHeader(options)}: ${summary.join('; ')}`,
    blocks,
    command: `/scorecard org${flagsText(options)}`,
  };
}

/**
 * The org's rules failing most: per scorecard, its rules by how many entities fail them now, or in `--week`'s stored
 * results (the first `OVERVIEW_LIST`); with `--scorecard id`, that scorecard's, a page of `PAGE_LIST` from `--offset`.
 * Where the leadership digest's "Rules failing most" continues (its command names the digest's week).
 */
async function orgRulesAnswer(source: ScorecardSource, options: Options): Promise<Message> {
  const scorecards = options.only ? [options.only] : source.scorecards();
  const current = await orgResults(source, options.week);
  const command = `/scorecard org${flagsText(options)}`;
  const blocks: Block[] = [{ type: 'header', text: `${orgHeader(options)}: rules failing most` }];
  const summary: string[] = [];
  for (const scorecard of scorecards) {
    const mine = current.filter((result) => result.scorecardId === scorecard.id);
    if (mine.length === 0) continue;
    const failing = failingRuleItems(scorecard, mine);
    summary.push(`${scorecard.title}: ${countOf(failing.length, 'rule')} failing`);
    if (summary.length > 1) blocks.push({ type: 'divider' });
    blocks.push({ type: 'text', text: scorecardCountsText(scorecard, mine) });
    blocks.push(
      failing.length === 0
        ? { type: 'context', text: [plain(`No rule of ${scorecard.title} fails.`)] }
        : pagedList({
            title: 'Rules failing most',
            items: failing,
            offset: options.offset,
            limit: options.only ? PAGE_LIST : OVERVIEW_LIST,
            moreCommand: failingRulesCommand(scorecard, options.week),
            empty: `Nothing from ${options.offset + 1} on: ${countOf(failing.length, 'rule')} of ${scorecard.title} ${failing.length === 1 ? 'fails' : 'fail'}.`,
          }),
    );
  }
  if (summary.length === 0) return nothingScored(options, command);
  const when = options.week === undefined ? '' : `, week ${options.week}`;
  return { summary: `Rules failing most across the org${when}: ${summary.join('; ')}`, blocks, command };
}

/**
 * The org's biggest movers: teams by the net levels their entities gained or lost since last week (every loaded
 * scorecard, or only `--scorecard id`'s), a page of `PAGE_LIST` from `--offset`. With `--week`, between that week's
 * stored results and the week before's. Where the leadership digest's "Biggest movers" continues (its command names the
 * digest's week).
 */
async function orgMoversAnswer(source: ScorecardSource, options: Options): Promise<Message> {
  const scorecards = options.only ? [options.only] : source.scorecards();
  const before = periodBefore(options.week ?? periodOf(source.now()));
  const [current, lastWeek, titles] = await Promise.all([
    orgResults(source, options.week),
    source.history({ period: before }),
    source.teamTitles(),
  ]);
  const mine = ofScorecards(scorecards, current);
  const previous = ofScorecards(scorecards, lastWeek);
  const command = `/scorecard org${flagsText(options)}`;
  if (mine.length === 0) return nothingScored(options, command);
  // "Since last week" is this week's; a past week's moves are since the week before it, named.
  const since = options.week === undefined ? 'since last week' : `since ${before}`;
  const header: Block[] = [
    { type: 'header', text: `${orgHeader(options)}: biggest movers ${since}` },
    ...(options.only ? [{ type: 'context' as const, text: [plain(`${options.only.title} only`)] }] : []),
  ];
  const movers = moverItems(mine, previous, titles);
  if (previous.length === 0 || movers.length === 0) {
    const text =
      previous.length === 0
        ? options.week === undefined
          ? 'No results from last week to compare with yet.'
          : `No results from ${before}, the week before ${options.week}, to compare with.`
        : `No team moved a level ${since}.`;
    return { summary: text, blocks: [...header, { type: 'text', text: [plain(text)] }], command };
  }
  const counted = countOf(movers.length, 'team');
  return {
    summary: `${counted} moved a level ${since}.`,
    command,
    blocks: [
      ...header,
      { type: 'text', text: [plain(`${counted} moved ${since}, by net levels gained or lost, largest first`)] },
      pagedList({
        items: movers,
        offset: options.offset,
        limit: PAGE_LIST,
        moreCommand: moversCommand(options.week) + (options.only ? ` --scorecard ${options.only.id}` : ''),
        empty: `Nothing from ${options.offset + 1} on: ${counted} moved ${since}.`,
      }),
    ],
  };
}

/** `Scorecards across the org`, and `, week 2026-W47` when the answer reads that week's stored results. */
function orgHeader(options: Options): string {
  return `Scorecards across the org${options.week === undefined ? '' : `, week ${options.week}`}`;
}

function nothingScored(options: Options, command: string): Message {
  const by = options.only ? ` by ${options.only.title}` : '';
  const text =
    options.week === undefined
      ? `No entity in the catalog is scored${by}.`
      : `No results of ${options.week} are stored for ${options.only ? options.only.title : 'the scorecards loaded now'}.`;
  return { summary: text, blocks: [{ type: 'text', text: [plain(text)] }], command };
}
