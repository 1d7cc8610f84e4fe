// The only place that touches ipcMain: every channel goes through the sender check and the dispatcher.
// eslint-disable-next-line no-restricted-imports
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { METHOD_CHANNELS, EVENT_CHANNELS, type EventChannel } from '../../shared/channels';
import type { IpcResult } from '../../shared/errors';
import type { Dispatch } from '../ipc/dispatcher';
import { isTrustedSender } from '../ipc/sender';

const FORBIDDEN: IpcResult<never> = {
  ok: false,
  error: { code: 'FORBIDDEN_SENDER', message: 'This request did not come from the till window and was refused.' },
};

export function registerIpcHandlers(dispatch: Dispatch, allowedOrigins: readonly string[]): void {
  for (const channel of Object.values(METHOD_CHANNELS)) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, request: unknown) => {
      if (!isTrustedSender(event.senderFrame, allowedOrigins)) return FORBIDDEN;
      return dispatch(channel, request);
    });
  }
}

/** Sends push events to the window; only channels named in the contract exist. */
export function createEventSender(getContents: () => WebContents | undefined) {
  const known = new Set<string>(Object.values(EVENT_CHANNELS));
  return (channel: EventChannel, payload: unknown): void => {
    const contents = getContents();
    if (!known.has(channel) || !contents || contents.isDestroyed()) return;
    contents.send(channel, payload);
  };
}
