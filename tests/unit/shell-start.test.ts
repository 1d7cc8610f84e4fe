import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, fake, resetFakeElectron } from '../support/fake-electron';

// The whole start of the desktop app (src/main/electron/entry.ts → app.ts) on a fake electron module, with the
// real services (journal, built-in simulator) behind it. What Electron itself would do is in the fake; what the
// shell does is checked here.
vi.mock('electron', async () => (await import('../support/fake-electron')).electron);
// The shell names Windows folders with path.win32 (tests/unit/paths.test.ts checks them); on this machine such a
// path would be relative, so the folder the shell chose is mapped into the test's own temporary folder.
vi.mock(import('../../src/main/electron/paths'), async (original) => {
  const real = await original();
  return {
    ...real,
    userDataDir: (options) => {
      const chosen = real.userDataDir(options);
      return options.platform === 'win32' ? path.join(options.env['LOCALAPPDATA']!, path.win32.basename(chosen)) : chosen;
    },
  };
});

const { launch } = await import('../../src/main/electron/entry');
const { KeytarSecretStore, loadKeytar } = await import('../../src/main/secrets/keytar-store');
const { createServices } = await import('../../src/main/services');
const { DEFAULT_SETTINGS } = await import('../../src/main/settings/settings-store');
const { TILL_API_KEYS, METHOD_CHANNELS } = await import('../../src/shared/channels');
type Services = Awaited<ReturnType<typeof createServices>>;

const root = path.resolve(__dirname, '../..');
const APP_ID = 'com.tillcompanion.app';

function memoryKeytar() {
  const values = new Map<string, string>();
  return {
    getPassword: async (service: string, account: string) => values.get(`${service}/${account}`) ?? null,
    setPassword: async (service: string, account: string, value: string) => void values.set(`${service}/${account}`, value),
    deletePassword: async (service: string, account: string) => values.delete(`${service}/${account}`),
  };
}

let tmp: string;
let started: Services[];
let updaterChange: ((status: unknown) => void) | undefined;
let errors: EventEmitter;

