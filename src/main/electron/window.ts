import { app, BrowserWindow, screen } from 'electron';
import type { WindowControls } from '../services';
import { initialBounds, loadWindowState, MIN_SIZE, saveWindowState, type Rect, type WindowState } from './window-state';

export interface MainWindowOptions {
  preloadPath: string;
  title: string;
  /** Only a build run from source may open DevTools; a packaged till never can. */
  devTools: boolean;
  bounds: Rect;
  compact: boolean;
  platform: string;
}

/**
 * The till window, created hidden at the size and place decided beforehand (normal or compact, from the
 * settings and the remembered bounds), so it never jumps once shown. Checklist items 2–4, 6, 8–10 are written
 * out in the constructor call, so the security scanner (electronegativity) and the unit test see the real values.
 * The caller attaches its watchers and then loads the page.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    ...options.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: options.title,
    show: false,
    alwaysOnTop: options.compact,
    backgroundColor: '#f4f5f7',
    webPreferences: {
      preload: options.preloadPath,
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
      devTools: options.devTools,
      // Middle-click would try to open links in new windows; they are refused anyway, this removes the path.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (options.compact) pinBesideEpos(window, options.platform, true);
  if (!options.devTools) {
    // Belt and braces: with devTools off openDevTools() does nothing; should anything open them, close them.
    window.webContents.on('devtools-opened', () => window.webContents.closeDevTools());
  }
  return window;
}

/**
 * Compact mode sits beside the EPOS: always on top, and on macOS also over a full-screen EPOS. macOS only
 * lets a window float over another app's full-screen space when the app has no Dock icon, so Electron hides
 * the Dock icon while `visibleOnFullScreen` is on (electron/electron native_window_mac.mm) and shows it again after.
 */
function pinBesideEpos(window: BrowserWindow, platform: string, on: boolean): void {
  window.setAlwaysOnTop(on, 'floating');
  if (platform === 'darwin') window.setVisibleOnAllWorkspaces(on, { visibleOnFullScreen: on });
}

function workAreas() {
  return { primary: screen.getPrimaryDisplay().workArea, all: screen.getAllDisplays().map((d) => d.workArea) };
}

/** Remembers where the normal and the compact window were, and decides where a window opens. */
export class WindowPlacement {
  private state: WindowState;

  constructor(private readonly file: string) {
    this.state = loadWindowState(file);
  }

  /** Bounds for a window about to be created (the screens are read now: a display may have gone since). */
  boundsFor(compact: boolean): Rect {
    return initialBounds(this.state, compact, workAreas());
  }

  get maximized(): boolean {
    return this.state.maximized;
  }

  /** Records the window's place as the cashier moves and resizes it, and once more when it closes. */
  track(window: BrowserWindow, isCompact: () => boolean): void {
    const record = () => {
      if (window.isDestroyed() || window.isMinimized() || window.isFullScreen()) return;
      if (isCompact()) this.state.compact = window.getBounds();
      else this.state = { ...this.state, normal: window.getNormalBounds(), maximized: window.isMaximized() };
      this.save();
    };
    for (const event of ['resized', 'moved', 'maximize', 'unmaximize', 'close'] as const) window.on(event as 'close', record);
  }

  remember(change: Partial<WindowState>): void {
    this.state = { ...this.state, ...change };
    this.save();
  }

  private save(): void {
    try {
      saveWindowState(this.file, this.state);
    } catch {
      // Losing the window's place is not worth bothering the cashier with.
    }
  }
}

/** What the services may do with the desktop window: print, compact mode beside the EPOS, come to the front. */
export function windowControls(options: {
  getWindow: () => BrowserWindow | undefined;
  platform: string;
  /** An installed build: only then does "start with the computer" point at the app (from source it would be bare Electron). */
  packaged?: boolean;
  placement: WindowPlacement;
  isCompact: () => boolean;
  setCompactFlag: (compact: boolean) => void;
}): WindowControls {
  const { getWindow, platform, placement } = options;
  // The OS holds the setting (Windows: the Run key for this exe; macOS: a login item), so it is read back, never copied.
  const startAtLogin =
    options.packaged && (platform === 'win32' || platform === 'darwin')
      ? { get: () => app.getLoginItemSettings().openAtLogin, set: (enabled: boolean) => app.setLoginItemSettings({ openAtLogin: enabled }) }
      : undefined;
  return {
    ...(startAtLogin ? { startAtLogin } : {}),
    print: () =>
      new Promise<void>((resolve, reject) => {
        const window = getWindow();
        if (!window) return reject(new Error('no window to print from'));
        window.webContents.print({ silent: false, printBackground: false }, (success, reason) => (success || reason === 'cancelled' ? resolve() : reject(new Error(reason))));
      }),
    setCompact(compact: boolean) {
      const window = getWindow();
      if (!window || compact === options.isCompact()) return;
      if (compact) {
        // Leave the normal window's place on record, then unmaximize first: a maximised window cannot shrink.
        placement.remember({ normal: window.getNormalBounds(), maximized: window.isMaximized() });
        if (window.isFullScreen()) window.setFullScreen(false);
        if (window.isMaximized()) window.unmaximize();
        options.setCompactFlag(true);
        window.setBounds(placement.boundsFor(true));
        pinBesideEpos(window, platform, true);
      } else {
        placement.remember({ compact: window.getBounds() });
        options.setCompactFlag(false);
        pinBesideEpos(window, platform, false);
        window.setBounds(placement.boundsFor(false));
        if (placement.maximized) window.maximize();
      }
    },
    bringToFront() {
      const window = getWindow();
      if (!window || window.isDestroyed()) return;
      if (window.isMinimized()) window.restore();
      if (!window.isVisible()) window.show();
      if (platform === 'darwin') {
        // Another app (the EPOS) is active: macOS only hands over with `steal`.
        app.focus({ steal: true });
        window.focus();
      } else if (platform === 'win32') {
        // Windows' foreground lock turns focus() from a background app into a flashing taskbar button. Z-order is
        // not locked: briefly making the window topmost puts it above the EPOS (SetWindowPos HWND_TOPMOST, then
        // HWND_NOTOPMOST keeps it above every non-topmost window). The compact window is topmost already.
        const pinned = window.isAlwaysOnTop();
        if (!pinned) window.setAlwaysOnTop(true);
        window.moveTop();
        window.focus();
        if (!pinned) window.setAlwaysOnTop(false);
      } else {
        window.moveTop();
        window.focus();
      }
    },
  };
}
