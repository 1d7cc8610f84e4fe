import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, resetFakeElectron } from '../support/fake-electron';

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
  resetFakeElectron();
  bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'till-smoke-bundle-'));
  fs.mkdirSync(path.join(bundle, 'main'));
  fs.mkdirSync(path.join(bundle, 'renderer'));
  fs.writeFileSync(path.join(bundle, 'renderer', 'index.html'), '<!doctype html><title>till</title>');
  fake.fetch = async (url, init) => {
    if (url.startsWith('app://')) return fake.protocolHandlers.get('app')!(new Request(url));
    if (url.startsWith('file:')) return new Response(fs.readFileSync(fileURLToPath(url)));
    return globalThis.fetch(url, init);
  };
});
afterEach(() => fs.rmSync(bundle, { recursive: true, force: true }));

describe('--smoke-test', () => {
  it('runs keytar, the services and app://bundle for real, reports each check, and exits 1 when any check fails', async () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
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
});
