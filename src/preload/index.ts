// The sandboxed preload: one CommonJS file with no npm dependencies (zod stays in main).
// eslint-disable-next-line no-restricted-imports
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createTillApi } from '../shared/till-api';

const till = createTillApi({
  call: (channel, request) => ipcRenderer.invoke(channel, request),
  listen: (channel, listener) => {
    // The Electron event (and its `sender`) never reaches the page: only the payload does.
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
});

contextBridge.exposeInMainWorld('till', till);
