import type { TillApi } from '../shared/contract';

declare global {
  interface Window {
    till?: TillApi;
  }
}

/** The only file that touches `window.till` (the preload in Electron, the loopback client in the web harness). */
export function till(): TillApi {
  if (!window.till) throw new Error('The till bridge is missing: the page was opened outside the app.');
  return window.till;
}
