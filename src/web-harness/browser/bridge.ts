// The web harness's `window.till`: the same named methods as the Electron preload, carried over loopback HTTP
// with the per-run token. Loaded as a classic script before the renderer's module script.
import { createTillApi } from '../../shared/till-api';

const token = document.querySelector<HTMLMetaElement>('meta[name="till-harness-token"]')?.content ?? '';
const listeners = new Map<string, Set<(payload: unknown) => void>>();
let events: EventSource | undefined;

function ensureEventStream(channel: string): void {
  events ??= new EventSource('/__harness/events');
  if (listeners.has(channel)) return;
  listeners.set(channel, new Set());
  events.addEventListener(channel, (message) => {
    const payload: unknown = JSON.parse((message as MessageEvent<string>).data);
    for (const listener of listeners.get(channel) ?? []) listener(payload);
  });
}

window.till = createTillApi({
  async call(channel, request) {
    try {
      const response = await fetch(`/__harness/ipc/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-till-harness-token': token },
        body: JSON.stringify(request === undefined ? {} : { request }),
      });
      return await response.json();
    } catch {
      return { ok: false, error: { code: 'NETWORK', message: 'The till service is not reachable.' } };
    }
  },
  listen(channel, listener) {
    ensureEventStream(channel);
    listeners.get(channel)!.add(listener);
    return () => {
      listeners.get(channel)?.delete(listener);
    };
  },
});
