import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../src/console/render.ts';
import { runCommandLine } from '../../src/core/commands/index.ts';
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

      8 entities owned by Commerce and 2 sub-teams

      Production readiness: Gold 0 · Silver 1 · Bronze 6 · below Bronze 0

        • cart-service: Bronze, 66.7%
        • checkout-web: Bronze, 66.7%
        • fraud-detector: Bronze, 66.7%
        • ledger-service: Bronze, 66.7%
        • order-service: Bronze, 66.7%
        • payments-worker: Bronze, 66.7%
        • payments-api: Silver, 88.9%

      Fixes that would help most
        • Has an on-call rota (Production readiness): would raise 6 services to Silver — Add the pagerduty.com/service-id annotation, or wayfinder.dev/on-call with the rota. How to (https://backstage.io/docs/features/software-catalog/well-known-annotations)
        • Has a tier tag (Production readiness): would raise 1 service to Gold — Tag the entity with its tier (tier-1, tier-2 or tier-3).

      ────────────────────────────────────────

      Security basics: Gold 0 · Silver 0 · Bronze 8 · below Bronze 0

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

      Production readiness: Gold 0 · Silver 2 · Bronze 8 · below Bronze 0

      By team
        • payments: Gold 0 · Silver 1 · Bronze 3 · below Bronze 0
        • checkout: Gold 0 · Silver 0 · Bronze 3 · below Bronze 0
        • identity: Gold 0 · Silver 1 · Bronze 0 · below Bronze 0
        • platform: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0
        • sre: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0

      ────────────────────────────────────────

      Security basics: Gold 0 · Silver 0 · Bronze 11 · below Bronze 0

      By team
        • checkout: Gold 0 · Silver 0 · Bronze 4 · below Bronze 0
        • payments: Gold 0 · Silver 0 · Bronze 4 · below Bronze 0
        • identity: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0
        • platform: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0
        • sre: Gold 0 · Silver 0 · Bronze 1 · below Bronze 0"
    `);
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
