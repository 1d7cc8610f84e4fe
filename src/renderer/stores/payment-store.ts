import { create } from 'zustand';
import type { IpcError, IpcResult } from '../../shared/errors';
import { RUNNING_STATUSES, type PaymentView } from '../../shared/payments';
import { till } from '../bridge';
import { withPin } from '../lib/pin';

interface PaymentState {
  /** The payment on the sale/refund screen (running or just finished). */
  current?: PaymentView;
  error?: IpcError;
  busy: boolean;
  startSale(input: { amount: number; currency: 'GBP' | 'EUR'; reference?: string; terminalId: string }): Promise<boolean>;
  /** Above the build's threshold the supervisor PIN goes with it (checked in main). */
  startMatchedRefund(input: { paymentId: string; amount: number; terminalId: string; supervisorPin?: string }): Promise<boolean>;
  startUnlinkedRefund(input: { amount: number; currency: 'GBP' | 'EUR'; reference?: string; terminalId: string; supervisorPin: string }): Promise<boolean>;
  cancel(): Promise<void>;
  answerSignature(accepted: boolean): Promise<void>;
  show(payment: PaymentView): void;
  dismiss(): void;
  receive(update: PaymentView): void;
  clearError(): void;
}

export const isRunning = (payment?: PaymentView) => !!payment && RUNNING_STATUSES.includes(payment.status);

export const usePaymentStore = create<PaymentState>((set, get) => {
  // Pushed updates can overtake the answer to "start" (a busy terminal fails within milliseconds): keep the
  // latest view of recent payments so the answer never puts an older state back on screen.
  const latest = new Map<string, PaymentView>();
  const newest = (view: PaymentView) => {
    const seen = latest.get(view.id);
    return seen && seen.updatedAt >= view.updatedAt ? seen : view;
  };
  async function start(call: Promise<IpcResult<PaymentView>>): Promise<boolean> {
    set({ busy: true, error: undefined });
    const result = await call;
    set(result.ok ? { current: newest(result.data), busy: false } : { error: result.error, busy: false });
    return result.ok;
  }
  async function act(call: (id: string) => Promise<IpcResult<PaymentView>>) {
    const current = get().current;
    if (!current) return;
    const result = await call(current.id);
    if (result.ok) get().receive(result.data);
    else set({ error: result.error });
  }
  return {
    busy: false,
    startSale: (input) => start(till().startSale(input)),
    startMatchedRefund: ({ supervisorPin, ...input }) => start(till().startMatchedRefund({ ...input, ...withPin(supervisorPin) })),
    startUnlinkedRefund: ({ supervisorPin, ...input }) => start(till().startUnlinkedRefund({ ...input, ...withPin(supervisorPin) })),
    cancel: () => act((paymentId) => till().cancelPayment({ paymentId })),
    answerSignature: (accepted) => act((paymentId) => till().answerSignature({ paymentId, accepted })),
    show: (payment) => set({ current: payment, error: undefined }),
    dismiss: () => set({ current: undefined, error: undefined }),
    clearError: () => set({ error: undefined }),
    /** A pushed update (or an answer): newer views replace older ones for the payment on screen. */
    receive(update) {
      latest.set(update.id, newest(update));
      if (latest.size > 50) latest.delete(latest.keys().next().value!);
      const current = get().current;
      if (current?.id === update.id && update.updatedAt >= current.updatedAt) set({ current: update });
    },
  };
});
