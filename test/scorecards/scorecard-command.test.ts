import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../src/console/render.ts';
import { runCommandLine } from '../../src/core/commands/index.ts';
import { createLogger } from '../../src/logger.ts';
import { composeDelivery } from '../../src/scorecards/digest-run.ts';
import { evaluateAndStore } from '../../src/scorecards/evaluate-all.ts';
import { openScorecardCatalog, type ScorecardCatalog } from './setup.ts';

const NOW = new Date('2026-11-30T09:00:00Z');

let sc: ScorecardCatalog;
beforeAll(async () => {
  sc = await openScorecardCatalog({ now: NOW });
});
afterAll(() => sc.close());

const ask = async (line: string) => renderText(await runCommandLine(sc.context, line), { color: false });

describe('/scorecard', () => {
  it('answers an entity with its level per scorecard and the failing rules with how to fix them', async () => {
    const text = await ask('/scorecard payments-worker');
    expect(text).toMatchInlineSnapshot(`
      "Payments Worker: scorecards
      ───────────────────────────

      Production readiness: Bronze, 66.7% of rules pass

      To fix
        • Has an on-call rota (Silver): A production service needs someone who answers when it pages. — Add the pagerduty.com/service-id annotation, or wayfinder.dev/on-call with the rota. How to (https://backstage.io/docs/features/software-catalog/well-known-annotations)
        • Publishes TechDocs (Gold): Runbooks and architecture notes next to the code are the ones that stay current. — Add the backstage.io/techdocs-ref annotation (dir:. for docs beside the descriptor). How to (https://backstage.io/docs/features/techdocs/getting-started)
        • Has a tier tag (Gold): The tier sets how fast incidents are answered and how carefully changes roll out. — Tag the entity with its tier (tier-1, tier-2 or tier-3).

      ────────────────────────────────────────

      Security basics: Bronze, 100% of known rules pass (6 unknown)

      No rule fails.

      Not counted
        • No open critical Dependabot alerts: unknown, github.dependabot.critical has not been collected yet
        • Has a CODEOWNERS file: unknown, github.codeowners has not been collected yet
        • Default branch is protected: unknown, github.branch-protection has not been collected yet
        • No open high Dependabot alerts: unknown, github.dependabot.high has not been collected yet
        • Builds and tests in CI: unknown, github.ci has not been collected yet
        • Committed to in the last 180 days: unknown, github.days-since-commit has not been collected yet"
    `);
  });

  it('answers a team with the roll-up over its and its sub-teams services', async () => {
    const text = await ask('/scorecard group:commerce');
    expect(text).toMatchInlineSnapshot(`
      "Commerce: scorecards
      ────────────────────

      8 entities scored, owned by Commerce and 2 sub-teams

      Production readiness, 7 entities: Gold 0 · Silver 1 · Bronze 6 · below Bronze 0

        • cart-service: Bronze, 66.7%
        • checkout-web: Bronze, 66.7%
        • fraud-detector: Bronze, 66.7%
        • ledger-service: Bronze, 66.7%
        • order-service: Bronze, 66.7%
        • payments-worker: Bronze, 66.7%
        • payments-api: Silver, 88.9%

      Fixes that would help most
        • Has an on-call rota (Production readiness): would raise 6 entities to Silver — Add the pagerduty.com/service-id annotation, or wayfinder.dev/on-call with the rota. How to (https://backstage.io/docs/features/software-catalog/well-known-annotations)
        • Has a tier tag (Production readiness): would raise 1 entity to Gold — Tag the entity with its tier (tier-1, tier-2 or tier-3).

      ────────────────────────────────────────

      Security basics, 8 entities: Gold 0 · Silver 0 · Bronze 8 · below Bronze 0

        • cart-service: Bronze, 100%
        • checkout-web: Bronze, 100%
        • fraud-detector: Bronze, 100%
        • ledger-service: Bronze, 100%
        • order-service: Bronze, 100%
        • payments-api: Bronze, 100%
        • payments-worker: Bronze, 100%
        • ui-kit: Bronze, 100%"
    `);
  });

  it('answers the org with the level distribution per team', async () => {
    const text = await ask('/scorecard org');
    expect(text).toMatchInlineSnapshot(`
      "Scorecards across the org
      ─────────────────────────

      Production readiness, 10 entities: Gold 0 · Silver 2 · Bronze 8 · below Bronze 0

      By team
        • Payments Team: Gold 0 · Silver 1 · Bronze 3 · below Bronze 0
        • Checkout Team: Gold 0 · Silver 0 · Bronze 3 · below Bronze 0
        • Identity: Gold 0 · Silver 1 · Bronze 0 · below Bronze 0
        • Platform: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0
        • SRE: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0

      ────────────────────────────────────────

      Security basics, 11 entities: Gold 0 · Silver 0 · Bronze 11 · below Bronze 0

      By team
        • Checkout Team: Gold 0 · Silver 0 · Bronze 4 · below Bronze 0
        • Payments Team: Gold 0 · Silver 0 · Bronze 4 · below Bronze 0
        • Identity: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0
        • Platform: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0
        • SRE: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0"
    `);
  });

  it('answers --changes on a service with how to use it, as a usage problem (wayfinder run exits 2)', async () => {
    const answer = await runCommandLine(sc.context, '/scorecard payments-api --changes');
    expect(answer.outcome).toBe('invalid');
    expect(renderText(answer, { color: false })).toContain("--changes pages a team's or the org's lists");
  });

  it('means the team when a Group and a System share a name, and says how to ask for the System', async () => {
    const answer = await runCommandLine(sc.context, '/scorecard payments');
    const text = renderText(answer, { color: false });
    expect(answer.outcome).toBeUndefined();
    expect(text.split('\n').slice(0, 8).join('\n')).toMatchInlineSnapshot(`
      "Payments Team: scorecards
      ─────────────────────────

      4 entities scored, owned by Payments Team

      payments also names the System Payments: /scorecard system:payments. A team wins a name it shares.

        → system:payments: /scorecard system:default/payments"
    `);
    // The button asks for the System by its full ref.
    const buttons = answer.blocks.flatMap((block) => (block.type === 'actions' ? block.buttons : []));
    expect(buttons).toEqual([
      { label: 'system:payments', action: 'run', command: '/scorecard system:default/payments' },
    ]);
    expect(await ask('/scorecard system:payments')).toBe('No scorecard applies to Payments (System).');
  });

  it("counts a team's entities the same way, in the same word, in /scorecard and in its digest", async () => {
    // This week's history also holds the results of a scorecard since removed, over everything Payments owns.
    await evaluateAndStore({ store: sc.store, scorecards: sc.scorecards, period: '2026-W49', today: '2026-11-30' });
    const owned = await sc.source.evaluate({ ownerRefs: ['group:default/payments'] });
    await sc.store.saveResults({
      period: '2026-W49',
      results: [
        ...new Set(owned.map((result) => result.entityRef)),
        'api:default/payments-rest',
        'api:default/payment-events',
        'resource:default/payments-db',
        'resource:default/ledger-db',
        'system:default/payments',
      ].map((entityRef) => ({
        entityRef,
        entityName: entityRef,
        ownerRef: 'group:default/payments',
        scorecardId: 'removed-scorecard',
        level: 0,
        score: 100,
        outcomes: {},
      })),
    });
    const teams = new Map((await sc.store.teamChannels()).map((team) => [team.ref, team]));
    const digest = await composeDelivery(
      { scorecards: sc.scorecards, store: sc.store, logger: createLogger({ level: 'error' }) },
      { teamRef: 'group:default/payments', channel: '#payments-team', period: '2026-W49' },
      teams,
    );
    const digestText = renderText(digest.message, { color: false });
    const answer = await ask('/scorecard group:payments');
    const scope = (text: string) => text.split('\n').find((line) => line.includes('scored'));
    expect(scope(answer)).toBe('4 entities scored, owned by Payments Team');
    expect(scope(digestText)).toBe(scope(answer));
    // Each scorecard's level counts add up to the number it is said to apply to.
    for (const text of [answer, digestText]) {
      for (const line of text.split('\n').filter((candidate) => / entities: Gold/.test(candidate))) {
        const total = Number(/, (\d+) entities:/.exec(line)?.[1]);
        const sum = [...line.matchAll(/ (\d+)(?= ·|$)/g)].reduce((acc, match) => acc + Number(match[1]), 0);
        expect(sum, line).toBe(total);
      }
    }
    await sc.database.db.execute(sql`delete from scorecard_results`);
  });

  it('stores results per entity, scorecard and week, and reads last week back as history', async () => {
    const lastWeek = await evaluateAndStore({
      store: sc.store,
      scorecards: sc.scorecards,
      period: '2026-W48',
      today: '2026-11-23',
    });
    expect(lastWeek.results).toBeGreaterThan(0);
    const history = await sc.store.history({ period: '2026-W48' });
    expect(history).toHaveLength(lastWeek.results);
    expect(await sc.store.history({ period: '2026-W47' })).toEqual([]);
  });
});
