import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file opens its own database (an in-memory PGlite, or a fresh database on the server).
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
