// `npm test`: lint, typecheck, unit/contract/integration tests (vitest) and end-to-end tests (Playwright),
// then one summary with the counts and every skip reason. Exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildIfStale } from './lib/build';
import { requireSupportedNode } from './lib/node-version';

const root = path.resolve(__dirname, '..');
requireSupportedNode(root);
const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });

interface StepResult {
  name: string;
  ok: boolean;
  passed: number;
  failed: number;
  skipped: number;
  skips: string[];
}

const bin = (pkg: string, file: string) => path.join(root, 'node_modules', pkg, file);
function run(name: string, args: string[], env: Record<string, string> = {}): boolean {
  process.stdout.write(`\n=== ${name}\n`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

const steps: StepResult[] = [];
const plain = (name: string, ok: boolean): StepResult => ({ name, ok, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, skips: [] });

steps.push(plain('lint', run('lint', [bin('eslint', 'bin/eslint.js'), '.'])));
steps.push(
  plain(
    'typecheck',
    ['node', 'web', 'e2e'].every((project) => run(`typecheck (${project})`, [bin('typescript', 'bin/tsc'), '-p', `tsconfig.${project}.json`])),
  ),
);

// The app, built once (electron-vite): the bundle-shape tests, the harnesses and the end-to-end setup then find
// out/ current (scripts/lib/build.ts) instead of building it again, and never while another test reads it.
process.stdout.write('\n=== build\n');
steps.push(plain('build', buildOk()));

// vitest
const vitestJson = path.join(results, 'vitest.json');
fs.rmSync(vitestJson, { force: true });
const vitestOk = run('unit, contract and integration tests (vitest)', [bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile=${vitestJson}`]);
steps.push(readVitest(vitestOk));

// Playwright (web harness in Chromium; Electron where its binary exists)
const e2eJson = path.join(results, 'e2e-results.json');
fs.rmSync(e2eJson, { force: true });
const e2eOk = run('end-to-end tests (Playwright)', [bin('@playwright/test', 'cli.js'), 'test']);
steps.push(readPlaywright(e2eOk));

process.stdout.write('\n=== summary\n');
for (const s of steps) {
  process.stdout.write(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name.padEnd(10)} passed ${s.passed}, failed ${s.failed}, skipped ${s.skipped}\n`);
  for (const reason of s.skips) process.stdout.write(`     skipped: ${reason}\n`);
}
const total = steps.reduce((t, s) => ({ passed: t.passed + s.passed, failed: t.failed + s.failed + (s.ok ? 0 : s.failed === 0 ? 1 : 0), skipped: t.skipped + s.skipped }), { passed: 0, failed: 0, skipped: 0 });
process.stdout.write(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exit(steps.every((s) => s.ok) ? 0 : 1);

function readVitest(ok: boolean): StepResult {
  const step: StepResult = { name: 'vitest', ok, passed: 0, failed: 0, skipped: 0, skips: [] };
  if (!fs.existsSync(vitestJson)) return { ...step, ok: false };
  const report = JSON.parse(fs.readFileSync(vitestJson, 'utf8'));
  step.passed = report.numPassedTests;
  step.failed = report.numFailedTests;
  step.skipped = report.numPendingTests + report.numTodoTests;
  for (const file of report.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'skipped' || test.status === 'pending') step.skips.push(`${test.fullName}${test.meta?.skipReason ? ` — ${test.meta.skipReason}` : ''}`);
    }
  }
  return step;
}

function readPlaywright(ok: boolean): StepResult {
  const step: StepResult = { name: 'e2e', ok, passed: 0, failed: 0, skipped: 0, skips: [] };
  if (!fs.existsSync(e2eJson)) return { ...step, ok: false };
  const report = JSON.parse(fs.readFileSync(e2eJson, 'utf8'));
  step.passed = report.stats.expected;
  step.failed = report.stats.unexpected + (report.stats.flaky ?? 0);
  step.skipped = report.stats.skipped;
  const reasons = new Set<string>();
  const visit = (suite: { specs?: unknown[]; suites?: unknown[] }, project?: string) => {
    for (const spec of (suite.specs ?? []) as { title: string; tests: { projectName: string; status: string; annotations: { type: string; description?: string }[] }[] }[]) {
      for (const test of spec.tests) {
        if (test.status !== 'skipped') continue;
        const why = test.annotations.find((a) => a.type === 'skip')?.description ?? 'no reason given';
        reasons.add(`[${test.projectName ?? project}] ${why}`);
      }
    }
    for (const child of (suite.suites ?? []) as { specs?: unknown[]; suites?: unknown[] }[]) visit(child, project);
  };
  for (const suite of report.suites ?? []) visit(suite);
  step.skips = [...reasons];
  return step;
}

function buildOk(): boolean {
  try {
    process.stdout.write(`out/ ${buildIfStale({ logLevel: 'warn' })}\n`);
    return true;
  } catch (error) {
    process.stderr.write(`${String(error)}\n`);
    return false;
  }
}
