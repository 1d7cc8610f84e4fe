import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, fake, resetFakeElectron } from '../support/fake-electron';

vi.mock('electron', async () => (await import('../support/fake-electron')).electron);
const lifecycle = await import('../../src/main/electron/lifecycle');
const { silentLogger } = await import('../../src/main/logging/logger');
const { QuitPolicy, watchRenderer, askWithDialog, menuTemplate, installMenu, createFatal, installProcessHandlers, claimSingleInstance, AUTO_RELOADS } = lifecycle;

beforeEach(() => resetFakeElectron());
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('menu (item 3)', () => {
  const roles = (template: unknown): string[] => JSON.stringify(template).match(/"role":"(\w+)"/g)?.map((r) => r.slice(8, -1)) ?? [];

  it.each(['win32', 'linux'])('%s: no menu at all', (platform) => {
    expect(menuTemplate(platform, 'Till Companion')).toBeNull();
    installMenu(platform, 'Till Companion');
    expect(fake.menu).toBeNull();
  });

  it('macOS: the app menu and the Edit roles (copy and paste work), and nothing that reloads, closes or opens DevTools', () => {
    const template = menuTemplate('darwin', 'Till Companion');
    expect(roles(template)).toEqual(['about', 'hide', 'hideOthers', 'unhide', 'quit', 'undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']);
    for (const risky of ['reload', 'forceReload', 'toggleDevTools', 'close', 'viewMenu', 'windowMenu', 'fileMenu']) expect(roles(template)).not.toContain(risky);
  });
});

describe('fatal path (item 2)', () => {
  it('logs, tells the cashier once (an error\'s own cashier message when it has one), exits 1', () => {
    const logged: string[] = [];
    const logger = { ...silentLogger, error: (message: string, meta?: unknown) => logged.push(`${message} ${JSON.stringify(meta)}`) };
    const fatal = createFatal({ productName: () => 'Till Companion', interactive: true, logger: () => logger });
    const events = new EventEmitter();
    installProcessHandlers(fatal, events);
    events.emit('uncaughtException', new lifecycle.StartupProblem('The journal folder is on a network drive.', 'UNC path'));
    events.emit('uncaughtException', new Error('later'));
    expect(fake.errorBoxes).toEqual([{ title: 'Till Companion has to close', content: 'The journal folder is on a network drive.' }]);
    expect(fake.app.exitCode).toBe(1);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/UNC path/);
  });

  it('without a window to speak to (smoke test, command line) it writes to stderr instead of a dialog', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    createFatal({ productName: () => 'Till Companion', interactive: false, logger: () => undefined })(new Error('boom'), 'start');
    write.mockRestore();
    expect(fake.errorBoxes).toEqual([]);
    expect(fake.app.exitCode).toBe(1);
  });
});

describe('single instance (item 2)', () => {
  it('a second start calls back the first; without the lock the caller is told to quit', () => {
    const seen = vi.fn();
    expect(claimSingleInstance(seen)).toBe(true);
    fake.app.emit('second-instance');
    expect(seen).toHaveBeenCalledTimes(1);
    fake.app.lock = false;
    expect(claimSingleInstance(seen)).toBe(false);
  });
});

describe('quit policy (item 7)', () => {
  const setup = (running: { value: boolean }) => {
    const shutdown = vi.fn(async () => {});
    const policy = new QuitPolicy({ paymentsRunning: () => running.value, ask: askWithDialog, shutdown, logger: silentLogger });
    policy.install();
    const window = new FakeBrowserWindow({});
    policy.guardWindow(window as never);
    return { shutdown, window };
  };

  it('closing the window while a payment runs asks first; "Keep the app open" keeps it (and everything keeps running)', async () => {
    const { shutdown, window } = setup({ value: true });
    window.close();
    expect(window.isDestroyed()).toBe(false);
    expect(fake.messageBoxes).toHaveLength(1);
    const box = fake.messageBoxes[0]!;
    expect(box.options).toMatchObject({ message: 'A payment is still running.', buttons: ['Keep the app open', 'Close anyway'], defaultId: 0, cancelId: 0 });
    expect(box.window).toBe(window);
    box.answer(0);
    await settle();
    expect(window.isDestroyed()).toBe(false);
    expect(shutdown).not.toHaveBeenCalled();
    expect(fake.app.exitCode).toBeUndefined();
  });

  it('"Close anyway" closes; the services close before the app exits, and nobody is asked twice', async () => {
    const { shutdown, window } = setup({ value: true });
    fake.app.on('window-all-closed', () => fake.app.quit());
    window.close();
    fake.messageBoxes[0]!.answer(1);
    await settle();
    await settle();
    expect(window.isDestroyed()).toBe(true);
    expect(fake.messageBoxes).toHaveLength(1);
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect(fake.app.exitCode).toBe(0);
  });

  it('with nothing running, closing quits at once, closing the services first', async () => {
    const { shutdown, window } = setup({ value: false });
    fake.app.on('window-all-closed', () => fake.app.quit());
    window.close();
    await settle();
    expect(fake.messageBoxes).toHaveLength(0);
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect(fake.app.exitCode).toBe(0);
  });

  it('Cmd+Q (quit without closing the window) while a payment runs asks too', async () => {
    const { shutdown } = setup({ value: true });
    fake.app.quit();
    fake.app.quit();
    await settle();
    expect(fake.messageBoxes).toHaveLength(1);
    fake.messageBoxes[0]!.answer(0);
    await settle();
    expect(shutdown).not.toHaveBeenCalled();
    expect(fake.app.exitCode).toBeUndefined();
  });
});

