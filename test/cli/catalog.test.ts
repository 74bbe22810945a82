/** `wayfinder catalog import | validate | forget | errors`, each a real `bin/wayfinder.js` process. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHubApi } from '../fakes/github-api.ts';
import { CHILD_PROCESS_TIMEOUT_MS, runWayfinder } from '../helpers/cli.ts';
import { createIsolatedDatabaseEnv } from '../helpers/database.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/catalog/cli', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../fixtures/catalog/backstage-example', import.meta.url));
const UPSTREAM = fileURLToPath(new URL('../fixtures/catalog/backstage-upstream', import.meta.url));
/** A directory of YAML that is not a catalog (a Helm chart's values). */
const NO_DESCRIPTORS = fileURLToPath(new URL('../fixtures/catalog/no-descriptors', import.meta.url));
const ONLY_SKIPPED = fileURLToPath(new URL('../fixtures/catalog/only-skipped', import.meta.url));

let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
beforeEach(async () => {
  isolated = await createIsolatedDatabaseEnv();
});
afterEach(() => isolated.remove());

const wayfinder = (args: string[], env: Record<string, string> = {}) =>
  runWayfinder(args, { env: { LOG_LEVEL: 'warn', ...isolated.env, ...env } });

describe('wayfinder catalog', { timeout: CHILD_PROCESS_TIMEOUT_MS }, () => {
  it('imports what is new, then writes nothing for unchanged files, and exits 1 when a document failed', async () => {
    const first = await wayfinder(['catalog', 'import', FIXTURE]);
    expect(first.stdout.trim()).toBe('2 created, 0 updated, 0 unchanged, 1 failed, 0 skipped');
    expect(first.stderr).toContain(
      'test/fixtures/catalog/cli/catalog-info.yaml:24: metadata.name: "metadata.name" is not valid; expected a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total but found "Search Indexer".',
    );
    expect(first.code).toBe(1);

    const again = await wayfinder(['catalog', 'import', FIXTURE]);
    expect(again.stdout.trim()).toBe('0 created, 0 updated, 2 unchanged, 1 failed, 0 skipped');

    const errors = await wayfinder(['catalog', 'errors']);
    expect(errors.code).toBe(0);
    expect(errors.stdout).toContain('catalog-info.yaml:24: metadata.name: "metadata.name" is not valid');
    // A missing field is shown at the line of the part of its path that is there (`spec:`).
    expect(errors.stdout).toContain('catalog-info.yaml:25: spec.lifecycle:');
  });

  it('forgets what one root imported, with its errors, and nothing of another root', async () => {
    await wayfinder(['catalog', 'import', FIXTURE, EXAMPLE]);

    const forgot = await wayfinder(['catalog', 'forget', FIXTURE]);
    expect(forgot.stdout.trim()).toBe(`Forgot 2 entities imported from ${FIXTURE}.`);
    expect(forgot.code).toBe(0);
    expect((await wayfinder(['catalog', 'errors'])).stdout.trim()).toBe(
      'No errors: every descriptor imported cleanly.',
    );
    const again = await wayfinder(['catalog', 'import', FIXTURE, EXAMPLE]);
    expect(again.stdout.trim()).toMatch(/^2 created, 0 updated, [1-9]\d* unchanged, 1 failed, 0 skipped$/);

    const unclear = await wayfinder(['catalog', 'forget']);
    expect(unclear.code).toBe(2);
    expect(unclear.stderr).toContain('catalog forget takes a path or --demo (one of them).');
  });

  it('validates without importing, exiting 0 when every document is valid', async () => {
    const valid = await wayfinder(['catalog', 'validate', EXAMPLE]);
    expect(valid.code).toBe(0);
    expect(valid.stdout.trim()).toMatch(/^\d+ valid, 0 failed, 0 skipped$/);

    const invalid = await wayfinder(['catalog', 'validate', FIXTURE]);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout.trim()).toBe('2 valid, 1 failed, 0 skipped');

    const errors = await wayfinder(['catalog', 'errors']);
    expect(errors.stdout.trim()).toBe('No errors: every descriptor imported cleanly.');
  });

  it("validates Backstage's own example catalog whole, counting apart the URL placeholders it could not read", async () => {
    const run = await wayfinder(['catalog', 'validate', UPSTREAM]);
    expect(run.stdout.trim()).toBe('68 valid, 0 failed, 0 skipped, 3 placeholders not read');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'test/fixtures/catalog/backstage-upstream/apis/spotify-api.yaml:1: spec.definition: skipped: Placeholder $text https://github.com/APIs-guru/',
    );
  });

  it('says a path holds no descriptors and exits 1', async () => {
    const run = await wayfinder(['catalog', 'validate', NO_DESCRIPTORS]);
    expect(run.code).toBe(1);
    expect(run.stdout.trim()).toBe('0 valid, 1 failed, 0 skipped');
    expect(run.stderr).toContain(
      `test/fixtures/catalog/no-descriptors: This folder holds no descriptors; expected a catalog-info.yaml`,
    );
  });

  it('fails a path whose every document is skipped, such as a kind with a typo', async () => {
    const run = await wayfinder(['catalog', 'validate', ONLY_SKIPPED]);
    expect(run.code).toBe(1);
    expect(run.stdout.trim()).toBe('0 valid, 0 failed, 1 skipped');
    expect(run.stderr).toContain('Wayfinder does not read kind Componnent');
    expect(run.stderr).toContain('No descriptor here is one Wayfinder reads: every document was skipped');
  });

  it('keeps the demo docs out of a catalog of real teams, and indexes them beside the demo organisation', async () => {
    // WAYFINDER_DEMO unset and nothing inbound: a console user, who gets the demo only in an empty catalog.
    const console = (args: string[]) => wayfinder(args, { LOG_LEVEL: 'info' });
    expect((await console(['catalog', 'import', EXAMPLE])).code).toBe(0);
    const real = await console(['run', '/owner artist-lookup']);
    expect(real.code).toBe(0);
    expect(real.stderr + real.stdout).not.toContain('Indexed the demo docs');
    expect((await console(['docs', 'status'])).stdout).not.toContain('demo:');

    await console(['catalog', 'forget', EXAMPLE]);
    const demo = await console(['run', '/owner payments-api']);
    expect(demo.stderr + demo.stdout).toContain('Indexed the demo docs');
    expect((await console(['docs', 'status'])).stdout).toContain('demo:');

    await console(['catalog', 'forget', '--demo']);
    expect((await console(['docs', 'status'])).stdout).not.toContain('demo:');
  });

  it('purges, at the end of an import, the orphans older than WAYFINDER_ORPHAN_GRACE', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'wayfinder-purge-'));
    try {
      const component = (name: string) =>
        `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: shop\n`;
      await writeFile(path.join(root, 'api.yaml'), component('shop-api'));
      await writeFile(path.join(root, 'cart.yaml'), component('shop-cart'));
      expect((await wayfinder(['catalog', 'import', root])).stdout).toContain('2 created');
      await rm(path.join(root, 'cart.yaml'));
      const orphaning = await wayfinder(['catalog', 'import', root]);
      expect(orphaning.stdout.trim()).toBe('0 created, 0 updated, 1 unchanged, 1 orphaned, 0 failed, 0 skipped');

      const purging = await wayfinder(['catalog', 'import', root], { WAYFINDER_ORPHAN_GRACE: '0m' });
      expect(purging.stdout.trim()).toBe(
        '0 created, 0 updated, 1 unchanged, 0 failed, 0 skipped, 1 purged (orphaned longer than WAYFINDER_ORPHAN_GRACE)',
      );
      const gone = await wayfinder(['run', '/service shop-cart'], { WAYFINDER_DEMO: 'false' });
      expect(gone.stdout).toContain('No entity named');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('says in one line that GitHub refused the token or access, or that the rate limit is used up, and what to do', async () => {
    const github = await startFakeGitHubApi({ token: 'ghp_good' });
    try {
      const refused = await wayfinder(['catalog', 'sync'], {
        GITHUB_ORG: 'acme',
        GITHUB_TOKEN: 'ghp_bad',
        GITHUB_API_URL: github.url,
        LOG_LEVEL: 'debug',
      });
      expect(refused.code).toBe(1);
      const lastLine = refused.stderr.trim().split('\n').at(-1);
      expect(lastLine).toBe('GitHub refused the credentials (401: Bad credentials); check GITHUB_TOKEN.');
      expect(refused.stderr).not.toContain('Wayfinder failed');
      expect(refused.stderr).not.toMatch(/^\s+at /m);

      const sync = (env: Record<string, string> = {}) =>
        wayfinder(['catalog', 'sync'], {
          GITHUB_ORG: 'acme',
          GITHUB_TOKEN: 'ghp_good',
          GITHUB_API_URL: github.url,
          ...env,
        });
      github.failWith({ path: /^\/orgs\/acme\/repos/, status: 403 });
      const forbidden = await sync();
      expect(forbidden.stderr.trim()).toMatch(
        /^GitHub refused access \(403[^)]*\); check that GITHUB_TOKEN may read the organisation and its repositories\.$/,
      );

      github.setRateLimit({ remaining: 0 });
      const limited = await sync();
      // The client's warning is logged first; the command's own answer is the last line.
      expect(limited.stderr.trim().split('\n').at(-1)).toMatch(
        /^GitHub's rate limit is used up for these credentials; it resets at \d\d:\d\d UTC\. Try again then\.$/,
      );
    } finally {
      await github.close();
    }
  });

  it('explains a wrong action and exits 2', async () => {
    const run = await wayfinder(['catalog', 'imprt', FIXTURE]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown catalog action "imprt"; expected import, validate, sync, forget or errors.');
  });
});
