import { BrowserWindow } from 'electron';

/**
 * The till window. Checklist items 2–4, 6, 8–10 are written out here, in the constructor call, so the security
 * scanner (electronegativity) and the unit test both see the real values; the Electron e2e suite reads them back.
 */
export function createMainWindow(options: { preloadPath: string; url: string; title: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 360,
    minHeight: 480,
    title: options.title,
    show: false,
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
      // Middle-click would try to open links in new windows; they are refused anyway, this removes the path.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.url);
  return window;
}

const NORMAL_SIZE = { width: 1100, height: 760 };
const COMPACT_SIZE = { width: 380, height: 560 };

/** What the services may do with the desktop window: print, compact always-on-top mode, come to the front. */
export function windowControls(getWindow: () => BrowserWindow | undefined) {
  return {
    print: () =>
      new Promise<void>((resolve, reject) => {
        const window = getWindow();
        if (!window) return reject(new Error('no window to print from'));
        window.webContents.print({ silent: false, printBackground: false }, (success, reason) => (success || reason === 'cancelled' ? resolve() : reject(new Error(reason))));
      }),
    setCompact(compact: boolean) {
      const window = getWindow();
      if (!window) return;
      window.setAlwaysOnTop(compact, 'floating');
      const size = compact ? COMPACT_SIZE : NORMAL_SIZE;
      window.setSize(size.width, size.height, true);
    },
    bringToFront() {
      const window = getWindow();
      if (!window) return;
      if (window.isMinimized()) window.restore();
      window.show();
      window.moveTop();
      window.focus();
    },
  };
}
