import { create } from 'zustand';
import type { IpcError } from '../../shared/errors';
import type { SetSupervisorPin, SettingsUpdate, SettingsView, UpdateLimits } from '../../shared/settings';
import { till } from '../bridge';
import { withPin } from '../lib/pin';
import { MIDNIGHT, tradingDay } from '../../shared/dates';

interface SettingsState {
  view?: SettingsView;
  error?: IpcError;
  load(): Promise<void>;
  update(change: SettingsUpdate): Promise<IpcError | undefined>;
  /** Supervisor actions: main checks the PIN; the screen only passes it on. */
  setApiKey(apiKey: string, supervisorPin: string): Promise<IpcError | undefined>;
  clearApiKey(supervisorPin: string): Promise<IpcError | undefined>;
  setSupervisorPin(change: SetSupervisorPin): Promise<IpcError | undefined>;
  updateLimits(change: UpdateLimits): Promise<IpcError | undefined>;
  /** The journal was changed outside the app: a supervisor has checked the till (main checks the PIN, audits it). */
  acknowledgeJournal(supervisorPin: string): Promise<IpcError | undefined>;
}

export const useSettingsStore = create<SettingsState>((set) => {
  // Answers can arrive out of order (the first load can overtake a quick terminal choice): only the answer to the
  // latest request may replace what is shown.
  let latest = 0;
  const request = async (call: () => Promise<{ ok: true; data: SettingsView } | { ok: false; error: IpcError }>) => {
    const mine = ++latest;
    const result = await call();
    if (result.ok && mine === latest) set({ view: result.data, error: undefined });
    if (!result.ok) set({ error: result.error });
    return result.ok ? undefined : result.error;
  };
  return {
    load: async () => void (await request(() => till().getSettings())),
    update: (change) => request(() => till().updateSettings(change)),
    setApiKey: (apiKey, supervisorPin) => request(() => till().setApiKey({ apiKey, ...withPin(supervisorPin) })),
    clearApiKey: (supervisorPin) => request(() => till().clearApiKey(withPin(supervisorPin))),
    setSupervisorPin: (change) => request(() => till().setSupervisorPin(change)),
    updateLimits: ({ supervisorPin, ...change }) => request(() => till().updateLimits({ ...change, ...withPin(supervisorPin) })),
    acknowledgeJournal: (supervisorPin) => request(() => till().acknowledgeJournal(withPin(supervisorPin))),
  };
});

/** Today's trading day at this till (rolls over at the configured start, e.g. 04:00). */
export const currentTradingDay = (): string => tradingDay(Date.now(), useSettingsStore.getState().view?.tradingDayStart ?? MIDNIGHT);
