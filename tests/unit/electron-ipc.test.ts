import { beforeEach, describe, expect, it, vi } from 'vitest';

// A fake `electron` module: ipcMain records the handlers registered on it.
const registered = new Map<string, (event: unknown, request: unknown) => Promise<unknown>>();
vi.mock('electron', () => ({
  ipcMain: { handle: (channel: string, handler: (event: unknown, request: unknown) => Promise<unknown>) => registered.set(channel, handler) },
}));

const { registerIpcHandlers, createEventSender } = await import('../../src/main/electron/ipc-main');
const { METHOD_CHANNELS } = await import('../../src/shared/channels');

const mainFrame = (url: string) => ({ senderFrame: { url, parent: null } });

describe('Electron IPC wrapper', () => {
  const dispatched: [string, unknown][] = [];
  beforeEach(() => {
    registered.clear();
    dispatched.length = 0;
    registerIpcHandlers(async (channel, request) => {
      dispatched.push([channel, request]);
      return { ok: true, data: 'handled' };
    }, ['app://bundle']);
  });

  it('registers exactly the contract channels', () => {
    expect([...registered.keys()].sort()).toEqual(Object.values(METHOD_CHANNELS).sort());
  });

  it('dispatches a request from the app origin main frame', async () => {
    const result = await registered.get('app:info')!(mainFrame('app://bundle/index.html'), undefined);
    expect(result).toEqual({ ok: true, data: 'handled' });
    expect(dispatched).toEqual([['app:info', undefined]]);
  });

  it.each([
    ['another origin', mainFrame('https://evil.example/index.html')],
    ['a look-alike host', mainFrame('app://bundle.evil/index.html')],
    ['a file: page', mainFrame('file:///etc/passwd')],
    ['a sub-frame of the app', { senderFrame: { url: 'app://bundle/index.html', parent: {} } }],
    ['a destroyed frame', { senderFrame: null }],
  ])('refuses %s with FORBIDDEN_SENDER and never dispatches', async (_name, event) => {
    const result = await registered.get('app:info')!(event, undefined);
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(dispatched).toEqual([]);
  });

  it('sends only contract events, and not to a destroyed window', () => {
    const sent: unknown[] = [];
    let destroyed = false;
    const contents = { isDestroyed: () => destroyed, send: (...args: unknown[]) => sent.push(args) };
    const send = createEventSender(() => contents as never);
    send('payment:update', { paymentId: 'p1' });
    send('shell:exec' as never, {});
    destroyed = true;
    send('payment:update', { paymentId: 'p2' });
    expect(sent).toEqual([['payment:update', { paymentId: 'p1' }]]);
  });
});
