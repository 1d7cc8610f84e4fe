import { create } from 'zustand';
import type { AppInfo } from '../../shared/app-info';
import type { IpcError } from '../../shared/errors';
import { till } from '../bridge';

interface AppState {
  info?: AppInfo;
  error?: IpcError;
  load(): Promise<void>;
}

export const useAppStore = create<AppState>((set) => ({
  async load() {
    const result = await till().getAppInfo();
    set(result.ok ? { info: result.data, error: undefined } : { error: result.error });
  },
}));
