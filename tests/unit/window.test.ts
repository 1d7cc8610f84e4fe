import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, fake, resetFakeElectron } from '../support/fake-electron';

vi.mock('electron', async () => (await import('../support/fake-electron')).electron);
const { createMainWindow, WindowPlacement, windowControls } = await import('../../src/main/electron/window');
const { initialBounds, loadWindowState, COMPACT_SIZE } = await import('../../src/main/electron/window-state');

const bounds = { x: 10, y: 20, width: 1000, height: 700 };
let dir: string;
beforeEach(() => {
  resetFakeElectron();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-window-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the till window', () => {
  it('is created hidden, sandboxed, isolated, without Node, webviews, insecure content or (packaged) DevTools', () => {
    const window = createMainWindow({ preloadPath: '/app/out/preload/index.js', title: 'Till Companion', devTools: false, bounds, compact: false, platform: 'win32' }) as unknown as FakeBrowserWindow;
    expect(window.options).toMatchObject({ ...bounds, show: false, alwaysOnTop: false });
    expect(window.options['webPreferences']).toEqual({
      preload: '/app/out/preload/index.js',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      devTools: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });
});

describe('window size and place (item 7)', () => {
  const screen = (width: number, height: number) => ({ primary: { x: 0, y: 0, width, height }, all: [{ x: 0, y: 0, width, height }] });

  it.each([
    [1024, 728], // 1024×768 with a 40 px taskbar
    [1366, 728], // 1366×768
    [1920, 1040],
  ])('the default window fits a %i×%i work area', (width, height) => {
    const normal = initialBounds({ maximized: false }, false, screen(width, height));
    expect(normal.x).toBeGreaterThanOrEqual(0);
    expect(normal.y).toBeGreaterThanOrEqual(0);
    expect(normal.x + normal.width).toBeLessThanOrEqual(width);
    expect(normal.y + normal.height).toBeLessThanOrEqual(height);
    const compact = initialBounds({ maximized: false }, true, screen(width, height));
    expect(compact.x + compact.width).toBe(width); // at the right edge, beside the EPOS
    expect(compact.height).toBeLessThanOrEqual(height);
  });

  it('remembers where the cashier put the window, and puts it back', () => {
    const file = path.join(dir, 'window-state.json');
    const placement = new WindowPlacement(file);
    const window = new FakeBrowserWindow({ ...bounds });
    placement.track(window as never, () => false);
    window.bounds = { x: 200, y: 50, width: 900, height: 640 };
    window.emit('moved');
    expect(loadWindowState(file).normal).toEqual({ x: 200, y: 50, width: 900, height: 640 });
    expect(new WindowPlacement(file).boundsFor(false)).toEqual({ x: 200, y: 50, width: 900, height: 640 });
  });

  it('a remembered place on a screen that is gone (or a corrupt file) falls back to the default on the primary screen', () => {
    const gone = initialBounds({ maximized: false, normal: { x: 3000, y: 100, width: 900, height: 640 } }, false, screen(1366, 728));
    expect(gone.x + gone.width).toBeLessThanOrEqual(1366);
    const file = path.join(dir, 'window-state.json');
    fs.writeFileSync(file, '{"normal": {"x": "left"');
    expect(new WindowPlacement(file).boundsFor(false)).toEqual(initialBounds({ maximized: false }, false, { primary: fake.displays[0]!.workArea, all: [fake.displays[0]!.workArea] }));
  });

  it('a remembered window larger than today\'s screen is shrunk to fit it', () => {
    const fitted = initialBounds({ maximized: false, normal: { x: 0, y: 0, width: 1900, height: 1000 } }, false, screen(1024, 728));
    expect(fitted).toEqual({ x: 0, y: 0, width: 1024, height: 728 });
  });
});

describe('compact mode beside the EPOS (item 8, issue 15 item 5)', () => {
  const setup = (platform: string) => {
    let compact = false;
    const window = new FakeBrowserWindow({ ...bounds });
    const placement = new WindowPlacement(path.join(dir, 'window-state.json'));
    const controls = windowControls({ getWindow: () => window as never, platform, placement, isCompact: () => compact, setCompactFlag: (value) => (compact = value) });
    return { window, controls, placement, isCompact: () => compact };
  };

  it('unmaximizes first, then shrinks and stays on top; back to normal restores the maximised window', () => {
    const { window, controls } = setup('win32');
    window.maximized = true;
    controls.setCompact(true);
    expect(window.calls.indexOf('unmaximize')).toBeLessThan(window.calls.indexOf('setBounds'));
    expect(window.bounds).toMatchObject(COMPACT_SIZE);
    expect(window.alwaysOnTop).toBe(true);
    controls.setCompact(false);
    expect(window.alwaysOnTop).toBe(false);
    expect(window.maximized).toBe(true);
  });

  it('on macOS it stays visible over a full-screen EPOS (visibleOnFullScreen), and stops when compact mode ends', () => {
    const { window, controls } = setup('darwin');
    controls.setCompact(true);
    expect(window.allWorkspaces).toEqual({ visible: true, options: { visibleOnFullScreen: true } });
    controls.setCompact(false);
    expect(window.allWorkspaces).toEqual({ visible: false, options: { visibleOnFullScreen: false } });
  });

  it('asking for the mode the window is already in changes nothing (the renderer asks again at load: no jump)', () => {
    const { window, controls } = setup('win32');
    controls.setCompact(true);
    const calls = window.calls.length;
    controls.setCompact(true);
    expect(window.calls.length).toBe(calls);
  });

  it('a window created compact is pinned before it is shown', () => {
    const window = createMainWindow({ preloadPath: '/p.js', title: 'T', devTools: false, bounds, compact: true, platform: 'darwin' }) as unknown as FakeBrowserWindow;
    expect(window.options['alwaysOnTop']).toBe(true);
    expect(window.allWorkspaces).toEqual({ visible: true, options: { visibleOnFullScreen: true } });
    expect(window.visible).toBe(false);
  });
});

describe('the window comes to the front for an EPOS payment (item 8)', () => {
  const front = (platform: string, window = new FakeBrowserWindow({ ...bounds })) => {
    windowControls({ getWindow: () => window as never, platform, placement: new WindowPlacement(path.join(dir, 'w.json')), isCompact: () => false, setCompactFlag: () => {} }).bringToFront();
    return window;
  };

  it('macOS: the app takes focus from the EPOS with app.focus({ steal: true })', () => {
    const window = front('darwin');
    expect(fake.app.focusCalls).toEqual([{ steal: true }]);
    expect(window.calls).toContain('focus');
  });

  it('Windows: raised above the EPOS through a brief topmost (focus() alone only flashes the taskbar), then back to normal', () => {
    const window = front('win32');
    expect(window.calls).toEqual(['setAlwaysOnTop(true)', 'moveTop', 'focus', 'setAlwaysOnTop(false)']);
    expect(window.alwaysOnTop).toBe(false);
  });

  it('Windows, compact: already topmost, it stays so', () => {
    const pinned = new FakeBrowserWindow({ ...bounds, alwaysOnTop: true });
    front('win32', pinned);
    expect(pinned.calls).toEqual(['moveTop', 'focus']);
    expect(pinned.alwaysOnTop).toBe(true);
  });

  it('a minimised or hidden window is restored and shown first', () => {
    const window = new FakeBrowserWindow({ ...bounds, show: false });
    window.minimized = true;
    front('win32', window);
    expect(window.calls.slice(0, 2)).toEqual(['restore', 'show']);
  });
});

describe('start with the computer (item 7)', () => {
  const controls = (platform: string, packaged: boolean) =>
    windowControls({ getWindow: () => undefined, platform, packaged, placement: new WindowPlacement(path.join(dir, 'w.json')), isCompact: () => false, setCompactFlag: () => {} });

  it.each(['win32', 'darwin'])('%s, installed: the OS login item is read and set (the OS keeps the setting)', (platform) => {
    const startAtLogin = controls(platform, true).startAtLogin!;
    expect(startAtLogin.get()).toBe(false);
    startAtLogin.set(true);
    expect(fake.app.loginItem).toEqual({ openAtLogin: true });
    expect(startAtLogin.get()).toBe(true);
  });

  it('from source (it would start bare Electron) or on Linux: not offered', () => {
    expect(controls('win32', false).startAtLogin).toBeUndefined();
    expect(controls('linux', true).startAtLogin).toBeUndefined();
  });
});
