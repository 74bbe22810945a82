import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../src/console/render.ts';
import { runCommandLine } from '../../src/core/commands/index.ts';
import { runDigest } from '../../src/scorecards/digest-run.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { digestDependencies } from './digest-setup.ts';
import type { ScorecardCatalog } from './setup.ts';
import { openSquadsMovedDown } from './squads-catalog.ts';

// Monday 30 November 2026: week 2026-W49; last week is 2026-W48.
const NOW = new Date('2026-11-30T09:00:00Z');
let sc: ScorecardCatalog;
let slack: FakeSlackApi;
let dir: string;
beforeAll(async () => {
  // Last week every service was a level higher on Production readiness: every squad moved down (squad-01 by two).
  ({ sc, dir } = await openSquadsMovedDown({ now: NOW, prefix: 'org-lists-paging-' }));
  slack = await startFakeSlackApi();
});
afterAll(async () => {
  await slack.close();
  await sc.close();
  await rm(dir, { recursive: true, force: true });
});

const ask = async (line: string) => renderText(await runCommandLine(sc.context, line), { color: false });
const bullets = (text: string) => text.split('\n').filter((line) => line.startsWith('  • '));

describe("the leadership digest's short lists say how many more there are and how to see them", () => {
  it('ends the rules failing most and the biggest movers with "and N more" and the /scorecard org command for its week', async () => {
    await runDigest(digestDependencies(sc, slack), { period: '2026-W49' });
    const leadership = slack.digest.posted.find((post) => post.channel === '#leadership');
    const texts = ((leadership?.blocks ?? []) as { text?: { text: string }; elements?: { text: string }[] }[]).map(
      (block) => block.text?.text ?? block.elements?.map((element) => element.text).join('') ?? '',
    );
    const fromTitle = (title: string) => texts.slice(texts.findIndex((text) => text.includes(title)));
    const rules = fromTitle('Rules failing most');
    expect(rules[1]).toContain('Has a tier tag');
    expect(rules[1]).not.toContain('Has a description');
    expect(rules.find((text) => text.startsWith('…and'))).toBe(
      '…and 1 more. Try `/scorecard org --scorecard production-readiness --rules --week 2026-W49 --offset 5`',
    );
    const movers = fromTitle('Biggest movers since last week');
    expect(movers[1]).toContain('*Squad 1*: -2');
    expect(movers[1]?.split('\n')).toHaveLength(5);
    expect(movers.find((text) => text.startsWith('…and'))).toBe(
      '…and 7 more. Try `/scorecard org --movers --week 2026-W49 --offset 5`',
    );
    // Security basics has no rule failing here: no list, and so no hint, for it.
    expect(texts.filter((text) => text.startsWith('…and'))).toHaveLength(2);
  });

  it('shows the rest of the rules failing most with the command the digest names', async () => {
    const all = await ask('/scorecard org --rules');
    expect(bullets(all.split('Security basics')[0] ?? '')).toHaveLength(6);
    expect(all).toContain('No rule of Security basics fails.');
    const rest = await ask('/scorecard org --scorecard production-readiness --rules --week 2026-W49 --offset 5');
    expect(rest).toContain('Scorecards across the org, week 2026-W49: rules failing most');
    expect(bullets(rest)).toEqual(['  • Has a description: 1 of 13 fail it (Bronze)']);
    expect(rest).not.toContain('more');
    expect(await ask('/scorecard org --scorecard production-readiness --rules --week 2026-W49 --offset 6')).toContain(
      'Nothing from 7 on: 6 rules of Production readiness fail.',
    );
  });

  it('shows the rest of the biggest movers with the command the digest names, none of the first five again', async () => {
    const first = bullets(await ask('/scorecard org --movers'));
    expect(first).toHaveLength(12);
    expect(first[0]).toBe('  • Squad 1: -2');
    const rest = await ask('/scorecard org --movers --week 2026-W49 --offset 5');
    expect(rest).toContain('12 teams moved since 2026-W48');
    expect(bullets(rest)).toEqual(first.slice(5));
    expect(rest).not.toContain('more');
    expect(bullets(await ask('/scorecard org --movers --scorecard security-basics'))).toEqual([]);
  });

  it('refuses --rules and --movers together, and for anything but the org', async () => {
    expect(await ask('/scorecard org --rules --movers')).toContain(
      '--rules and --movers are two lists of the org; give one.',
    );
    expect(await ask('/scorecard squad-01 --movers')).toContain(
      '--movers lists the teams that moved most since last week across the org; write /scorecard org --movers.',
    );
    expect(await ask('/scorecard squad-01-svc --rules')).toContain(
      '--rules lists the rules failing most across the org; write /scorecard org --rules.',
    );
  });
});
