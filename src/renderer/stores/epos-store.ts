import { create } from 'zustand';
import type { EposInfo, EposStatus, RefundRequestView } from '../../shared/epos';
import type { IpcError } from '../../shared/errors';
import { till } from '../bridge';
import { useAppStore } from './app-store';
import { usePaymentStore } from './payment-store';

interface EposState {
  info?: EposInfo;
  pending: RefundRequestView[];
  error?: IpcError;
  load(): Promise<void>;
  regenerate(): Promise<void>;
  setPending(pending: RefundRequestView[]): void;
  /** The API's state pushed by main (`epos:status`): listening, or why the EPOS cannot reach the companion. */
  setStatus(status: EposStatus): void;
  confirm(requestId: string, supervisorPin: string): Promise<IpcError | undefined>;
  decline(requestId: string): Promise<void>;
}

/** The EPOS integration as the cashier sees it: the API address and token, and refunds waiting for a PIN. */
export const useEposStore = create<EposState>((set) => ({
  pending: [],
  async load() {
    const [info, pending] = await Promise.all([till().getEposInfo(), till().listRefundRequests()]);
    set({ ...(info.ok ? { info: info.data } : { error: info.error }), ...(pending.ok ? { pending: pending.data.pending } : {}) });
  },
  async regenerate() {
    const result = await till().regenerateEposToken();
    set(result.ok ? { info: result.data, error: undefined } : { error: result.error });
  },
  setPending: (pending) => set({ pending }),
  setStatus: (status) => set((state) => (state.info ? { info: { ...state.info, ...status } } : {})),
  async confirm(requestId, supervisorPin) {
    const result = await till().confirmRefundRequest({ requestId, supervisorPin });
    if (!result.ok) return result.error;
    usePaymentStore.getState().show(result.data);
    if (!useAppStore.getState().compact) useAppStore.getState().show('refund');
    return undefined;
  },
  async decline(requestId) {
    await till().declineRefundRequest({ requestId });
  },
}));
