import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/contract/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/renderer/**/*.test.ts'],
    environment: 'node',
    // Generous upper bounds, not performance goals: CI shares two cores with other work. Tests wait for states
    // (polling with their own bounds), never for the clock; these only stop a test that is truly stuck.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
