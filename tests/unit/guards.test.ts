import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const openExternal = vi.fn(async () => {});
vi.mock('electron', () => ({ shell: { openExternal } }));
const { hardenWebContents, safeOpenExternal, applyPermissionPolicy, installGuards } = await import('../../src/main/electron/guards');

class FakeWebContents extends EventEmitter {
  windowOpenHandler?: (details: { url: string }) => { action: string };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

const navigation = (url: string) => {
  const event = { url, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
  return event;
};

const options = { allowedOrigins: ['app://bundle'], externalHosts: ['dojo.tech', 'support.example-reseller.co.uk'] };

describe('web contents guards', () => {
  let contents: FakeWebContents;
  beforeEach(() => {
    openExternal.mockClear();
    contents = new FakeWebContents();
    hardenWebContents(contents as never, options);
  });

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s: blocks foreign pages, allows the app origin', (name) => {
    const foreign = navigation('https://evil.example/phish');
    contents.emit(name, foreign, foreign.url);
    expect(foreign.defaultPrevented).toBe(true);
    const fileUrl = navigation('file:///etc/passwd');
    contents.emit(name, fileUrl, fileUrl.url);
    expect(fileUrl.defaultPrevented).toBe(true);
    const own = navigation('app://bundle/index.html#/history');
    contents.emit(name, own, own.url);
    expect(own.defaultPrevented).toBe(false);
  });

  it('prevents webviews from attaching', () => {
    const event = navigation('');
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.defaultPrevented).toBe(true);
  });

  it('denies every window.open and hands only allowlisted https links to the system browser', () => {
    expect(contents.windowOpenHandler!({ url: 'https://docs.dojo.tech/payments' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://docs.dojo.tech/payments');
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);
  });
});

describe('safeOpenExternal', () => {
  beforeEach(() => openExternal.mockClear());
  it.each([
    'file:///C:/Windows/System32/calc.exe',
    'javascript:alert(1)',
    'http://dojo.tech/',
    'https://dojo.tech.evil.example/',
    'https://evildojo.tech/',
    'https://user:pass@dojo.tech/',
    'smb://server/share',
    'not a url',
  ])('refuses %s', (url) => {
    expect(safeOpenExternal(url, options.externalHosts)).toBe(false);
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('opens allowlisted https hosts and their subdomains', () => {
    expect(safeOpenExternal('https://dojo.tech/', options.externalHosts)).toBe(true);
    expect(safeOpenExternal('https://support.example-reseller.co.uk/till', options.externalHosts)).toBe(true);
    expect(openExternal).toHaveBeenCalledTimes(2);
  });
});

describe('permissions and app-wide guards', () => {
  const policy = () => {
    let requestHandler: ((wc: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | undefined;
    let checkHandler: ((wc: unknown, permission: string, origin: string, details: unknown) => boolean) | undefined;
    applyPermissionPolicy(
      {
        setPermissionRequestHandler: (h: typeof requestHandler) => (requestHandler = h),
        setPermissionCheckHandler: (h: typeof checkHandler) => (checkHandler = h),
      } as never,
      ['app://bundle'],
    );
    const request = (permission: string, details: unknown) => {
      const granted = vi.fn();
      requestHandler!({}, permission, granted, details);
      return granted.mock.calls[0]![0] as boolean;
    };
    return { request, check: (permission: string, origin: string, details: unknown) => checkHandler!({}, permission, origin, details) };
  };
  const fromApp = { requestingUrl: 'app://bundle/index.html', isMainFrame: true };

  it('denies every permission request and check but the clipboard write', () => {
    const { request, check } = policy();
    for (const permission of ['media', 'notifications', 'geolocation', 'hid', 'clipboard-read', 'openExternal', 'display-capture']) {
      expect(request(permission, fromApp)).toBe(false);
      expect(check(permission, 'app://bundle', fromApp)).toBe(false);
    }
  });

  it('lets the till page write to the clipboard ("Copy token"), and nothing else may', () => {
    const { request, check } = policy();
    expect(request('clipboard-sanitized-write', fromApp)).toBe(true);
    expect(check('clipboard-sanitized-write', 'app://bundle', fromApp)).toBe(true);
    expect(request('clipboard-sanitized-write', { requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(request('clipboard-sanitized-write', { requestingUrl: 'app://bundle/index.html', isMainFrame: false })).toBe(false);
    expect(check('clipboard-sanitized-write', 'https://evil.example', {})).toBe(false);
    expect(request('clipboard-sanitized-write', {})).toBe(false);
  });

  it('hardens every web contents the app creates', () => {
    const app = new EventEmitter();
    installGuards(app as never, options);
    const created = new FakeWebContents();
    app.emit('web-contents-created', {}, created);
    expect(created.listenerCount('will-navigate')).toBe(1);
    expect(created.windowOpenHandler).toBeDefined();
  });
});
