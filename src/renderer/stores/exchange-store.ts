import { create } from 'zustand';
import type { ExchangeStatus } from '../../shared/exchange';
import type { IpcError } from '../../shared/errors';
import { till } from '../bridge';

interface ExchangeState {
  status?: ExchangeStatus;
  error?: IpcError;
  load(): Promise<void>;
  receive(status: ExchangeStatus): void;
  configure(change: { folder: string | null; commitTimeoutMinutes?: number; networkShare?: boolean; supervisorPin: string }): Promise<IpcError | undefined>;
  resolve(requestId: string, note: string, supervisorPin: string): Promise<IpcError | undefined>;
}

/** The folder exchange as Settings and the attention screen show it (every check happens in main). */
export const useExchangeStore = create<ExchangeState>((set) => ({
  async load() {
    const result = await till().getExchangeStatus();
    set(result.ok ? { status: result.data, error: undefined } : { error: result.error });
  },
  receive: (status) => set({ status }),
  async configure(change) {
    const result = await till().configureExchange(change);
    if (!result.ok) return result.error;
    set({ status: result.data, error: undefined });
    return undefined;
  },
  async resolve(requestId, note, supervisorPin) {
    const result = await till().resolveExchangeAttention({ requestId, note, supervisorPin });
    if (!result.ok) return result.error;
    set({ status: result.data });
    return undefined;
  },
}));
