import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWayfinder } from '../helpers/cli.ts';
import { createIsolatedDatabaseEnv } from '../helpers/database.ts';

/** Three Wayfinder processes in one test; each takes tens of seconds to start on a busy 2-core machine. */
const TIMEOUT_MS = 180_000;

let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
let scratch: string;
beforeAll(async () => {
  isolated = await createIsolatedDatabaseEnv();
  scratch = await mkdtemp(path.join(tmpdir(), 'scorecards-cli-'));
});
afterAll(async () => {
  await isolated.remove();
  await rm(scratch, { recursive: true, force: true });
});

const wayfinder = (args: string[], env: Record<string, string> = {}) =>
  runWayfinder(args, { env: { ...isolated.env, ...env }, cwd: scratch, timeoutMs: TIMEOUT_MS });

describe('wayfinder scorecards and digest', () => {
  it(
    'validates scorecard files, naming the file, key path and what was expected, and exits 1; facts need GitHub',
    async () => {
      const dir = path.join(scratch, 'cards');
      await import('node:fs/promises').then((fs) => fs.mkdir(dir));
      await writeFile(
        path.join(dir, 'broken.yaml'),
        'id: broken\ntitle: Broken\nowner: group:default/x\nlevels: [Bronze]\nrules:\n  - id: r\n    level: Gold\n    title: R\n    why: W\n    fix: { text: F }\n    check: { fact: owner.exists, operator: equals, value: true }\n',
      );
      const run = await wayfinder(['scorecards', 'validate'], { WAYFINDER_SCORECARDS_DIR: dir });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(
        'cards/broken.yaml:7:5: rules[0].level: expected one of the levels (Bronze) but found "Gold"',
      );
      expect(run.stdout.trim()).toBe('0 valid, 1 failed');

      // An exemption past its expiry is a warning: the scorecard loads and validate still succeeds.
      const expired = path.join(scratch, 'expired');
      await import('node:fs/promises').then((fs) => fs.mkdir(expired));
      await writeFile(
        path.join(expired, 'old.yaml'),
        'id: old\ntitle: Old\nowner: group:default/x\nlevels: [Bronze]\nrules:\n  - id: r\n    level: Bronze\n    title: R\n    why: W\n    fix: { text: F }\n    check: { fact: owner.exists, operator: equals, value: true }\nexemptions:\n  - { entity: component:default/a, rule: r, reason: Gone, expires: 2020-01-31 }\n',
      );
      const warned = await wayfinder(['scorecards', 'validate'], { WAYFINDER_SCORECARDS_DIR: expired });
      expect(warned.code).toBe(0);
      expect(warned.stderr.trim()).toBe(
        'expired/old.yaml:13:59: warning: exemptions[0]: expired on 2020-01-31: component:default/a is scored on r again. Extend expires, or remove the exemption',
      );
      expect(warned.stdout.trim()).toBe('old: Old, Bronze, 1 rule\n1 valid, 0 failed, 1 warning');

      const typo = await wayfinder(['scorecards', 'validate'], {
        WAYFINDER_SCORECARDS_DIR: path.join(scratch, 'crads'),
      });
      expect(typo.code).toBe(1);
      expect(typo.stderr).toContain('crads holds no scorecard files (or does not exist); expected *.yaml files there.');

      const facts = await wayfinder(['scorecards', 'facts']);
      expect(facts.code).toBe(2);
      expect(facts.stderr).toContain(
        'wayfinder scorecards facts reads GitHub: set GITHUB_ORG and GITHUB_TOKEN (or the GitHub App keys).',
      );
    },
    TIMEOUT_MS,
  );

  it(
    "previews a team's digest with --dry-run: the message as text and the chart as a PNG, posting nothing",
    async () => {
      const out = path.join(scratch, 'preview');
      const imported = await wayfinder([
        'catalog',
        'import',
        fileURLToPath(new URL('../../demo/catalog', import.meta.url)),
      ]);
      expect(imported.code, imported.stderr).toBe(0);
      const run = await wayfinder(['digest', 'run', '--dry-run', '--team', 'payments', '--out', out], {
        WAYFINDER_SCORECARDS_DIR: fileURLToPath(new URL('../../scorecards', import.meta.url)),
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('── #payments-team ──');
      expect(run.stdout).toContain('Payments Team: scorecards, week ');
      expect(run.stdout).toContain('Production readiness, 4 entities: Gold 0 · Silver 1 · Bronze 3 · below Bronze 0');
      const [png] = await readdir(out);
      expect(png).toMatch(/^group_default_payments-\d{4}-W\d{2}\.png$/);
      expect((await readFile(path.join(out, png ?? ''))).subarray(1, 4).toString()).toBe('PNG');
      // A dry run records no delivery.
      const status = await wayfinder(['digest', 'status']);
      expect(status.stdout.trim()).toBe('No digest has run yet.');
    },
    TIMEOUT_MS,
  );

  it(
    'refuses before opening anything: a week after this one, an empty --period, --out without --dry-run, a cron setting out of range',
    async () => {
      const [future, empty, out, cron] = await Promise.all([
        wayfinder(['digest', 'run', '--dry-run', '--period', '2099-W01']),
        wayfinder(['digest', 'run', '--dry-run', '--period', '']),
        wayfinder(['digest', 'run', '--out', 'charts'], {
          SLACK_BOT_TOKEN: 'xoxb-test',
          SLACK_SIGNING_SECRET: 'secret',
        }),
        wayfinder(['start'], {
          SLACK_BOT_TOKEN: 'xoxb-test',
          SLACK_SIGNING_SECRET: 'secret',
          WAYFINDER_DIGEST_CRON: '0 9 * * 8',
        }),
      ]);
      expect(future.code).toBe(2);
      expect(future.stderr).toMatch(
        /--period 2099-W01 has not begun \(this is \d{4}-W\d{2}\); a week's digest is sent/,
      );
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain('--period "" is not a week; expected an ISO week such as 2026-W47.');
      expect(out.code).toBe(2);
      expect(out.stderr).toContain('--out names where --dry-run writes the chart PNGs; add --dry-run');
      expect(cron.code).toBe(2);
      expect(cron.stderr).toContain('WAYFINDER_DIGEST_CRON: "0 9 * * 8" is not a valid cron expression');
      expect(cron.stderr).not.toContain('Claiming template requests failed');
    },
    TIMEOUT_MS,
  );
});
