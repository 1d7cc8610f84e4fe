import { create } from 'zustand';
import type { EposInfo, EposStatus, RefundRequestView } from '../../shared/epos';
import type { IpcError } from '../../shared/errors';
import { till } from '../bridge';
import { withPin } from '../lib/pin';
import { useAppStore } from './app-store';
import { usePaymentStore } from './payment-store';

interface EposState {
  info?: EposInfo;
  pending: RefundRequestView[];
  error?: IpcError;
  load(): Promise<void>;
  /** The token for a supervisor (main checks the PIN), or the error. */
  reveal(supervisorPin: string): Promise<{ token: string } | { error: IpcError }>;
  /** A new token (the EPOS's old one stops working at once): the new token, or the error. */
  regenerate(supervisorPin: string): Promise<{ token: string } | { error: IpcError }>;
  setPending(pending: RefundRequestView[]): void;
  /** The API's state pushed by main (`epos:status`): listening, or why the EPOS cannot reach the companion. */
  setStatus(status: EposStatus): void;
  /** Confirms the request as shown (its amount and currency go with the PIN, so main refuses a swapped one). */
  confirm(request: RefundRequestView, supervisorPin: string): Promise<IpcError | undefined>;
  decline(requestId: string): Promise<void>;
}

/** Requests whose confirmation is on its way to main: a second Enter or click on the same request sends nothing. */
const confirming = new Set<string>();

/** The EPOS integration as the cashier sees it: the API address and token, and refunds waiting for a PIN. */
export const useEposStore = create<EposState>((set) => ({
  pending: [],
  async load() {
    const [info, pending] = await Promise.all([till().getEposInfo(), till().listRefundRequests()]);
    set({ ...(info.ok ? { info: info.data } : { error: info.error }), ...(pending.ok ? { pending: pending.data.pending } : {}) });
  },
  async reveal(supervisorPin) {
    const result = await till().revealEposToken(withPin(supervisorPin));
    return result.ok ? result.data : { error: result.error };
  },
  async regenerate(supervisorPin) {
    const result = await till().regenerateEposToken(withPin(supervisorPin));
    const info = await till().getEposInfo();
    if (info.ok) set({ info: info.data });
    return result.ok ? result.data : { error: result.error };
  },
  setPending: (pending) => set({ pending }),
  setStatus: (status) => set((state) => (state.info ? { info: { ...state.info, ...status } } : {})),
  async confirm(request, supervisorPin) {
    if (confirming.has(request.requestId)) return undefined;
    confirming.add(request.requestId);
    const result = await till()
      .confirmRefundRequest({ requestId: request.requestId, amount: request.amount, currency: request.currency as 'GBP' | 'EUR', ...withPin(supervisorPin) })
      .finally(() => confirming.delete(request.requestId));
    if (!result.ok) return result.error;
    // Answered: the dialog closes now (main's push of the queue says the same, perhaps a moment later).
    set((state) => ({ pending: state.pending.filter((r) => r.requestId !== request.requestId) }));
    // Shown (and the Refund screen opened) unless the cashier already closed it: a late answer moves nobody's screen.
    if (usePaymentStore.getState().show(result.data) && !useAppStore.getState().compact && useAppStore.getState().screen !== 'refund') useAppStore.getState().show('refund');
    return undefined;
  },
  async decline(requestId) {
    await till().declineRefundRequest({ requestId });
  },
}));
