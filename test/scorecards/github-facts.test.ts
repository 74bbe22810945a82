/**
 * GitHub facts for scorecards, collected through the real gateway and octokit client from the fake GitHub: each fact
 * from its own endpoint, an unreadable one unknown with the reason (never failing), an unchanged organisation re-read
 * with 304s, and `/scorecard` showing what was collected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../src/console/render.ts';
import { answerCommandLine, answerToMessage } from '../../src/core/commands/index.ts';
import { DrizzleConditionalCache } from '../../src/db/DrizzleConditionalCache.ts';
import { OctokitGitHubGateway } from '../../src/github/OctokitGitHubGateway.ts';
import { createOctokit } from '../../src/github/octokit.ts';
import { collectGitHubFacts, describeFactsSummary } from '../../src/scorecards/collect-facts.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';
import { openScorecardCatalog, type ScorecardCatalog } from './setup.ts';

const NOW = new Date('2026-11-30T10:00:00Z');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let sc: ScorecardCatalog;
let github: FakeGitHubApi;
let gateway: OctokitGitHubGateway;

beforeAll(async () => {
  sc = await openScorecardCatalog({ now: NOW });
  github = await startFakeGitHubApi({ token: 'ghp_facts' });
  // The demo's repositories (github.com/project-slug): payments-api is well kept, ledger is not, identity is gone.
  github.addRepos(
    {
      fullName: 'acme/payments-api',
      files: {
        'README.md': '# Payments API\n',
        '.github/CODEOWNERS': '* @acme/payments\n',
        '.github/workflows/ci.yml': 'on: push\n',
      },
    },
    { fullName: 'acme/ledger', defaultBranch: 'trunk', files: { 'src/index.ts': '' } },
    ...['cart-service', 'checkout-web', 'order-service', 'payments-worker'].map((name) => ({
      fullName: `acme/${name}`,
      files: { 'readme.md': `# ${name}\n` },
    })),
  );
  github.setRepositoryFacts({
    fullName: 'acme/payments-api',
    branchProtection: true,
    dependabotAlerts: [{ severity: 'high' }, { severity: 'low' }],
    lastCommitAt: '2026-11-20T09:00:00Z',
  });
  github.setRepositoryFacts({
    fullName: 'acme/ledger',
    rulesetRules: ['pull_request'],
    dependabotAlerts: 'disabled',
    lastCommitAt: '2025-11-30T10:00:00Z',
  });
  gateway = new OctokitGitHubGateway({
    octokit: createOctokit({
      auth: { token: 'ghp_facts' },
      logger: quiet,
      apiUrl: github.url,
      retries: 0,
      writeIntervalMs: 0,
    }),
    cache: new DrizzleConditionalCache({ db: sc.database.db }),
  });
});
afterAll(async () => {
  await github?.close();
  await sc?.close();
});

const collect = () => collectGitHubFacts({ store: sc.store, gateway, now: () => NOW });

async function factsOf(ref: string) {
  const [row] = await sc.store.readFacts({ refs: [ref] });
  return Object.fromEntries(
    [...(row?.facts ?? new Map())]
      .filter(([name]) => name.startsWith('github.'))
      .map(([name, reading]) => [name, reading.status === 'known' ? reading.value : `unknown: ${reading.reason}`]),
  );
}

describe('GitHub facts for scorecards', () => {
  it('reads each fact of each repository once, whatever entities it holds, and stores what it read', async () => {
    const summary = await collect();

    expect(summary.repositories).toBe(7);
    expect(await factsOf('component:default/payments-api')).toEqual({
      'github.readme': true,
      'github.codeowners': true,
      'github.branch-protection': true,
      'github.ci': true,
      'github.dependabot.critical': 0,
      'github.dependabot.high': 1,
      'github.days-since-commit': 10,
    });
    expect(await factsOf('component:default/ledger-service')).toEqual({
      'github.readme': false,
      'github.codeowners': false,
      // No classic protection, but a ruleset applies to the default branch (trunk).
      'github.branch-protection': true,
      'github.ci': false,
      'github.dependabot.critical': expect.stringMatching(
        /^unknown: GitHub would not show the Dependabot alerts \(403\): the feature is off for the repository, or the credentials lack the permission to read it$/,
      ),
      'github.dependabot.high': expect.stringMatching(/^unknown: GitHub would not show the Dependabot alerts/),
      'github.days-since-commit': 365,
    });
    // A repository GitHub does not have: every GitHub fact unknown, with the reason.
    expect(Object.values(await factsOf('component:default/identity-service'))).toEqual(
      Array(7).fill('unknown: GitHub has no repository acme/identity (or the credentials cannot see it)'),
    );
    expect(describeFactsSummary(summary)).toMatch(
      /^Collected GitHub facts of \d+ entities in 7 repositories; 9 unknown:\n {2}7× GitHub has no repository acme\/identity \(/,
    );
  });

  it('re-reads an unchanged organisation with 304s only, and sees a change', async () => {
    await collect();
    github.resetLog();
    await collect();
    const gets = github.log.filter((entry) => entry.method === 'GET');
    expect(gets.length).toBeGreaterThan(0);
    expect(gets.every((entry) => entry.status === 304 || entry.status === 404 || entry.status === 403)).toBe(true);

    github.setFile({ repo: 'acme/ledger', path: 'CODEOWNERS', text: '* @acme/finance\n' });
    await collect();
    expect((await factsOf('component:default/ledger-service'))['github.codeowners']).toBe(true);
  });

  it('stops at the first repository when GitHub cannot be reached, and says so in one line', async () => {
    const closed = await startFakeGitHubApi({ token: 'ghp_facts' });
    const url = closed.url;
    await closed.close();
    const unreachable = new OctokitGitHubGateway({
      octokit: createOctokit({ auth: { token: 'ghp_facts' }, logger: quiet, apiUrl: url, retries: 0 }),
      cache: new DrizzleConditionalCache({ db: sc.database.db }),
    });
    const summary = await collectGitHubFacts({ store: sc.store, gateway: unreachable, now: () => NOW });

    expect(summary.unavailable).toMatch(/^GitHub could not be reached for GET \/repos\/acme\/[a-z-]+ \(/);
    expect(describeFactsSummary(summary)).toMatch(
      /^Could not collect GitHub facts: GitHub could not be reached for GET .+\. Their facts are unknown until GitHub answers; check GITHUB_API_URL and the network\.$/,
    );
    expect((await factsOf('component:default/payments-api'))['github.readme']).toMatch(
      /^unknown: GitHub could not be reached/,
    );
  });

  it('shows collected facts in /scorecard: failing rules with their fix, unknown ones apart with the reason', async () => {
    await collect();
    const text = renderText(await answerToMessage(await answerCommandLine(sc.context, '/scorecard ledger-service')));
    // Protected by a ruleset, with a CODEOWNERS file since the last test; no CI and a year without a commit.
    expect(text).toContain('Security basics: Silver, 60% of known rules pass (2 unknown)');
    expect(text).toContain('  • Builds and tests in CI (Gold):');
    expect(text).toContain('  • Committed to in the last 180 days (Gold):');
    expect(text).toContain(
      '  • No open critical Dependabot alerts: unknown, GitHub would not show the Dependabot alerts (403)',
    );
  });
});
