#!/usr/bin/env node
/**
 * Fails when src/db/schema.ts has changes that no migration in migrations/ carries (STYLE.md rule 14).
 *
 * It runs `drizzle-kit generate` against a scratch copy of migrations/, so the repository is never touched, and
 * fails when that produced a new migration. The schema path and dialect repeat drizzle.config.ts (plain node cannot
 * import a TypeScript config); keep them in step.
 *
 * Exit codes: 0 up to date, 1 a migration is missing, 2 drizzle-kit itself failed.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const drizzleKit = join(root, 'node_modules', 'drizzle-kit', 'bin.cjs');
const scratch = mkdtempSync(join(tmpdir(), 'wayfinder-migrations-'));

try {
  cpSync(join(root, 'migrations'), scratch, { recursive: true });
  const before = new Set(readdirSync(scratch));
  const result = spawnSync(
    process.execPath,
    [
      drizzleKit,
      'generate',
      '--dialect=postgresql',
      '--schema=./src/db/schema.ts',
      // drizzle-kit reads --out relative to the working directory.
      `--out=${relative(root, scratch)}`,
      '--name=ci-check',
    ],
    // No stdin: if drizzle-kit would ask a question (a rename?), it must fail here rather than wait.
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  );
  if (result.status !== 0) {
    console.error(result.stdout, result.stderr, result.error ?? '');
    console.error('check-migrations: drizzle-kit generate failed (see above).');
    process.exit(2);
  }
  const added = readdirSync(scratch).filter((file) => file.endsWith('.sql') && !before.has(file));
  if (added.length > 0) {
    console.error('src/db/schema.ts has changes that no migration in migrations/ carries. drizzle-kit would add:\n');
    for (const file of added) {
      console.error(`-- ${file}\n${readFileSync(join(scratch, file), 'utf8')}\n`);
    }
    console.error(
      'Run `npm run db:generate`, review the new file in migrations/, and commit it with the schema change.',
    );
    process.exit(1);
  }
  console.log('Migrations are up to date with src/db/schema.ts.');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
