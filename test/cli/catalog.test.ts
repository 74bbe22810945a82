/** `wayfinder catalog import | validate | forget | errors`, each a real `bin/wayfinder.js` process. */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  it("validates Backstage's own example catalog whole, counting the URL placeholders it could not read as skipped", async () => {
    const run = await wayfinder(['catalog', 'validate', UPSTREAM]);
    expect(run.stdout.trim()).toBe('68 valid, 0 failed, 3 skipped');
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

  it('explains a wrong action and exits 2', async () => {
    const run = await wayfinder(['catalog', 'imprt', FIXTURE]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown catalog action "imprt"; expected import, validate, sync or errors.');
  });
});
