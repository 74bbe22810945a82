import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // On PGlite, one migrated database dumped once per run; each test file's database starts from it.
    globalSetup: ['test/setup/pglite-snapshot.ts'],
    // Each test file opens its own database (an in-memory PGlite, or a fresh database on the server).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Vitest's default (one worker fewer than the cores) runs files one at a time on a 2-core machine, while many
    // of them mostly wait on the Wayfinder processes they start: two at a time halves the suite there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Worker threads rather than a process per test file: the in-process files take about 40% less CPU (measured on
    // test/core and test/db: 106 s against 175 s of user and system time). Tests that need a process start one.
    pool: 'threads',
    // Files that share a worker share its modules, rather than importing every module again per file: on test/core,
    // test/db and test/slack 67 s of CPU against 89 s, the whole PGlite suite 3 min 22 s against 3 min 51 s. Each
    // file still opens its own database, and no test mocks a module or changes process.env, so nothing carries over.
    isolate: false,
  },
});
