import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../src/console/render.ts';
import { runCommandLine } from '../../src/core/commands/index.ts';
import { importCatalog } from '../../src/ingestion/import-catalog.ts';
import { runDigest } from '../../src/scorecards/digest-run.ts';
import { evaluateAndStore } from '../../src/scorecards/evaluate-all.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { digestDependencies } from './digest-setup.ts';
import type { ScorecardCatalog } from './setup.ts';
import { openSquadsMovedDown, squadsCatalog } from './squads-catalog.ts';

// Monday 30 November 2026 is in 2026-W49, Monday 7 December in 2026-W50.
const W49 = new Date('2026-11-30T09:00:00Z');
const W50 = new Date('2026-12-07T09:00:00Z');

let sc: ScorecardCatalog;
let slack: FakeSlackApi;
let dir: string;
/** The lines of the 2026-W49 leadership digest, as posted. */
let digestW49: string[];

beforeAll(async () => {
  // In 2026-W48 every service was a level higher on Production readiness: in 2026-W49 all twelve squads moved down.
  ({ sc, dir } = await openSquadsMovedDown({ now: W49, prefix: 'org-lists-past-week-' }));
  slack = await startFakeSlackApi();
  await runDigest(digestDependencies(sc, slack), { period: '2026-W49' });
  digestW49 = leadershipLines();
  // The next week squad-01-bare gets its description, and the 2026-W50 digest records the week's results.
  await writeFile(path.join(dir, 'catalog-info.yaml'), squadsCatalog({ bareDescribed: true }));
  const { errors } = await importCatalog({ paths: [dir], store: sc.catalog });
  expect(errors).toEqual([]);
  sc.setNow(W50);
  await runDigest(digestDependencies(sc, slack), { period: '2026-W50' });
});
afterAll(async () => {
  await slack.close();
  await sc.close();
  await rm(dir, { recursive: true, force: true });
});

const ask = async (line: string) => renderText(await runCommandLine(sc.context, line), { color: false });
const bullets = (text: string) => text.split('\n').filter((line) => line.startsWith('  • '));

/** The text of every block of the first leadership digest posted, list items one a line. */
function leadershipLines(): string[] {
  const post = slack.digest.posted.find((candidate) => candidate.channel === '#leadership');
  return ((post?.blocks ?? []) as { text?: { text: string }; elements?: { text: string }[] }[]).map(
    (block) => block.text?.text ?? block.elements?.map((element) => element.text).join('') ?? '',
  );
}

