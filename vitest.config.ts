import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // On PGlite, one migrated database dumped once per run; each test file's database starts from it.
    globalSetup: ['test/setup/pglite-snapshot.ts'],
    // Each test file opens its own database (an in-memory PGlite, or a fresh database on the server).
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
