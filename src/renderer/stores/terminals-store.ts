import { create } from 'zustand';
import type { IpcError } from '../../shared/errors';
import type { TerminalView } from '../../shared/payments';
import { till } from '../bridge';
import { useSettingsStore } from './settings-store';

interface TerminalsState {
  terminals: TerminalView[];
  state: 'idle' | 'loading' | 'ready' | 'error';
  error?: IpcError;
  load(): Promise<void>;
  select(id: string): Promise<void>;
}

export const useTerminalsStore = create<TerminalsState>((set) => ({
  terminals: [],
  state: 'idle',
  async load() {
    set({ state: 'loading' });
    const result = await till().listTerminals();
    set(result.ok ? { terminals: result.data.terminals, state: 'ready', error: undefined } : { state: 'error', error: result.error });
  },
  /** The choice is remembered in settings (per environment). */
  async select(id) {
    await useSettingsStore.getState().update({ terminalId: id });
  },
}));
