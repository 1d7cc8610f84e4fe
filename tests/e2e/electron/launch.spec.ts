import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import path from 'node:path';
import { TILL_API_KEYS } from '../../../src/shared/channels';
import { findElectronBinary } from '../../../scripts/lib/electron-binary';

const binary = findElectronBinary();
const missing = 'missing' in binary ? binary.missing : undefined;

test.describe('Electron app', () => {
  test.skip(!!missing, missing ?? '');
  let app: ElectronApplication;

  test.beforeAll(async () => {
    const env = { ...process.env } as Record<string, string>;
    delete env['ELECTRON_RUN_AS_NODE'];
    app = await electron.launch({
      executablePath: 'path' in binary ? binary.path : undefined,
      args: [path.resolve('out/main/index.js'), ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env,
    });
  });
  test.afterAll(() => app?.close());

  test('the window runs sandboxed, isolated and without Node', async () => {
    const page = await app.firstWindow();
    // getLastWebPreferences is Electron's own (untyped) read-back of the preferences the renderer really got.
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences?: () => unknown };
      return contents.getLastWebPreferences?.() ?? null;
    });
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(page.url()).toMatch(/^app:\/\/bundle\//);
  });

  test('window.till exposes exactly the contract methods and renders app:info', async () => {
    const page = await app.firstWindow();
    expect(await page.evaluate(() => Object.keys(window.till ?? {}).sort())).toEqual([...TILL_API_KEYS]);
    await expect(page.getByTestId('app-info')).toContainText('electron');
  });
});
