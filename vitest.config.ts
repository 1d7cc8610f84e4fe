import os from 'node:os';
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
    // Most files spend their time waiting (on an accelerated simulator, sockets, child processes, Wine), not
    // computing: on a 2-core machine vitest's default (cores - 1 = one file at a time) left the CPU idle for most
    // of the run. Three files at a time overlap those waits; more cores get their usual share.
    maxWorkers: Math.max(3, os.availableParallelism() - 1),
  },
});
