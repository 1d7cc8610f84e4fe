import { EVENT_CHANNELS, METHOD_CHANNELS } from './channels';
import type { TillApi } from './contract';

/** How a host carries the contract: Electron IPC in the preload, loopback HTTP in the web harness. */
export interface TillTransport {
  call(channel: string, request: unknown): Promise<unknown>;
  listen(channel: string, listener: (payload: unknown) => void): () => void;
}

/**
 * Builds `window.till`: one named method per contract channel and one subscribe function per event, each bound
 * to its own fixed channel. The page never gets a way to name a channel itself.
 */
export function createTillApi(transport: TillTransport): TillApi {
  const api: Record<string, unknown> = {};
  for (const [name, channel] of Object.entries(METHOD_CHANNELS)) {
    api[name] = (request?: unknown) => transport.call(channel, request);
  }
  for (const [name, channel] of Object.entries(EVENT_CHANNELS)) {
    api[name] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${name} needs a function`);
      return transport.listen(channel, listener);
    };
  }
  return Object.freeze(api) as TillApi;
}
