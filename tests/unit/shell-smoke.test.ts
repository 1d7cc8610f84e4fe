import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, smokeBundle } from '../support/fake-electron';

// `--smoke-test` on the fake electron: everything up to the page runs for real here (keytar loaded and asked,
// the services on a temporary folder with the journal and the built-in simulator, app://bundle and its CSP
// header through the real protocol handler). The page checks need Electron itself (CI: tests/e2e/electron/
// smoke.spec.ts and the packaged smoke test); here the fake has no page, so this also proves that one failed
// check makes the whole run fail with exit code 1.
vi.mock('electron', async () => (await import('../support/fake-electron')).electron);
const { launch } = await import('../../src/main/electron/entry');

const root = path.resolve(__dirname, '../..');
let bundle: string;
beforeEach(() => {
  bundle = smokeBundle();
});
afterEach(() => fs.rmSync(bundle, { recursive: true, force: true }));

describe('--smoke-test', () => {
  it('runs keytar, the services and app://bundle for real, reports each check, and exits 1 when any check fails', async () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk, ...rest) => {
      lines.push(String(chunk));
      (rest.find((a) => typeof a === 'function') as (() => void) | undefined)?.(); // written, as a stream says
      return true;
    });
    fake.app.isPackaged = true;
    fake.app.appPath = root;
    launch({ argv: ['/opt/Till Companion/till-companion', '--smoke-test'], platform: 'linux', env: {}, defaultApp: false, bundleDir: path.join(bundle, 'main') });
    const userData = fake.app.getPath('userData');
    expect(userData.startsWith(path.join(os.tmpdir(), 'till-smoke-'))).toBe(true);
    await fake.becomeReady();
    await vi.waitFor(() => expect(fake.app.exitCode).toBeDefined(), { timeout: 30_000 });
    write.mockRestore();
    const report = JSON.parse(lines.find((l) => l.startsWith('{"smoke"'))!);
    expect(report).toMatchObject({ smoke: 'failed', packaged: true, variantId: 'default' });
    expect(report.checks.menu).toBe('none');
    expect(report.checks.keytar).toMatch(/^loaded; /);
    expect(report.checks.services).toMatch(/^training: journal open, \d+ terminals over net\.fetch, EPOS API at http:\/\/127\.0\.0\.1:\d+/);
    expect(report.checks.csp).toBe('app://bundle sends the production CSP');
    expect(report.problems).toEqual(['window: the fake electron runs no page']);
    expect(fake.app.exitCode).toBe(1);
    expect(fake.errorBoxes).toEqual([]); // no dialog: nobody is there to answer it
    expect(fs.existsSync(userData)).toBe(false);
  });

  it('on Windows the temporary folder cannot be removed while Electron runs: the report still comes out, nothing turns fatal', async () => {
    // Chromium keeps its profile files (Cookies, Local State…) open without FILE_SHARE_DELETE until the process
    // exits, so deleting the smoke test's user-data folder from inside the app fails with EBUSY/EPERM there.
    const lines: string[] = [];
    const errors: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk, ...rest) => {
      lines.push(String(chunk));
      (rest.find((a) => typeof a === 'function') as (() => void) | undefined)?.();
      return true;
    });
    const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (errors.push(String(chunk)), true));
    const realRm = fs.rmSync;
    const rm = vi.spyOn(fs, 'rmSync').mockImplementation((target, options) => {
      if (/till-smoke-[^/\\]+$/.test(String(target))) throw Object.assign(new Error(`EBUSY: resource busy or locked, rmdir '${String(target)}'`), { code: 'EBUSY' });
      return realRm(target, options);
    });
    try {
      fake.app.isPackaged = true;
      fake.app.appPath = root;
      launch({ argv: ['C:\\Program Files\\Till Companion\\Till Companion.exe', '--smoke-test'], platform: 'linux', env: {}, defaultApp: false, bundleDir: path.join(bundle, 'main') });
      const userData = fake.app.getPath('userData');
      await fake.becomeReady();
      await vi.waitFor(() => expect(fake.app.exitCode).toBeDefined(), { timeout: 30_000 });
      rm.mockRestore();
      fs.rmSync(userData, { recursive: true, force: true });
    } finally {
      rm.mockRestore();
      write.mockRestore();
      writeErr.mockRestore();
    }
    const line = lines.find((l) => l.startsWith('{"smoke"'));
    expect(line, `no report; stderr: ${errors.join('')}`).toBeDefined();
    const report = JSON.parse(line!);
    // Every check that could run here ran and passed; only the page check (no page in the fake) failed.
    expect(Object.keys(report.checks).sort()).toEqual(['csp', 'keytar', 'menu', 'services']);
    expect(report.problems).toEqual(['window: the fake electron runs no page']);
    expect(errors.join('')).not.toContain('fatal error');
    expect(fake.app.exitCode).toBe(1);
  });
});
