import { create } from 'zustand';
import type { AppInfo } from '../../shared/app-info';
import type { IpcError } from '../../shared/errors';
import { till } from '../bridge';

export type Screen = 'sale' | 'refund' | 'history' | 'attention' | 'settings' | 'reports';
export const SCREENS: { id: Screen; label: string; key: string }[] = [
  { id: 'sale', label: 'Sale', key: 'F1' },
  { id: 'refund', label: 'Refund', key: 'F2' },
  { id: 'history', label: 'History', key: 'F3' },
  { id: 'attention', label: 'Attention', key: 'F4' },
  { id: 'settings', label: 'Settings', key: 'F5' },
  { id: 'reports', label: 'Reports', key: 'F6' },
];

interface AppState {
  info?: AppInfo;
  error?: IpcError;
  screen: Screen;
  compact: boolean;
  load(): Promise<void>;
  show(screen: Screen): void;
  setCompact(compact: boolean): Promise<void>;
}

export const useAppStore = create<AppState>((set) => ({
  screen: 'sale',
  compact: false,
  async load() {
    const result = await till().getAppInfo();
    set(result.ok ? { info: result.data, error: undefined } : { error: result.error });
  },
  show: (screen) => set({ screen }),
  async setCompact(compact) {
    set({ compact });
    await till().setCompactWindow({ compact });
  },
}));
