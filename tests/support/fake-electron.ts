// A stand-in for the `electron` module (its binary cannot run here): enough of app, BrowserWindow, Menu,
// dialog, screen, session, protocol, net, shell and ipcMain for the shell's own code to run under Node.
// Tests use it with `vi.mock('electron', async () => (await import('../support/fake-electron')).electron)`
// and inspect what the shell did through `fake`.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

class Preventable {
  defaultPrevented = false;
  preventDefault() {
    this.defaultPrevented = true;
  }
}

export class FakeWebContents extends EventEmitter {
  sent: [string, unknown][] = [];
  loads = 0;
  devToolsOpen = false;
  crashes = 0;
  destroyed = false;
  constructor(readonly options: { devTools?: boolean }) {
    super();
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  isDestroyed() {
    return this.destroyed;
  }
  openDevTools() {
    // Electron: with webPreferences.devTools false, openDevTools() does nothing.
    if (this.options.devTools === false) return;
    this.devToolsOpen = true;
    this.emit('devtools-opened');
  }
  closeDevTools() {
    this.devToolsOpen = false;
  }
  isDevToolsOpened() {
    return this.devToolsOpen;
  }
  forcefullyCrashRenderer() {
    this.crashes++;
  }
  setWindowOpenHandler() {}
  getURL() {
    return this.url;
  }
  url = '';
  /** There is no page in the fake: anything that needs one fails, visibly. */
  executeJavaScript(): Promise<unknown> {
    return Promise.reject(new Error('the fake electron runs no page'));
  }
  print(_options: unknown, callback: (success: boolean, reason: string) => void) {
    callback(true, '');
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  static getAllWindows() {
    return FakeBrowserWindow.all.filter((w) => !w.destroyed);
  }
  readonly webContents: FakeWebContents;
  bounds: Rect;
  normalBounds: Rect;
  visible = false;
  minimized = false;
  maximized = false;
  fullScreen = false;
  alwaysOnTop = false;
  alwaysOnTopLevel: string | undefined;
  allWorkspaces: { visible: boolean; options: unknown } | undefined;
  destroyed = false;
  focused = false;
  urls: string[] = [];
  calls: string[] = [];
  constructor(readonly options: Record<string, any>) {
    super();
    this.webContents = new FakeWebContents(options['webPreferences'] ?? {});
    this.bounds = { x: options['x'] ?? 0, y: options['y'] ?? 0, width: options['width'] ?? 800, height: options['height'] ?? 600 };
    this.normalBounds = { ...this.bounds };
    this.alwaysOnTop = !!options['alwaysOnTop'];
    this.visible = options['show'] !== false;
    FakeBrowserWindow.all.push(this);
  }
  loadURL(url: string) {
    this.urls.push(url);
    this.webContents.url = url;
    this.webContents.loads++;
    return Promise.resolve();
  }
  show() {
    this.calls.push('show');
    this.visible = true;
  }
  isVisible() {
    return this.visible;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.calls.push('restore');
    this.minimized = false;
  }
  isMaximized() {
    return this.maximized;
  }
  maximize() {
    this.calls.push('maximize');
    this.maximized = true;
  }
  unmaximize() {
    this.calls.push('unmaximize');
    this.maximized = false;
  }
  isFullScreen() {
    return this.fullScreen;
  }
  setFullScreen(on: boolean) {
    this.fullScreen = on;
  }
  setAlwaysOnTop(on: boolean, level?: string) {
    this.calls.push(`setAlwaysOnTop(${on}${level ? `, ${level}` : ''})`);
    this.alwaysOnTop = on;
    this.alwaysOnTopLevel = on ? level : undefined;
  }
  isAlwaysOnTop() {
    return this.alwaysOnTop;
  }
  setVisibleOnAllWorkspaces(visible: boolean, options?: unknown) {
    this.calls.push(`setVisibleOnAllWorkspaces(${visible})`);
    this.allWorkspaces = { visible, options };
  }
  getBounds() {
    return { ...this.bounds };
  }
  getNormalBounds() {
    return this.maximized ? { ...this.normalBounds } : { ...this.bounds };
  }
  setBounds(bounds: Rect) {
    this.calls.push('setBounds');
    if (this.maximized) throw new Error('setBounds on a maximised window (the window would not shrink)');
    this.bounds = { ...bounds };
    this.normalBounds = { ...bounds };
  }
  moveTop() {
    this.calls.push('moveTop');
  }
  focus() {
    this.calls.push('focus');
    this.focused = true;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** Like Electron: 'close' can be prevented; otherwise the window goes and 'closed' follows. */
  close() {
    const event = new Preventable();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroy();
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    fake.windowClosed();
  }
}

type MessageBox = { window: unknown; options: Record<string, any>; answer: (response: number) => void };

class FakeApp extends EventEmitter {
  isPackaged = false;
  name = 'Till Companion';
  appPath = process.cwd();
  paths = new Map<string, string>([['userData', '/electron-default/userData']]);
  readyResolve!: () => void;
  ready = new Promise<void>((resolve) => (this.readyResolve = resolve));
  sandboxed = false;
  lock = true;
  lockRequests = 0;
  exitCode: number | undefined;
  quits = 0;
  focusCalls: unknown[] = [];
  appUserModelId: string | undefined;
  loginItem = { openAtLogin: false };
  dock = { hidden: false, hide: () => (this.dock.hidden = true) };
  getAppPath() {
    return this.appPath;
  }
  getVersion() {
    return '0.1.0';
  }
  getPath(name: string) {
    return this.paths.get(name) ?? `/electron-default/${name}`;
  }
  setPath(name: string, value: string) {
    if (this.isReadyNow) throw new Error(`setPath(${name}) after ready: Electron ignores it for userData`);
    this.paths.set(name, value);
  }
  isReadyNow = false;
  whenReady() {
    return this.ready;
  }
  enableSandbox() {
    if (this.isReadyNow) throw new Error('enableSandbox after ready');
    this.sandboxed = true;
  }
  requestSingleInstanceLock() {
    this.lockRequests++;
    return this.lock;
  }
  exit(code = 0) {
    this.exitCode ??= code;
  }
  /** Like Electron: 'before-quit' can be prevented. */
  quit() {
    this.quits++;
    const event = new Preventable();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.exitCode ??= 0;
  }
  focus(options?: unknown) {
    this.focusCalls.push(options);
  }
  setAppUserModelId(id: string) {
    this.appUserModelId = id;
  }
  getLoginItemSettings() {
    return { ...this.loginItem };
  }
  setLoginItemSettings(settings: { openAtLogin: boolean }) {
    this.loginItem = { openAtLogin: settings.openAtLogin };
  }
}

function createFake() {
  const app = new FakeApp();
  const state = {
    app,
    menu: undefined as unknown,
    menuSet: false,
    errorBoxes: [] as { title: string; content: string }[],
    messageBoxes: [] as MessageBox[],
    ipcHandlers: new Map<string, unknown>(),
    ipcListeners: new Map<string, unknown>(),
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    schemes: [] as unknown[],
    permissionRequest: undefined as unknown,
    permissionCheck: undefined as unknown,
    displays: [{ workArea: { x: 0, y: 0, width: 1366, height: 728 } }] as { workArea: Rect }[],
    fetch: (async () => new Response('')) as (url: string, init?: RequestInit) => Promise<Response>,
  };
  return state;
}

export const fake = Object.assign(createFake(), {
  /** After every window closed (Electron's 'window-all-closed'). */
  windowClosed() {
    if (FakeBrowserWindow.getAllWindows().length === 0) fake.app.emit('window-all-closed');
  },
  /** Fires 'ready' (as Electron does once, after the main script ran). */
  async becomeReady() {
    fake.app.isReadyNow = true;
    fake.app.readyResolve();
    await new Promise((resolve) => setImmediate(resolve));
  },
});

/** A fresh fake for each test (the `electron` object below always reads the current one). */
export function resetFakeElectron(): typeof fake {
  const next = createFake();
  Object.assign(fake, next);
  FakeBrowserWindow.all = [];
  return fake;
}

export const electron = {
  get app() {
    return fake.app;
  },
  BrowserWindow: FakeBrowserWindow,
  Menu: {
    setApplicationMenu(menu: unknown) {
      fake.menu = menu;
      fake.menuSet = true;
    },
    getApplicationMenu() {
      return fake.menuSet ? fake.menu : { items: ['Electron default menu: View → Toggle Developer Tools'] };
    },
    buildFromTemplate(template: unknown) {
      return { template };
    },
  },
  dialog: {
    showErrorBox(title: string, content: string) {
      fake.errorBoxes.push({ title, content });
    },
    showMessageBox(windowOrOptions: unknown, maybeOptions?: Record<string, any>) {
      const options = (maybeOptions ?? windowOrOptions) as Record<string, any>;
      return new Promise<{ response: number; checkboxChecked: boolean }>((resolve) => {
        const box: MessageBox = { window: maybeOptions ? windowOrOptions : undefined, options, answer: (response) => resolve({ response, checkboxChecked: false }) };
        fake.messageBoxes.push(box);
        // Electron: an aborted signal closes the box as if cancelled.
        (options['signal'] as AbortSignal | undefined)?.addEventListener('abort', () => box.answer(options['cancelId'] ?? 0));
      });
    },
  },
  screen: {
    getPrimaryDisplay: () => fake.displays[0]!,
    getAllDisplays: () => fake.displays,
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (handler: unknown) => (fake.permissionRequest = handler),
      setPermissionCheckHandler: (handler: unknown) => (fake.permissionCheck = handler),
    },
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => fake.schemes.push(...schemes),
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => fake.protocolHandlers.set(scheme, handler),
  },
  net: {
    fetch: (url: string, init?: RequestInit) => fake.fetch(url, init),
  },
  shell: { openExternal: async () => {} },
  ipcMain: {
    handle: (channel: string, handler: unknown) => fake.ipcHandlers.set(channel, handler),
    on: (channel: string, listener: unknown) => fake.ipcListeners.set(channel, listener),
  },
};

/**
 * For `--smoke-test` runs on the fake: resets it, makes a stand-in bundle folder (main/ and a renderer page) and lets
 * the fake's net.fetch serve app://, file: and real URLs. Returns the folder; the caller removes it.
 */
export function smokeBundle(): string {
  resetFakeElectron();
  const bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'till-smoke-bundle-'));
  fs.mkdirSync(path.join(bundle, 'main'));
  fs.mkdirSync(path.join(bundle, 'renderer'));
  fs.writeFileSync(path.join(bundle, 'renderer', 'index.html'), '<!doctype html><title>till</title>');
  fake.fetch = async (url, init) => {
    if (url.startsWith('app://')) return fake.protocolHandlers.get('app')!(new Request(url));
    if (url.startsWith('file:')) return new Response(fs.readFileSync(fileURLToPath(url)));
    return globalThis.fetch(url, init);
  };
  return bundle;
}
