import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_ARGS, chromiumExecutable } from './tests/support/browser';
import { electronRequirement } from './scripts/lib/electron-binary';
import { freePortBlock } from './scripts/lib/free-port-block';

// Where the workflows require Electron (TILL_REQUIRE_ELECTRON=1), a missing binary fails the run instead of
// letting the Electron project skip itself.
const electron = electronRequirement();
if ('fail' in electron) throw new Error(electron.fail);

// One harness for the whole run, on loopback ports free at the start (or TILL_E2E_PORT and the two after it), with a
// per-run token and a fresh data folder. Set in process.env, so Playwright's workers read the same values.
process.env['TILL_E2E_PORT'] ??= String(freePortBlock(3));
const port = Number(process.env['TILL_E2E_PORT']);
const simPort = port + 1;
process.env['TILL_E2E_SIM_URL'] ??= `http://127.0.0.1:${simPort}`;
process.env['TILL_E2E_EPOS_URL'] ??= `http://127.0.0.1:${port + 2}`;
process.env['TILL_E2E_TOKEN'] ??= `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
process.env['TILL_E2E_DATA_DIR'] ??= fs.mkdtempSync(path.join(os.tmpdir(), 'till-e2e-'));
const token = process.env['TILL_E2E_TOKEN'];
const executablePath = chromiumExecutable();

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // A generous upper bound, not a performance goal: CI shares two cores with other work, and the longest tests
  // (a flow plus accessibility scans) take half a minute there. Tests wait for states, never for the clock.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-results.json' }]],
  use: { baseURL: `http://127.0.0.1:${port}`, trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: [
    {
      name: 'web',
      testDir: 'tests/e2e/web',
      use: { browserName: 'chromium', locale: 'en-GB', timezoneId: 'Europe/London', launchOptions: { args: CHROMIUM_ARGS, ...(executablePath ? { executablePath } : {}) } },
    },
    { name: 'electron', testDir: 'tests/e2e/electron' },
  ],
  webServer: {
    // The token goes by environment, never on the command line (where `ps` shows it).
    command: `node node_modules/tsx/dist/cli.mjs scripts/dev-web.ts --port ${port} --data-dir ${process.env['TILL_E2E_DATA_DIR']}`,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    // Training mode on a simulator 10x faster than life, on a fixed port so tests can steer it (/__sim). The EPOS
    // token is the app's own (tests read it with the supervisor PIN, like a person would, and can replace it). The
    // folder exchange's commit step is shortened to 2 s so a missing commit shows within the test.
    env: { TILL_HARNESS_TOKEN: token, TILL_TRAINING_SIM_SPEED: '10', TILL_TRAINING_SIM_PORT: String(simPort), TILL_EPOS_PORT: String(port + 2), TILL_EXCHANGE_COMMIT_TIMEOUT_MS: '2000' },
  },
});
