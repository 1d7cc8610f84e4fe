import { create } from 'zustand';
import type { IpcError } from '../../shared/errors';
import type { PaymentView } from '../../shared/payments';
import { till } from '../bridge';
import { withPin } from '../lib/pin';

interface AttentionState {
  payments: PaymentView[];
  error?: IpcError;
  load(): Promise<void>;
  /** A person's verdict: the supervisor's, with the PIN (checked in main), and who records it. */
  resolve(paymentId: string, outcome: 'approved' | 'not_charged', note: string, supervisorPin: string, by?: string): Promise<IpcError | undefined>;
  /** A supervisor has seen that Dojo's record contradicted a verdict. */
  acknowledge(paymentId: string, note: string, supervisorPin: string, by?: string): Promise<IpcError | undefined>;
  receive(update: PaymentView): void;
}

/** Needs a person: a payment Dojo has not settled, or a verdict Dojo's record contradicted and nobody has acknowledged. */
export const needsPerson = (p: PaymentView) => p.status === 'needs_attention' || (!!p.contradiction && !p.contradiction.acknowledged);

/** Payments the engine could not resolve by itself: shown prominently until the cashier records the outcome. */
export const useAttentionStore = create<AttentionState>((set, get) => ({
  payments: [],
  async load() {
    const result = await till().listActivePayments();
    set(result.ok ? { payments: result.data.payments.filter(needsPerson), error: undefined } : { error: result.error });
  },
  async resolve(paymentId, outcome, note, supervisorPin, by) {
    const result = await till().resolvePayment({ paymentId, outcome, note, ...(by?.trim() ? { by: by.trim() } : {}), ...withPin(supervisorPin) });
    if (!result.ok) return result.error;
    get().receive(result.data);
    return undefined;
  },
  async acknowledge(paymentId, note, supervisorPin, by) {
    const result = await till().acknowledgeContradiction({ paymentId, note, ...(by?.trim() ? { by: by.trim() } : {}), ...withPin(supervisorPin) });
    if (!result.ok) return result.error;
    get().receive(result.data);
    return undefined;
  },
  receive(update) {
    const others = get().payments.filter((p) => p.id !== update.id);
    set({ payments: needsPerson(update) ? [update, ...others] : others });
  },
}));
