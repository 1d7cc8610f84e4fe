import { create } from 'zustand';
import type { AppInfo } from '../../shared/app-info';
import type { IpcError } from '../../shared/errors';
import { till } from '../bridge';
import { useSettingsStore } from './settings-store';

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
  /** Grows with every navigation: the new screen's heading takes focus (and is announced). */
  navigation: number;
  compact: boolean;
  /** A sale the cashier chose to refund (History's Refund button, or Try again): the Refund screen opens on it once. */
  refundDraft?: { saleId: string; amount?: number };
  load(): Promise<void>;
  show(screen: Screen): void;
  refund(draft: { saleId: string; amount?: number }): void;
  takeRefundDraft(): { saleId: string; amount?: number } | undefined;
  /** Compact mode beside the EPOS: the window changes (in the app) and the choice is saved for the next start. */
  setCompact(compact: boolean): Promise<void>;
}

export const useAppStore = create<AppState>((set, get) => ({
  screen: 'sale',
  navigation: 0,
  compact: false,
  async load() {
    const result = await till().getAppInfo();
    set(result.ok ? { info: result.data, error: undefined } : { error: result.error });
  },
  show: (screen) => set({ screen, navigation: get().navigation + 1 }),
  refund(draft) {
    set({ refundDraft: draft });
    get().show('refund');
  },
  takeRefundDraft() {
    const draft = get().refundDraft;
    if (draft) set({ refundDraft: undefined });
    return draft;
  },
  async setCompact(compact) {
    set({ compact });
    await till().setCompactWindow({ compact });
    if (useSettingsStore.getState().view?.compactMode !== compact) await useSettingsStore.getState().update({ compactMode: compact });
  },
}));
