import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TILL_API_KEYS } from '../../../src/shared/channels';
import { contentSecurityPolicy } from '../../../src/main/security/csp';
import { electronAppArgs, findElectronBinary } from '../../../scripts/lib/electron-binary';
import { startSecretService } from '../../support/secret-service';

// The real desktop app, started the way `npm start` starts it (the project folder), with a throwaway user-data
// folder. Runs where Electron's binary exists (CI); reports itself skipped, with the reason, where it does not.
const root = path.resolve(__dirname, '../../..');
const binary = findElectronBinary(root);
const missing = 'missing' in binary ? binary.missing : undefined;
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

test.describe('Electron app', () => {
  test.skip(!!missing, missing ?? '');
  let app: ElectronApplication;
  let page: Page;
  let userData: string;
  let keyring: Awaited<ReturnType<typeof startSecretService>> | undefined;

  test.beforeAll(async () => {
    expect(fs.existsSync(path.join(root, 'out', 'main', 'index.js')), 'the app is built (npm run build)').toBe(true);
    userData = fs.mkdtempSync(path.join(os.tmpdir(), 'till-electron-e2e-'));
    const env = { ...process.env, TILL_USER_DATA_DIR: userData, TILL_EPOS_PORT: '0', TILL_TRAINING_SIM_SPEED: '10' } as Record<string, string>;
    delete env['ELECTRON_RUN_AS_NODE'];
    delete env['ELECTRON_RENDERER_URL'];
    // Linux: a private, unlocked Secret Service (the runner's own keyring, if D-Bus can activate one, is locked and
    // would hold the app's first keychain write on a prompt nobody answers under Xvfb).
    if (process.platform === 'linux') {
      keyring = await startSecretService();
      if ('address' in keyring) env['DBUS_SESSION_BUS_ADDRESS'] = keyring.address;
    }
    app = await electron.launch({ executablePath: 'path' in binary ? binary.path : undefined, args: electronAppArgs(root), cwd: root, env });
    page = await app.firstWindow();
  });
  test.afterAll(async () => {
    await app?.close();
    if (keyring && 'stop' in keyring) keyring.stop();
    // Windows: Chromium's helper processes may hold files in the folder for a moment after the app has exited.
    fs.rmSync(userData, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  test('started with the project folder: the app knows its name, version, path and its own user-data folder', async () => {
    const facts = await app.evaluate(({ app }) => ({ name: app.getName(), version: app.getVersion(), appPath: app.getAppPath(), userData: app.getPath('userData') }));
    expect(facts).toEqual({ name: pkg.productName, version: pkg.version, appPath: root, userData });
    expect(fs.existsSync(path.join(userData, 'journal-training.sqlite'))).toBe(true);
  });

  test('the window runs sandboxed, isolated and without Node, at app://bundle', async () => {
    // getLastWebPreferences is Electron's own (untyped) read-back of the preferences the renderer really got.
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences?: () => unknown };
      return contents.getLastWebPreferences?.() ?? null;
    });
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(page.url()).toMatch(/^app:\/\/bundle\//);
  });

  test('app://bundle sends the production CSP, and the page cannot eval', async () => {
    const header = await app.evaluate(async ({ net }) => (await net.fetch('app://bundle/index.html')).headers.get('content-security-policy'));
    expect(header).toBe(contentSecurityPolicy('production'));
    expect(await page.evaluate(() => {
      try {
        return eval('"allowed"');
      } catch {
        return 'blocked';
      }
    })).toBe('blocked');
  });

  test('window.till exposes exactly the contract methods; app:info and a terminal list come back over IPC', async () => {
    expect(await page.evaluate(() => Object.keys(window.till ?? {}).sort())).toEqual([...TILL_API_KEYS]);
    await expect(page.getByTestId('app-info')).toContainText('electron');
    const terminals = await page.evaluate(() => window.till!.listTerminals());
    expect(terminals).toMatchObject({ ok: true });
    expect((terminals as { data: { terminals: unknown[] } }).data.terminals.length).toBeGreaterThan(0);
  });

  test('no menu bar on Windows and Linux (no Reload or DevTools shortcuts); a minimal one on macOS', async () => {
    const menu = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.items.map((item) => item.label) ?? null);
    if (process.platform === 'darwin') expect(menu).toEqual([pkg.productName, 'Edit']);
    else expect(menu).toBeNull();
  });
});
