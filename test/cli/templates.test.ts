import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHILD_PROCESS_TIMEOUT_MS, runWayfinder } from '../helpers/cli.ts';
import { createIsolatedDatabaseEnv } from '../helpers/database.ts';

const SECRET_SAMPLE = fileURLToPath(new URL('../fixtures/templates/backstage/secret-sample', import.meta.url));

let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
beforeAll(async () => {
  isolated = await createIsolatedDatabaseEnv();
});
afterAll(() => isolated.remove());

const wayfinder = (args: string[]) => runWayfinder(args, { env: { LOG_LEVEL: 'warn', ...isolated.env } });

describe('wayfinder templates', () => {
  it(
    'lists the shipped templates, recommended first, and validates a file by path',
    async () => {
      const list = await wayfinder(['templates', 'list']);
      expect(list.code).toBe(0);
      expect(list.stdout.split('\n').map((line) => line.slice(0, 26).trimEnd())).toEqual([
        '★ new-service',
        '★ postgres-database',
        '  storage-bucket',
        '',
      ]);
      const valid = await wayfinder(['templates', 'validate', 'templates/storage-bucket/template.yaml']);
      expect(valid).toMatchObject({
        code: 0,
        stdout: 'template:default/storage-bucket loads: 2 parameter page(s), 3 step(s).\n',
      });
      const refused = await wayfinder(['templates', 'validate', SECRET_SAMPLE]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        'secret-sample/template.yaml cannot be loaded:\n  spec.parameters[0].properties.myKey.ui:field: ui:field Secret is not supported',
      );
    },
    CHILD_PROCESS_TIMEOUT_MS,
  );

  it(
    'previews a template with --set values: the steps, their rendered inputs and the files; an unknown key is bad usage',
    async () => {
      const preview = await wayfinder([
        'templates',
        'preview',
        'new-service',
        '--set',
        'name=orders',
        '--set',
        'owner=group:default/payments',
        '--set',
        'repoUrl=github.com?owner=acme&repo=orders',
      ]);
      expect(preview.stderr).toBe('');
      expect(preview.code).toBe(0);
      expect(preview.stdout).toContain('1. Write the skeleton (fetch:template)');
      expect(preview.stdout).toContain(
        '     writes 4 file(s):\n       .github/workflows/ci.yml\n       catalog-info.yaml\n       Makefile\n       README.md',
      );
      expect(preview.stdout).toContain('"repoContentsUrl": "https://github.com/acme/orders/blob/main"');

      const unknown = await wayfinder(['templates', 'preview', 'new-service', '--set', 'colour=red']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe(
        'colour is not a parameter of new-service; expected name, description, owner, language, repoUrl, visibility. See wayfinder --help.\n',
      );
    },
    CHILD_PROCESS_TIMEOUT_MS,
  );

  it(
    'says in a preview which team must approve, by its name and then its ref',
    async () => {
      const preview = await wayfinder([
        'templates',
        'preview',
        'postgres-database',
        '--set',
        'name=orders_db',
        '--set',
        'owner=group:default/payments',
        '--set',
        'environment=production',
      ]);
      // Its pull request step needs GitHub, which this process has not: the preview says so on stderr, after the plan.
      expect(preview.stdout.split('\n').slice(0, 2)).toEqual([
        'Postgres database (template:default/postgres-database)',
        'Needs approval by Platform (group:default/platform).',
      ]);
    },
    CHILD_PROCESS_TIMEOUT_MS,
  );

  it(
    'validates several paths at once, like catalog validate, and fails when one does not load',
    async () => {
      const all = await wayfinder([
        'templates',
        'validate',
        'templates/new-service',
        'templates/postgres-database',
        'templates/storage-bucket',
      ]);
      expect(all).toMatchObject({ code: 0, stderr: '' });
      expect(all.stdout.split('\n').at(-2)).toBe('3 loaded, 0 failed');
      const mixed = await wayfinder(['templates', 'validate', 'templates/new-service', SECRET_SAMPLE]);
      expect(mixed.code).toBe(1);
      expect(mixed.stdout).toContain('template:default/new-service loads');
      expect(mixed.stdout).toContain('1 loaded, 1 failed');
      expect(mixed.stderr).toContain('ui:field Secret is not supported');
    },
    CHILD_PROCESS_TIMEOUT_MS,
  );

  it(
    'quotes what was typed for a number that is not one',
    async () => {
      const preview = await wayfinder(['templates', 'preview', 'postgres-database', '--set', 'storageGb=abc']);
      expect(preview.code).toBe(1);
      expect(preview.stderr).toMatch(/must be a whole number; it is "abc"\./);
    },
    CHILD_PROCESS_TIMEOUT_MS,
  );
});
