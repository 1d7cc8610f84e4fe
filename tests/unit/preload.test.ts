import { describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { TILL_API_KEYS } from '../../src/shared/channels';

const exposed: Record<string, unknown> = {};
const renderer = new EventEmitter();
const invoke = vi.fn(async (channel: string, request: unknown) => ({ ok: true, data: { channel, request } }));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke,
    on: (channel: string, listener: (...args: unknown[]) => void) => renderer.on(channel, listener),
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => renderer.removeListener(channel, listener),
  },
}));
await import('../../src/preload/index');

type Till = Record<string, (...args: unknown[]) => unknown>;

describe('preload bridge', () => {
  const till = exposed['till'] as Till;

  it('exposes exactly the contract methods under window.till, and nothing else', () => {
    expect(Object.keys(exposed)).toEqual(['till']);
    expect(Object.keys(till).sort()).toEqual([...TILL_API_KEYS]);
    expect(Object.isFrozen(till)).toBe(true);
  });

  it('binds each method to its own channel', async () => {
    await till['getAppInfo']!();
    expect(invoke).toHaveBeenCalledWith('app:info', undefined);
  });

  it('hands listeners the payload only (never the Electron event) and unsubscribes', () => {
    const received: unknown[][] = [];
    const unsubscribe = till['onPaymentUpdate']!((...args: unknown[]) => received.push(args)) as () => void;
    renderer.emit('payment:update', { sender: 'ipcRenderer-internals' }, { paymentId: 'p1' });
    unsubscribe();
    renderer.emit('payment:update', { sender: 'ipcRenderer-internals' }, { paymentId: 'p2' });
    expect(received).toEqual([[{ paymentId: 'p1' }]]);
    expect(renderer.listenerCount('payment:update')).toBe(0);
  });
});
