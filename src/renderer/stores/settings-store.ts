import { create } from 'zustand';
import type { IpcError } from '../../shared/errors';
import type { SettingsUpdate, SettingsView } from '../../shared/settings';
import { till } from '../bridge';

interface SettingsState {
  view?: SettingsView;
  error?: IpcError;
  load(): Promise<void>;
  update(change: SettingsUpdate): Promise<IpcError | undefined>;
  setApiKey(apiKey: string): Promise<IpcError | undefined>;
  clearApiKey(): Promise<IpcError | undefined>;
}

export const useSettingsStore = create<SettingsState>((set) => {
  const apply = (result: { ok: true; data: SettingsView } | { ok: false; error: IpcError }) => {
    if (result.ok) set({ view: result.data, error: undefined });
    return result.ok ? undefined : result.error;
  };
  return {
    async load() {
      const result = await till().getSettings();
      if (result.ok) set({ view: result.data, error: undefined });
      else set({ error: result.error });
    },
    update: async (change) => apply(await till().updateSettings(change)),
    setApiKey: async (apiKey) => apply(await till().setApiKey({ apiKey })),
    clearApiKey: async () => apply(await till().clearApiKey()),
  };
});
