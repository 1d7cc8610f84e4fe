import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './tests/support/browser';
import { electronRequirement } from './scripts/lib/electron-binary';

// Where the workflows require Electron (TILL_REQUIRE_ELECTRON=1), a missing binary fails the run instead of
// letting the Electron project skip itself.
const electron = electronRequirement();
if ('fail' in electron) throw new Error(electron.fail);

const executablePath = chromiumExecutable();

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  globalSetup: './tests/e2e/global-setup.ts',
  // Two workers, each with its own web harness (till, simulator, EPOS port, data folder: tests/e2e/web/fixtures.ts),
  // each taking whole files; the tests in a file run in order. The tests mostly wait on the simulator and the page,
  // so two overlap well even on a 2-core machine. TILL_E2E_WORKERS=1 runs one file at a time.
  fullyParallel: false,
  workers: Number(process.env['TILL_E2E_WORKERS'] ?? 2),
  retries: 0,
  // A generous upper bound, not a performance goal: CI shares two cores with other work, and the longest tests
  // (a flow plus accessibility scans) take half a minute there. Tests wait for states, never for the clock.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-results.json' }]],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: [
    {
      name: 'web',
      testDir: 'tests/e2e/web',
      use: { browserName: 'chromium', locale: 'en-GB', timezoneId: 'Europe/London', launchOptions: { args: CHROMIUM_ARGS, ...(executablePath ? { executablePath } : {}) } },
    },
    { name: 'electron', testDir: 'tests/e2e/electron' },
  ],
});