/** The list under `title` in `lines` (one Slack line an item, `• *Squad 1*: -2`) and the command its hint names. */
function listAndHint(lines: readonly string[], title: string): { items: string[]; hint: string } {
  const from = lines.slice(lines.findIndex((line) => line.includes(title)));
  const hint = from.find((line) => line.startsWith('…and')) ?? '';
  return {
    items: (from[1] ?? '').split('\n').map((item) => item.replace(/^• /, '  • ').replaceAll('*', '')),
    hint: /`([^`]+)`/.exec(hint)?.[1] ?? '',
  };
}

describe("a past week's digest continues with that week's lists", () => {
  it("shows the rest of the digest's rules failing most from its week, after the next week's results are recorded", async () => {
    const { items, hint } = listAndHint(digestW49, 'Rules failing most');
    expect(hint).toBe('/scorecard org --scorecard production-readiness --rules --week 2026-W49 --offset 5');
    expect(items).toHaveLength(5);
    const rest = await ask(hint);
    expect(rest).toContain('Scorecards across the org, week 2026-W49: rules failing most');
    expect(bullets(rest)).toEqual(['  • Has a description: 1 of 13 fail it (Bronze)']);
    // This week nothing lacks a description any more: the list as it is now has no sixth rule.
    expect(await ask('/scorecard org --scorecard production-readiness --rules --offset 5')).toContain(
      'Nothing from 6 on: 5 rules of Production readiness fail.',
    );
  });

  it("shows the rest of the digest's biggest movers from its week: the five it showed, then seven more, none twice", async () => {
    const { items, hint } = listAndHint(digestW49, 'Biggest movers');
    expect(hint).toBe('/scorecard org --movers --week 2026-W49 --offset 5');
    expect(items).toEqual([
      '  • Squad 1: -2',
      '  • Squad 2: -1',
      '  • Squad 3: -1',
      '  • Squad 4: -1',
      '  • Squad 5: -1',
    ]);
    const rest = await ask(hint);
    expect(rest).toContain('Scorecards across the org, week 2026-W49: biggest movers since 2026-W48');
    expect(rest).toContain('12 teams moved since 2026-W48');
    expect(bullets(rest)).toEqual([6, 7, 8, 9, 10, 11, 12].map((squad) => `  • Squad ${squad}: -1`));
    expect(bullets(await ask('/scorecard org --movers --week 2026-W49'))).toEqual([...items, ...bullets(rest)]);
  });

  it('keeps the week on the command that pages further', async () => {
    const message = await runCommandLine(sc.context, '/scorecard org --movers --week 2026-W49 --offset 5');
    expect(message.command).toBe('/scorecard org --movers --week 2026-W49 --offset 5');
    const list = message.blocks.find((block) => block.type === 'list');
    expect(list?.type === 'list' && list.moreCommand).toBe('/scorecard org --movers --week 2026-W49');
  });

  it('still shows the org as it is now without --week', async () => {
    const movers = await ask('/scorecard org --movers');
    expect(movers).toContain('Scorecards across the org: biggest movers since last week');
    expect(bullets(movers)).toEqual(['  • Squad 1: +1']);
    const rules = await ask('/scorecard org --rules');
    expect(rules).toContain('Scorecards across the org: rules failing most');
    expect(rules).not.toContain('Has a description');
  });

  it('says when the week before has no results to compare with', async () => {
    expect(await ask('/scorecard org --movers --week 2026-W48')).toContain(
      'No results from 2026-W47, the week before 2026-W48, to compare with.',
    );
  });
});

describe('a --week that cannot be read is refused with what it takes', () => {
  it('names the form and an example for text that is not an ISO week, and the weeks of a year that lacks it', async () => {
    expect(await ask('/scorecard org --rules --week 47')).toContain(
      '--week: expected an ISO week such as 2026-W47; got "47".',
    );
    expect(await ask('/scorecard org --movers --week 2026-W54')).toContain(
      '--week: 2026 has no week 54 (its weeks are 2026-W01 to 2026-W53); got "2026-W54".',
    );
    expect(await ask('/scorecard org --rules --week')).toContain(
      '--week needs a value: an ISO week such as 2026-W47 (the week a digest names), as in --week 2026-W47.',
    );
  });

  it('names the weeks that have results for a week without any, and a week not yet begun', async () => {
    expect(await ask('/scorecard org --rules --week 2026-W30')).toContain(
      'No scorecard results are stored for 2026-W30. --week takes an ISO week with stored results: 2026-W50, 2026-W49 and 2026-W48; for example /scorecard org --rules --week 2026-W50. Leave --week out for the org as it is now.',
    );
    expect(await ask('/scorecard org --movers --week 2026-W51')).toContain(
      '2026-W51 has not begun (this is 2026-W50). --week takes an ISO week with stored results: 2026-W50, 2026-W49 and 2026-W48; for example /scorecard org --movers --week 2026-W50.',
    );
  });

  it('says this week has no results yet before its digest has run', async () => {
    sc.setNow(new Date('2026-12-14T09:00:00Z'));
    try {
      expect(await ask('/scorecard org --rules --week 2026-W51')).toContain(
        'No scorecard results are stored for 2026-W51, this week, yet: the weekly digest stores them when it runs.',
      );
    } finally {
      sc.setNow(W50);
    }
  });

  it('names the newest eight weeks with results and how many are earlier', async () => {
    for (let week = 38; week <= 47; week++) {
      await evaluateAndStore({
        store: sc.store,
        scorecards: sc.scorecards,
        period: `2026-W${week}`,
        today: '2026-09-14',
      });
    }
    try {
      expect(await ask('/scorecard org --rules --week 2026-W30')).toContain(
        '--week takes an ISO week with stored results: 2026-W50, 2026-W49, 2026-W48, 2026-W47, 2026-W46, 2026-W45, 2026-W44, 2026-W43 and 5 earlier, back to 2026-W38;',
      );
    } finally {
      await sc.database.db.execute(sql`delete from scorecard_results where period between '2026-W38' and '2026-W47'`);
    }
  });

  it('takes a week typed in lower case, and refuses --week for a team', async () => {
    expect(await ask('/scorecard org --rules --week 2026-w49')).toContain(
      'Scorecards across the org, week 2026-W49: rules failing most',
    );
    expect(await ask('/scorecard squad-01 --week 2026-W49')).toContain(
      "--week reads the org's lists from a week's stored results (/scorecard org --rules --week 2026-W49); a team's or an entity's answer is evaluated now. Leave --week out.",
    );
  });
});
