import { useEffect } from 'react';
import { create } from 'zustand';
import type { IpcError } from '../../shared/errors';
import type { TerminalView } from '../../shared/payments';
import { till } from '../bridge';
import { useSettingsStore } from './settings-store';

/** How often the terminal list refreshes itself while it is on screen (a busy terminal frees up, one goes offline). */
export const TERMINAL_REFRESH_MS = 10_000;

interface TerminalsState {
  terminals: TerminalView[];
  state: 'idle' | 'loading' | 'ready' | 'error';
  error?: IpcError;
  /** `quiet`: a background refresh keeps showing the list (and the Refresh button) as it is meanwhile. */
  load(options?: { quiet?: boolean }): Promise<void>;
  select(id: string): Promise<void>;
}

export const useTerminalsStore = create<TerminalsState>((set, get) => {
  let latest = 0;
  return {
    terminals: [],
    state: 'idle',
    async load(options) {
      const mine = ++latest;
      if (!options?.quiet || get().state !== 'ready') set({ state: 'loading' });
      const result = await till().listTerminals();
      if (mine !== latest) return; // a newer refresh is on its way
      if (result.ok) set({ terminals: result.data.terminals, state: 'ready', error: undefined });
      else if (!options?.quiet || get().state !== 'ready') set({ state: 'error', error: result.error });
    },
    /** The choice is remembered in settings (per environment). */
    async select(id) {
      await useSettingsStore.getState().update({ terminalId: id });
    },
  };
});

export const isAvailable = (terminal: TerminalView | undefined) => terminal?.status === 'Available';

/**
 * The chosen terminal as last listed, with its friendly name. `ready`: nothing known stops it taking a payment
 * (a terminal listed as busy or offline is not ready; one not listed yet is left to Dojo to judge).
 */
export function useChosenTerminal() {
  const id = useSettingsStore((s) => s.view?.terminalId ?? null);
  const names = useSettingsStore((s) => s.view?.terminalNames);
  const terminal = useTerminalsStore((s) => s.terminals.find((t) => t.id === id));
  return { id, terminal, name: terminal ? terminalName(terminal, names) : null, ready: !!id && (!terminal || isAvailable(terminal)) };
}

/** "Bar (VCMTILLSIP0)" when the shop named it, else its TID (or id). */
export function terminalName(terminal: Pick<TerminalView, 'id' | 'tid'>, names: Record<string, string> | undefined): string {
  const tid = terminal.tid ?? terminal.id;
  const name = names?.[terminal.id];
  return name ? `${name} (${tid})` : tid;
}

/** Keeps the terminal list fresh while a screen that shows or uses it is open. */
export function useTerminalRefresh() {
  useEffect(() => {
    const refresh = () => void useTerminalsStore.getState().load({ quiet: true });
    refresh();
    const timer = setInterval(() => document.visibilityState === 'visible' && refresh(), TERMINAL_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
}
