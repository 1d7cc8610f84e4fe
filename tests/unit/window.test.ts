import { describe, expect, it, vi } from 'vitest';

const created: { options: any }[] = [];
vi.mock('electron', () => ({
  BrowserWindow: class {
    constructor(public options: unknown) {
      created.push({ options });
    }
    once() {}
    loadURL() {
      return Promise.resolve();
    }
  },
}));
const { createMainWindow } = await import('../../src/main/electron/window');

describe('the till window', () => {
  it('is created sandboxed, isolated, without Node, webviews or insecure content, loading app://', () => {
    createMainWindow({ preloadPath: '/app/out/preload/index.js', url: 'app://bundle/index.html', title: 'Till Companion' });
    expect(created[0]!.options.webPreferences).toEqual({
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
      disableBlinkFeatures: 'Auxclick',
    });
  });
});
