import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../src/console/render.ts';
import { runCommandLine } from '../../src/core/commands/index.ts';
import { composeOrgDigest } from '../../src/core/scorecards/digest.ts';
import { evaluateAndStore } from '../../src/scorecards/evaluate-all.ts';
import { renderSlackMessage } from '../../src/slack/render/message.ts';
import { openScorecardCatalog, type ScorecardCatalog } from './setup.ts';

// Monday 30 November 2026: week 2026-W49; last week is 2026-W48.
const NOW = new Date('2026-11-30T09:00:00Z');
const SQUADS = 20;
const PER_SQUAD = 2;

/** A Group "Fleet" with 20 squads under it, each owning two production services: 40 entities, 21 teams. */
function fleetCatalog(): string {
  const docs: string[] = [
    'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: fleet\n  annotations:\n    slack.com/bot-notify: "#fleet"\nspec:\n  type: product-area\n  profile:\n    displayName: Fleet\n  children: []\n',
  ];
  for (let squad = 1; squad <= SQUADS; squad++) {
    const name = `squad-${String(squad).padStart(2, '0')}`;
    docs.push(
      `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  parent: fleet\n  profile:\n    displayName: Squad ${squad}\n  children: []\n`,
    );
    for (let index = 1; index <= PER_SQUAD; index++) {
      docs.push(
        `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}-svc-${index}\n  description: A service.\nspec:\n  type: service\n  lifecycle: production\n  owner: ${name}\n`,
      );
    }
  }
  return docs.join('---\n');
}

let sc: ScorecardCatalog;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'scorecard-paging-'));
  await writeFile(path.join(dir, 'catalog-info.yaml'), fleetCatalog());
  sc = await openScorecardCatalog({ now: NOW, paths: [dir] });
});
afterAll(async () => {
  await sc.close();
  await rm(dir, { recursive: true, force: true });
});

const ask = async (line: string) => renderText(await runCommandLine(sc.context, line), { color: false });
const bullets = (text: string) => text.split('\n').filter((line) => line.startsWith('  • '));
const moreHints = (text: string) => text.split('\n').filter((line) => line.includes('more'));

describe('/scorecard lists cut short name the command that shows the rest', () => {
  it("pages a team's entities per scorecard, from the first one not shown, to the end", async () => {
    const first = await ask('/scorecard fleet');
    expect(first).toContain('40 entities scored, owned by Fleet and 20 sub-teams');
    expect(moreHints(first)).toEqual([
      '  …and 25 more. Try /scorecard group:fleet --scorecard production-readiness --offset 15',
      '  …and 25 more. Try /scorecard group:fleet --scorecard security-basics --offset 15',
    ]);
    const shown = bullets(first.split('Security basics')[0] ?? '').filter((line) => line.includes('-svc-'));
    expect(shown).toHaveLength(15);

    const rest = await ask('/scorecard group:fleet --scorecard production-readiness --offset 15');
    const restShown = bullets(rest).filter((line) => line.includes('-svc-'));
    expect(restShown).toHaveLength(25);
    // The second page holds the other 25, none of the first 15, and nothing is left after it.
    expect(restShown.filter((line) => shown.includes(line))).toEqual([]);
    expect(rest).not.toContain('Security basics');
    expect(rest).not.toContain('more');

    expect(await ask('/scorecard group:fleet --scorecard production-readiness --offset 40')).toContain(
      'Nothing from 41 on: Production readiness applies to 40 entities here.',
    );
  });

  it('refuses paging flags where there is no list to page, and a scorecard id that is not loaded', async () => {
    expect(await ask('/scorecard squad-01-svc-1 --offset 15')).toContain(
      "--offset pages a team's or the org's lists; squad-01-svc-1 is a Component.",
    );
    expect(await ask('/scorecard fleet --scorecard readiness')).toContain(
      'No scorecard has the id readiness; expected one of production-readiness, security-basics.',
    );
  });

  it("pages the org's teams per scorecard", async () => {
    const org = await ask('/scorecard org');
    expect(org).toContain('  …and 5 more. Try /scorecard org --scorecard production-readiness --offset 15');
    // Teams are named by their titles.
    expect(org).toContain('  • Squad 1: Gold 0 · Silver 0 · Bronze 2 · below Bronze 0');
    const rest = await ask('/scorecard org --scorecard production-readiness --offset 15');
    expect(bullets(rest)).toHaveLength(5);
    expect(rest).not.toContain('more');
  });

  it("pages the org's teams per scorecard of the week the leadership digest names", async () => {
    await evaluateAndStore({ store: sc.store, scorecards: sc.scorecards, period: '2026-W47', today: '2026-11-16' });
    const digest = composeOrgDigest({
      period: '2026-W47',
      scorecards: sc.scorecards,
      current: await sc.store.history({ period: '2026-W47' }),
      previous: [],
      titles: await sc.source.teamTitles(),
    });
    expect(renderText(digest, { color: false })).toContain(
      '  …and 5 more. Try /scorecard org --scorecard production-readiness --week 2026-W47 --offset 15',
    );
    const rest = await ask('/scorecard org --scorecard production-readiness --week 2026-W47 --offset 15');
    expect(rest).toContain('Scorecards across the org, week 2026-W47');
    expect(bullets(rest)).toHaveLength(5);
    expect(rest).not.toContain('more');
    await sc.database.db.execute(sql`delete from scorecard_results`);
  });

  it('pages the changes since last week, in Slack too, from the first change not shown', async () => {
    // Last week every service was a level higher: 40 regressions this week.
    await evaluateAndStore({ store: sc.store, scorecards: sc.scorecards, period: '2026-W48', today: '2026-11-23' });
    await sc.database.db.execute(sql`
      update scorecard_results set level = level + 1 where period = '2026-W48' and scorecard_id = 'production-readiness'`);
    const overview = await runCommandLine(sc.context, '/scorecard fleet');
    const text = renderText(overview, { color: false });
    expect(text).toContain('Regressions since last week');
    expect(text).toContain('  …and 25 more. Try /scorecard group:fleet --changes --offset 15');
    const slack = JSON.stringify(renderSlackMessage(overview as Parameters<typeof renderSlackMessage>[0]).blocks);
    expect(slack).toContain('…and 25 more. Try `/scorecard group:fleet --changes --offset 15`');

    const changes = await ask('/scorecard group:fleet --changes --offset 15');
    expect(changes).toContain('40 regressions, 0 promotions');
    expect(bullets(changes)).toHaveLength(25);
    expect(changes).not.toContain('more');
    await sc.database.db.execute(sql`delete from scorecard_results`);
  });
});
