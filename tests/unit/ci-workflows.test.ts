import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { load } from 'js-yaml';
import { electronRequirement, REQUIRE_ELECTRON } from '../../scripts/lib/electron-binary';

// The GitHub Actions workflows are checked here, offline, so a broken workflow cannot land: action-validator
// (SchemaStore's workflow schema, compiled to WebAssembly) for the shape, then what this project relies on.
const DIR = '.github/workflows';
const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  env?: Record<string, string>;
  strategy?: { matrix: { include: Record<string, string>[] } };
  steps: Step[];
}
const workflow = (file: string) => load(fs.readFileSync(path.join(DIR, file), 'utf8')) as { on: unknown; jobs: Record<string, Job> };
const allSteps = (file: string) => Object.values(workflow(file).jobs).flatMap((job) => job.steps);

describe('GitHub Actions workflows', () => {
  it('exist: the Linux suite and the desktop builds', () => {
    expect(files.sort()).toEqual(['ci.yml', 'desktop.yml']);
  });

  it.each(files)('%s is a valid workflow (action-validator)', (file) => {
    const result = validateWorkflow(fs.readFileSync(path.join(DIR, file), 'utf8'));
    expect(result.errors).toEqual([]);
  });

  it('the validator does find a broken workflow', () => {
    const text = fs.readFileSync(path.join(DIR, 'ci.yml'), 'utf8');
    expect(validateWorkflow(text.replace('runs-on:', 'run-on:')).errors.length).toBeGreaterThan(0);
    expect(validateWorkflow(text.replace('steps:', 'stepz:')).errors.length).toBeGreaterThan(0);
    expect(validateWorkflow(text.replace('timeout-minutes: 60', 'timeout-minutes: soon')).errors.length).toBeGreaterThan(0);
    expect(validateWorkflow(`${text}\n  second:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v5\n        run: echo both\n`).errors.length).toBeGreaterThan(0);
  });

  it.each(files)('%s runs on push and pull request, on Node 24, with pinned action versions', (file) => {
    expect(Object.keys(workflow(file).on as object).sort()).toEqual(['pull_request', 'push']);
    const steps = allSteps(file);
    expect(steps.filter((s) => s.uses?.startsWith('actions/setup-node')).map((s) => s.with?.['node-version'])).toEqual([24]);
    for (const step of steps.filter((s) => s.uses)) expect(step.uses, step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
  });

  it.each(files)('%s only calls npm scripts that exist', (file) => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync('package.json', 'utf8')).scripts);
    const kinds = Object.values(workflow(file).jobs).flatMap((job) => job.strategy?.matrix.include.map((m) => m['kind']!) ?? []);
    // `dist:${{ matrix.kind }}` stands for each kind in the matrix.
    const called = allSteps(file)
      .flatMap((s) => [...(s.run ?? '').matchAll(/npm (?:run ([\w:-]+(?:\$\{\{ matrix\.kind \}\})?)|test\b)/g)].map((m) => m[1] ?? 'test'))
      .flatMap((name) => (name.includes('${{') ? kinds.map((kind) => name.replace('${{ matrix.kind }}', kind)) : [name]));
    expect(called.length).toBeGreaterThan(0);
    expect(called.filter((name) => !scripts.includes(name))).toEqual([]);
  });

  it('ci.yml runs npm test on Linux under Xvfb with the Electron project required', () => {
    const job = workflow('ci.yml').jobs['test']!;
    expect(job['runs-on']).toBe('ubuntu-latest');
    expect(job.env?.[REQUIRE_ELECTRON]).toBe('1');
    const runs = job.steps.map((s) => s.run ?? '');
    expect(runs).toContain('npx install-electron');
    expect(runs).toContain('xvfb-run --auto-servernum npm test');
  });

  it('desktop.yml: Windows and macOS on both architectures, Electron e2e, dist, packaged smoke test, artifacts', () => {
    const job = workflow('desktop.yml').jobs['desktop']!;
    expect(job.strategy!.matrix.include.map((m) => `${m['kind']}-${m['arch']}`).sort()).toEqual(['mac-arm64', 'mac-x64', 'win-arm64', 'win-x64']);
    expect(job.env?.[REQUIRE_ELECTRON]).toBe('1');
    const runs = job.steps.map((s) => s.run ?? '');
    const order = ['npm ci', 'npx install-electron', 'npm run e2e -- --project electron', 'npm run dist:', 'npm run smoke:packaged'].map((command) => runs.findIndex((r) => r.includes(command)));
    expect(order.every((index, i) => index >= 0 && (i === 0 || index > order[i - 1]!))).toBe(true);
    const uploads = job.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(uploads.map((s) => String(s.with?.['path']))).toEqual([expect.stringContaining('*.exe'), 'test-results/']);
    expect(uploads[1]!.if).toBe('always()');
  });

  it("npm ci runs the install scripts the build needs, whatever npm's policy for unreviewed ones (allowScripts)", () => {
    // npm 11 reviews dependencies' install scripts against package.json `allowScripts`; its own docs announce that
    // unreviewed ones are (or will be) skipped. Skipped, keytar.node would never be built on a runner.
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { allowScripts?: Record<string, boolean> };
    const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));
    const reviewed = Object.keys(pkg.allowScripts ?? {}).map((key) => key.replace(/(.)@.*$/, '$1'));
    expect(withScripts.filter((name) => !reviewed.includes(name))).toEqual([]);
    for (const needed of ['keytar', 'esbuild']) expect(pkg.allowScripts?.[needed], needed).toBe(true);
  });

  it.each(files)('%s takes signing material only from secrets, never as a literal', (file) => {
    for (const step of allSteps(file)) {
      for (const [name, value] of Object.entries(step.env ?? {})) {
        if (/CSC|AZURE|APPLE/.test(name)) expect(String(value), `${step.name}: ${name}`).toMatch(/^\$\{\{.*secrets\.[A-Z0-9_]+.*\}\}$/);
      }
    }
  });
});

describe('the Electron end-to-end requirement', () => {
  const noElectron = fs.mkdtempSync(path.join(os.tmpdir(), 'till-no-electron-'));

  it('skips, with the reason, where the binary is absent and nothing requires it', () => {
    expect(electronRequirement({}, noElectron)).toEqual({ skip: expect.stringContaining("Electron's binary is not installed here") });
  });

  it('fails where the workflow requires Electron and the binary is absent', () => {
    expect(electronRequirement({ [REQUIRE_ELECTRON]: '1' }, noElectron)).toEqual({ fail: expect.stringContaining(`${REQUIRE_ELECTRON}=1 but Electron's binary is not installed here`) });
  });

  it('the Playwright run itself fails when required and absent', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'till-electron-absent-'));
    const env = { ...process.env, [REQUIRE_ELECTRON]: '1', ELECTRON_OVERRIDE_DIST_PATH: empty };
    const run = spawnSync(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', '--list', '--project', 'electron'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).not.toBe(0);
    expect(run.stderr + run.stdout).toContain(`${REQUIRE_ELECTRON}=1 but Electron's binary was expected at`);
  });

  it('runs where the binary is there', () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'till-electron-dist-'));
    const name = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
    fs.mkdirSync(path.dirname(path.join(dist, name)), { recursive: true });
    fs.writeFileSync(path.join(dist, name), '');
    expect(electronRequirement({ [REQUIRE_ELECTRON]: '1', ELECTRON_OVERRIDE_DIST_PATH: dist }, noElectron)).toEqual({ run: path.join(dist, name) });
  });
});