beforeEach(() => {
  resetFakeElectron();
  fake.fetch = (url, init) => globalThis.fetch(url, init);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'till-shell-'));
  started = [];
  updaterChange = undefined;
  errors = new EventEmitter();
});
afterEach(async () => {
  for (const services of started) await services.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const deps = (overrides: Partial<Parameters<typeof launch>[1] & object> = {}) => ({
  secrets: (service: string) => new KeytarSecretStore(service, () => memoryKeytar()),
  createServices: async (adapters: Parameters<typeof createServices>[0]) => {
    const services = await createServices(adapters);
    started.push(services);
    return services;
  },
  createUpdater: ((_build: unknown, _logger: unknown, _running: unknown, onChange: (status: unknown) => void) => {
    updaterChange = onChange;
    return { start() {}, paymentsChanged() {}, status: () => ({ state: 'disabled' }), install: () => ({ state: 'disabled' }) };
  }) as never,
  ...overrides,
});

/** The user-data folder a packaged Windows till uses, with settings written in it beforehand. */
function windowsTill(settings: Partial<typeof DEFAULT_SETTINGS> = {}) {
  const userData = path.join(tmp, 'Local', APP_ID);
  fs.mkdirSync(userData, { recursive: true });
  // The EPOS API is off here: a packaged build ignores TILL_EPOS_PORT, and 7878 belongs to the machine.
  fs.writeFileSync(path.join(userData, 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, epos: { enabled: false, port: 7878 }, ...settings }));
  return { userData, env: { LOCALAPPDATA: path.join(tmp, 'Local'), APPDATA: path.join(tmp, 'Roaming') } };
}

function start(options: { packaged: boolean; platform?: string; argv?: string[]; env?: Record<string, string>; deps?: ReturnType<typeof deps> }) {
  fake.app.isPackaged = options.packaged;
  fake.app.appPath = root;
  launch(
    {
      argv: options.argv ?? (options.packaged ? ['C:\\Program Files\\Till Companion\\Till Companion.exe'] : ['/usr/bin/electron', '.']),
      platform: options.platform ?? 'win32',
      env: options.env ?? {},
      defaultApp: !options.packaged,
      bundleDir: path.join(root, 'out', 'main'),
      errors,
    },
    options.deps ?? deps(),
  );
}

const theWindow = async () => {
  await vi.waitFor(() => expect(FakeBrowserWindow.getAllWindows()).toHaveLength(1), { timeout: 15_000 });
  return FakeBrowserWindow.getAllWindows()[0]!;
};

describe('a packaged start (item 3: no DevTools, no menu, no debugging switches)', () => {
  it('DevTools cannot open: devTools is off in the window, and opening them anyway closes them', async () => {
    const till = windowsTill();
    start({ packaged: true, env: till.env });
    await fake.becomeReady();
    const window = await theWindow();
    expect(window.options['webPreferences']).toMatchObject({ devTools: false, sandbox: true, contextIsolation: true, nodeIntegration: false });
    window.webContents.openDevTools();
    expect(window.webContents.isDevToolsOpened()).toBe(false);
    // Should anything open them all the same (Electron emits devtools-opened), they are closed at once.
    window.webContents.devToolsOpen = true;
    window.webContents.emit('devtools-opened');
    expect(window.webContents.isDevToolsOpened()).toBe(false);
  });

  it('installs no menu on Windows (no Reload, Close or Toggle Developer Tools shortcuts)', async () => {
    start({ packaged: true, env: windowsTill().env });
    await fake.becomeReady();
    await theWindow();
    expect(fake.menuSet).toBe(true);
    expect(fake.menu).toBeNull();
  });

  it.each([['--remote-debugging-port=9222'], ['--inspect=9229'], ['--remote-debugging-pipe'], ['--inspect-brk'], ['-remote-debugging-port=9222'], ['/Remote-Debugging-Port=9222']])('refuses to start with %s: says so and exits 1, before any window or lock', async (flag) => {
    start({ packaged: true, env: windowsTill().env, argv: ['C:\\Till Companion.exe', flag] });
    await fake.becomeReady();
    expect(fake.app.exitCode).toBe(1);
    expect(fake.errorBoxes[0]!.content).toMatch(/debugging option/);
    expect(fake.app.lockRequests).toBe(0);
    expect(FakeBrowserWindow.all).toHaveLength(0);
  });

  it('from source, DevTools stay available to developers', async () => {
    start({ packaged: false, env: { TILL_USER_DATA_DIR: path.join(tmp, 'dev') } });
    await fake.becomeReady();
    expect((await theWindow()).options['webPreferences'].devTools).toBe(true);
  });
});

describe('the fatal path (item 2)', () => {
  it('a start that fails shows the cashier a dialog without a stack trace, logs the error and exits 1', async () => {
    const till = windowsTill();
    start({ packaged: true, env: till.env, deps: deps({ createServices: async () => Promise.reject(new Error('SQLITE_CANTOPEN: unable to open database file')) }) });
    await fake.becomeReady();
    await vi.waitFor(() => expect(fake.app.exitCode).toBe(1));
    expect(fake.errorBoxes).toHaveLength(1);
    const { title, content } = fake.errorBoxes[0]!;
    expect(title).toBe('Till Companion has to close');
    expect(content).toMatch(/could not start/);
    expect(content).toMatch(/Start the app again/);
    expect(content).not.toMatch(/SQLITE|Error|\bat\s/);
    expect(FakeBrowserWindow.all).toHaveLength(0);
    const logFile = path.join(till.userData, 'logs', 'main.log');
    expect(fs.readFileSync(logFile, 'utf8')).toMatch(/fatal error.*SQLITE_CANTOPEN/);
    if (process.platform !== 'win32') expect(fs.statSync(logFile).mode & 0o777).toBe(0o600);
  });

  it('an uncaught exception or unhandled rejection later on takes the same path (never Electron\'s stack-trace box)', async () => {
    start({ packaged: true, env: windowsTill().env });
    await fake.becomeReady();
    await theWindow();
    errors.emit('unhandledRejection', new Error('poll exploded'));
    errors.emit('uncaughtException', new Error('second one'));
    expect(fake.app.exitCode).toBe(1);
    expect(fake.errorBoxes).toHaveLength(1);
    expect(fake.errorBoxes[0]!.content).toMatch(/stopped because of an unexpected error/);
  });

  it('keytar failing to load is fatal and reported (item 4): no services, no training mode', async () => {
    const createServicesSpy = vi.fn();
    start({
      packaged: true,
      env: windowsTill().env,
      deps: deps({ secrets: (service: string) => new KeytarSecretStore(service, () => loadKeytar(() => { throw new Error('Cannot find module keytar.node'); })), createServices: createServicesSpy as never }),
    });
    await fake.becomeReady();
    await vi.waitFor(() => expect(fake.app.exitCode).toBe(1));
    expect(createServicesSpy).not.toHaveBeenCalled();
    expect(fake.errorBoxes[0]!.content).toMatch(/could not load its keychain component.*reinstall/s);
  });

  it('a second instance gives up the start and the first one comes forward (even before its window exists)', async () => {
    start({ packaged: true, env: windowsTill().env });
    fake.app.emit('second-instance'); // still starting: nothing to show yet, nothing breaks
    await fake.becomeReady();
    const window = await theWindow();
    window.minimized = true;
    fake.app.emit('second-instance');
    expect(window.calls).toEqual(expect.arrayContaining(['restore', 'focus']));
    resetFakeElectron();
    fake.app.lock = false;
    start({ packaged: true, env: windowsTill().env });
    expect(fake.app.quits).toBe(1);
  });
});

describe('where the till keeps its data (items 1, 9, 10)', () => {
  it('packaged on Windows: userData is %LOCALAPPDATA%\\<app id>, set before ready; AppUserModelID is the app id', async () => {
    const till = windowsTill();
    start({ packaged: true, env: till.env });
    expect(fake.app.getPath('userData')).toBe(path.join(tmp, 'Local', APP_ID));
    expect(fake.app.appUserModelId).toBe(APP_ID);
    expect(fake.app.lockRequests).toBe(1); // after userData: Electron keys the lock by that folder
    await fake.becomeReady();
    await theWindow();
    expect(fs.existsSync(path.join(till.userData, 'journal-training.sqlite'))).toBe(true);
    expect(fs.existsSync(path.join(tmp, 'Roaming'))).toBe(false);
  });

  it('from source (npm start, npm run dev): its own folder and so its own single-instance lock', () => {
    start({ packaged: false, platform: 'win32', env: { LOCALAPPDATA: path.join(tmp, 'Local') } });
    expect(fake.app.getPath('userData')).toBe(path.join(tmp, 'Local', `${APP_ID}-dev`));
  });

  it("from source, its own keychain service too: a run from source on a machine with the app installed never reads the till's Dojo key nor rewrites its supervisor seal", async () => {
    const services: string[] = [];
    const tracking = deps({ secrets: (service: string) => (services.push(service), new KeytarSecretStore(service, () => memoryKeytar())) });
    start({ packaged: false, platform: 'win32', env: { LOCALAPPDATA: path.join(tmp, 'Local') }, deps: tracking });
    await fake.becomeReady();
    await theWindow();
    expect(services).toEqual([`${APP_ID}-dev`]);
  });

  it('packaged, the keychain service is the app id (the one the installer and the EPOS command line use)', async () => {
    const services: string[] = [];
    const till = windowsTill();
    start({ packaged: true, env: till.env, deps: deps({ secrets: (service: string) => (services.push(service), new KeytarSecretStore(service, () => memoryKeytar())) }) });
    await fake.becomeReady();
    await theWindow();
    expect(services).toEqual([APP_ID]);
  });

  it('started with a file instead of the folder (app path out/main), it stops with a clear reason', () => {
    fake.app.appPath = path.join(root, 'out', 'main');
    launch({ argv: ['/usr/bin/electron', 'out/main/index.js'], platform: 'linux', env: {}, defaultApp: true, bundleDir: path.join(root, 'out', 'main'), errors }, deps());
    expect(fake.app.exitCode).toBe(1);
    expect(fake.errorBoxes[0]!.content).toMatch(/incomplete/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('a data folder on a network share stops the start (the journal must stay on the till)', async () => {
    const share = path.join(tmp, 'share');
    fs.mkdirSync(share);
    vi.spyOn(fs.realpathSync, 'native').mockReturnValue('\\\\fileserver\\profiles\\till1\\AppData\\Local\\com.tillcompanion.app');
    start({ packaged: true, env: { LOCALAPPDATA: share } });
    vi.restoreAllMocks();
    expect(fake.app.exitCode).toBe(1);
    expect(fake.errorBoxes[0]!.content).toMatch(/network drive/);
  });
});

describe('the window (item 10, issue 15 item 5)', () => {
  it('opens compact beside the EPOS when the settings say so: sized and pinned before it is shown, no jump', async () => {
    start({ packaged: true, env: windowsTill({ compactMode: true }).env });
    await fake.becomeReady();
    const window = await theWindow();
    expect(window.options).toMatchObject({ show: false, alwaysOnTop: true, width: 420, height: 600 });
    expect(window.calls.filter((c) => c === 'setBounds')).toEqual([]);
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
  });

  it('opens at a size that fits a 1024×768 till screen', async () => {
    fake.displays = [{ workArea: { x: 0, y: 0, width: 1024, height: 728 } }];
    start({ packaged: true, env: windowsTill().env });
    await fake.becomeReady();
    const { options } = await theWindow();
    expect(options['width']).toBeLessThanOrEqual(1024);
    expect(options['height']).toBeLessThanOrEqual(728);
    expect(options['x']).toBeGreaterThanOrEqual(0);
  });

  it('pushes the updater\'s state to the window as it changes', async () => {
    start({ packaged: true, env: windowsTill().env });
    await fake.becomeReady();
    const window = await theWindow();
    updaterChange!({ state: 'downloading', percent: 40, version: '0.2.0' });
    expect(window.webContents.sent).toContainEqual(['updates:changed', { state: 'downloading', percent: 40, version: '0.2.0' }]);
  });

  it('start with the computer is offered by the installed app and set through IPC (item 7)', async () => {
    start({ packaged: true, env: windowsTill().env });
    await fake.becomeReady();
    await theWindow();
    const call = (channel: string, request?: unknown) => (fake.ipcHandlers.get(channel) as (event: unknown, request: unknown) => Promise<unknown>)({ senderFrame: { url: 'app://bundle/index.html', parent: null } }, request);
    expect(await call('startup:get')).toEqual({ ok: true, data: { supported: true, enabled: false } });
    expect(await call('startup:set', { enabled: true })).toEqual({ ok: true, data: { supported: true, enabled: true } });
    expect(fake.app.loginItem.openAtLogin).toBe(true);
    const audit = (await call('audit:list', {})) as { ok: true; data: { entries: { action: string; summary: string }[] } };
    expect(audit.data.entries).toContainEqual(expect.objectContaining({ action: 'startup.at_login', summary: 'Start with the computer turned on' }));
  });

  it('registers exactly the contract\'s IPC channels: electron-log adds no raw channel of its own', async () => {
    start({ packaged: true, env: windowsTill().env });
    await fake.becomeReady();
    await theWindow();
    expect([...fake.ipcHandlers.keys()].sort()).toEqual(Object.values(METHOD_CHANNELS).sort());
    expect([...fake.ipcListeners.keys()]).toEqual([]);
    expect(TILL_API_KEYS.length).toBeGreaterThan(0);
  });
});
