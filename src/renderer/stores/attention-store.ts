import { create } from 'zustand';
import type { IpcError } from '../../shared/errors';
import type { PaymentView } from '../../shared/payments';
import { till } from '../bridge';
import { withPin } from '../lib/pin';

interface AttentionState {
  payments: PaymentView[];
  error?: IpcError;
  load(): Promise<void>;
  /** A person's verdict: the supervisor's, with the PIN (checked in main). */
  resolve(paymentId: string, outcome: 'approved' | 'not_charged', note: string, supervisorPin: string): Promise<IpcError | undefined>;
  receive(update: PaymentView): void;
}

/** Payments the engine could not resolve by itself: shown prominently until the cashier records the outcome. */
export const useAttentionStore = create<AttentionState>((set, get) => ({
  payments: [],
  async load() {
    const result = await till().listActivePayments();
    set(result.ok ? { payments: result.data.payments.filter((p) => p.status === 'needs_attention'), error: undefined } : { error: result.error });
  },
  async resolve(paymentId, outcome, note, supervisorPin) {
    const result = await till().resolvePayment({ paymentId, outcome, note, ...withPin(supervisorPin) });
    if (!result.ok) return result.error;
    set({ payments: get().payments.filter((p) => p.id !== paymentId) });
    return undefined;
  },
  receive(update) {
    const others = get().payments.filter((p) => p.id !== update.id);
    set({ payments: update.status === 'needs_attention' ? [update, ...others] : others });
  },
}));