describe('renderer crashes, hangs and failed loads (item 7)', () => {
  const setup = () => {
    const window = new FakeBrowserWindow({ show: false });
    const load = vi.fn();
    const quit = vi.fn();
    const broken = vi.fn();
    const timers: (() => void)[] = [];
    watchRenderer(window as never, { load, ask: askWithDialog, quit, broken, logger: silentLogger, setTimer: (fn) => timers.push(fn) });
    return { window, load, quit, broken, timers };
  };
  const gone = (window: FakeBrowserWindow, reason = 'crashed') => window.webContents.emit('render-process-gone', {}, { reason, exitCode: 1 });

  it('a crashed screen is reloaded (the running payment lives in main and comes back)', () => {
    const { window, load } = setup();
    gone(window);
    expect(load).toHaveBeenCalledTimes(1);
    expect(window.visible).toBe(true);
    gone(window, 'clean-exit');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it(`after ${AUTO_RELOADS} failures in a row the cashier is asked; "Try again" reloads, "Quit" quits`, async () => {
    const { window, load, quit } = setup();
    for (let i = 0; i < AUTO_RELOADS; i++) gone(window);
    expect(load).toHaveBeenCalledTimes(AUTO_RELOADS);
    window.webContents.emit('did-fail-load', {}, -102, 'ERR_CONNECTION_REFUSED', 'app://bundle/index.html', true);
    expect(load).toHaveBeenCalledTimes(AUTO_RELOADS);
    expect(fake.messageBoxes).toHaveLength(1);
    expect(fake.messageBoxes[0]!.options['message']).toBe('The till screen could not be shown.');
    fake.messageBoxes[0]!.answer(0);
    await settle();
    expect(load).toHaveBeenCalledTimes(AUTO_RELOADS + 1);
    for (let i = 0; i <= AUTO_RELOADS; i++) gone(window);
    fake.messageBoxes[1]!.answer(1);
    await settle();
    expect(quit).toHaveBeenCalledTimes(1);
  });

  it('a successful load resets the count; sub-frame failures and aborted navigations are not failures', () => {
    const { window, load } = setup();
    gone(window);
    window.webContents.emit('did-finish-load');
    gone(window);
    gone(window);
    expect(fake.messageBoxes).toHaveLength(0);
    window.webContents.emit('did-fail-load', {}, -3, 'ERR_ABORTED', 'app://bundle/index.html', true);
    window.webContents.emit('did-fail-load', {}, -102, 'ERR_CONNECTION_REFUSED', 'https://x/', false);
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('a hung screen: the cashier may wait (the question goes away if it recovers) or reload', async () => {
    const { window, load } = setup();
    window.emit('unresponsive');
    window.emit('unresponsive');
    expect(fake.messageBoxes).toHaveLength(1);
    expect(fake.messageBoxes[0]!.options['buttons']).toEqual(['Keep waiting', 'Reload the screen']);
    window.emit('responsive'); // the box closes as if cancelled: keep waiting
    await settle();
    expect(load).not.toHaveBeenCalled();
    window.emit('unresponsive');
    fake.messageBoxes[1]!.answer(1);
    await settle();
    expect(window.webContents.crashes).toBe(1);
    expect(load).toHaveBeenCalledTimes(1);
    gone(window, 'killed'); // the renderer we ended: already reloading, not a second failure
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('never an invisible window: shown anyway if it has not painted in time', () => {
    const { window, timers } = setup();
    expect(window.visible).toBe(false);
    timers.forEach((fire) => fire());
    expect(window.visible).toBe(true);
  });

  it('a preload that fails is a broken install: reported through the fatal path', () => {
    const { window, broken } = setup();
    window.webContents.emit('preload-error', {}, '/app/out/preload/index.js', new Error('SyntaxError'));
    expect(broken).toHaveBeenCalledWith(expect.objectContaining({ message: 'SyntaxError' }));
  });
});
