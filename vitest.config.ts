import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/e2e/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Hang guards, not budgets: no test may fail because a loaded CI machine is slow. Speed is
    // measured in bench/, never asserted here.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
