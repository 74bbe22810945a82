/**
 * `/scorecard <entity | team | org>`: an entity's level on each scorecard that applies and the failing rules with how to
 * fix them; a team's roll-up over the services it and its sub-teams own; the org's level distribution per team.
 * Levels are evaluated now from the catalog's current facts; "last week" is read from history.
 */
import { shortName, titleOf } from '../catalog/facts.ts';
import type { EntityRecord } from '../catalog/records.ts';
import type { ScorecardSource } from '../ports/scorecard-source.ts';
import { changeItem, countsLine, distributionBlocks, fixItem, fixSpans } from '../scorecards/describe.ts';
import type { ScorecardResult } from '../scorecards/evaluate.ts';
import { failingAt } from '../scorecards/evaluate.ts';
import type { Scorecard } from '../scorecards/format.ts';
import { periodBefore, periodOf } from '../scorecards/period.ts';
import { changesBetween, levelCounts, levelName, type StoredResult, topFixes } from '../scorecards/results.ts';
import type { Block, ListItem, Message } from '../view-model.ts';
import { code, text as plain, strong } from '../view-model.ts';
import { parseArgs } from './args.ts';
import { inputProblemAnswer, resolveEntity, usageAnswer } from './resolve.ts';
import type { CommandDefinition } from './types.ts';

/** Entities a team answer lists per scorecard, lowest level first. */
const TEAM_LIST_LIMIT = 15;

export const scorecardCommand: CommandDefinition = {
  name: 'scorecard',
  description: "Scorecard levels: an entity's with what to fix, a team's roll-up, or the org's per team.",
  usage: '<entity | team | org>',
  example: '/scorecard payments-api',
  async run(context, args) {
    const parsed = parseArgs(args, {}, `/${this.name}`);
    if (!parsed.ok) return inputProblemAnswer(this, parsed.problem);
    if (!parsed.text) return usageAnswer(this.name, this.usage, this.example);
    const source = context.scorecards;
    if (!source || source.scorecards().length === 0) return notSetUp();
    if (parsed.text.toLowerCase() === 'org') return orgAnswer(source);
    const resolved = await resolveEntity(context, this.name, parsed.text);
    if (resolved.message) return resolved.message;
    if (resolved.entity.kind === 'group') return teamAnswer(source, resolved.entity);
    return entityAnswer(source, resolved.entity);
  },
};

function notSetUp(): Message {
  const text = 'No scorecards are set up: put scorecard files in WAYFINDER_SCORECARDS_DIR (./scorecards by default).';
  return { summary: text, blocks: [{ type: 'text', text: [plain(text)] }] };
}

async function entityAnswer(source: ScorecardSource, entity: EntityRecord): Promise<Message> {
  const results = await source.evaluateEntity({ ref: entity.ref });
  const title = titleOf(entity);
  if (results.length === 0) {
    const text = `No scorecard applies to ${title} (${entity.envelope.kind}).`;
    return {
      summary: text,
      blocks: [{ type: 'text', text: [plain(text)] }],
      command: `/scorecard ${shortName(entity)}`,
    };
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
  return { summary: `${title}: ${summary.join('; ')}`, blocks, command: `/scorecard ${shortName(entity)}` };
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

async function teamAnswer(source: ScorecardSource, team: EntityRecord): Promise<Message> {
  const teams = await source.teamAndSubteams({ ref: team.ref });
  const [current, previous] = await Promise.all([
    source.evaluate({ ownerRefs: teams }),
    source.history({ period: periodBefore(periodOf(source.now())), ownerRefs: teams }),
  ]);
  const title = titleOf(team);
  const command = `/scorecard ${shortName(team)}`;
  const entities = new Set(current.map((result) => result.entityRef)).size;
  if (entities === 0) {
    const text = `${title} and its sub-teams own nothing a scorecard applies to.`;
    return { summary: text, blocks: [{ type: 'text', text: [plain(text)] }], command };
  }
  const scope = teams.length > 1 ? `${title} and ${teams.length - 1} sub-teams` : title;
  const blocks: Block[] = [
    { type: 'header', text: `${title}: scorecards` },
    { type: 'context', text: [plain(`${entities} entities owned by ${scope}`)] },
  ];
  const summary: string[] = [];
  for (const scorecard of source.scorecards()) {
    const mine = current.filter((result) => result.scorecardId === scorecard.id);
    if (mine.length === 0) continue;
    const counts = countsLine(scorecard, levelCounts(scorecard, mine));
    summary.push(`${scorecard.title}: ${counts}`);
    if (summary.length > 1) blocks.push({ type: 'divider' });
    blocks.push({ type: 'text', text: [strong(scorecard.title), plain(`: ${counts}`)] });
    blocks.push(...teamScorecardBlocks(scorecard, mine, previous));
  }
  return { summary: `${title}: ${summary.join('; ')}`, blocks, command };
}

function teamScorecardBlocks(
  scorecard: Scorecard,
  current: readonly StoredResult[],
  previous: readonly StoredResult[],
): Block[] {
  const blocks: Block[] = [];
  const lowest = [...current].sort(
    (a, b) => a.level - b.level || a.score - b.score || a.entityName.localeCompare(b.entityName),
  );
  blocks.push({
    type: 'list',
    items: lowest.slice(0, TEAM_LIST_LIMIT).map((result) => ({
      text: [code(result.entityName), plain(`: ${levelName(scorecard, result.level)}, ${result.score}%`)],
    })),
    ...(lowest.length > TEAM_LIST_LIMIT ? { omitted: lowest.length - TEAM_LIST_LIMIT } : {}),
  });
  const { promotions, regressions } = changesBetween(scorecard, current, previous);
  const changes = [...regressions, ...promotions].map((change) => changeItem(scorecard, change));
  if (changes.length > 0) blocks.push({ type: 'list', title: 'Since last week', items: changes });
  const fixes = topFixes(scorecard, current).map((fix) => fixItem(scorecard, fix));
  if (fixes.length > 0) blocks.push({ type: 'list', title: 'Fixes that would help most', items: fixes });
  return blocks;
}

async function orgAnswer(source: ScorecardSource): Promise<Message> {
  const current = await source.evaluate({});
  const blocks: Block[] = [{ type: 'header', text: 'Scorecards across the org' }];
  const summary: string[] = [];
  for (const scorecard of source.scorecards()) {
    const mine = current.filter((result) => result.scorecardId === scorecard.id);
    if (mine.length === 0) continue;
    const total = countsLine(scorecard, levelCounts(scorecard, mine));
    summary.push(`${scorecard.title}: ${total}`);
    if (summary.length > 1) blocks.push({ type: 'divider' });
    blocks.push(...distributionBlocks(scorecard, mine));
  }
  return { summary: `Scorecards across the org: ${summary.join('; ')}`, blocks, command: '/scorecard org' };
}
