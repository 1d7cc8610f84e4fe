import { create } from 'zustand';
import type { IpcError, IpcResult } from '../../shared/errors';
import { RUNNING_STATUSES, type PaymentView } from '../../shared/payments';
import { till } from '../bridge';
import { withPin } from '../lib/pin';

/** What the cashier asked for last, so "Try again" can repeat it as a new attempt (a new payment, a new intent). */
export type Attempt =
  | { kind: 'sale'; input: { amount: number; currency: 'GBP' | 'EUR'; reference?: string; terminalId: string } }
  | { kind: 'matchedRefund'; input: { paymentId: string; amount: number; terminalId: string } };
/** Above the build's threshold a matched refund carries the supervisor PIN (checked in main, never kept for Try again). */
type MatchedRefundInput = Extract<Attempt, { kind: 'matchedRefund' }>['input'] & { supervisorPin?: string };

interface PaymentState {
  /** The payment on the sale/refund screen or the compact view (running or just finished). */
  current?: PaymentView;
  /** Every payment on its way at this till, newest first: the bar on every screen shows those not on screen. */
  running: PaymentView[];
  error?: IpcError;
  busy: boolean;
  /** The cashier's last start and the payment it made, kept until the next one (Try again). */
  lastAttempt?: Attempt & { paymentId?: string };
  startSale(input: Extract<Attempt, { kind: 'sale' }>['input']): Promise<boolean>;
  startMatchedRefund(input: MatchedRefundInput): Promise<boolean>;
  startUnlinkedRefund(input: { amount: number; currency: 'GBP' | 'EUR'; reference?: string; terminalId: string; supervisorPin: string }): Promise<boolean>;
  /** Cancels that payment — always named: never "whatever is on screen now", which a push may have changed. */
  cancel(paymentId: string): Promise<IpcError | undefined>;
  answerSignature(paymentId: string, accepted: boolean): Promise<IpcError | undefined>;
  /**
   * Puts a payment on screen (the EPOS started it, a refund request was confirmed, a restart found it running).
   * A payment the cashier already closed with Done / New sale stays closed: a late answer never brings it back.
   * `asked`: the cashier asked for it (the bar's Show payment), which always shows it. True when it is on screen.
   */
  show(payment: PaymentView, asked?: boolean): boolean;
  dismiss(): void;
  receive(update: PaymentView): void;
  clearError(): void;
}

export const isRunning = (payment?: PaymentView) => !!payment && RUNNING_STATUSES.includes(payment.status);

export const usePaymentStore = create<PaymentState>((set, get) => {
  // Answers and pushed updates travel separately (a fast failure is pushed before the answer to "start" arrives):
  // the newest revision of each recent payment wins, whichever came last.
  const latest = new Map<string, PaymentView>();
  // Payments the cashier closed (Done / New sale): an answer or push arriving after that does not reopen them.
  const dismissed = new Set<string>();
  const remember = (view: PaymentView): PaymentView => {
    const seen = latest.get(view.id);
    if (seen && seen.revision >= view.revision) return seen;
    latest.delete(view.id);
    latest.set(view.id, view);
    if (latest.size > 50) latest.delete(latest.keys().next().value!);
    return view;
  };
  const runningWith = (view: PaymentView): PaymentView[] => {
    const others = get().running.filter((p) => p.id !== view.id);
    return isRunning(view) ? [view, ...others].sort((a, b) => b.createdAt.localeCompare(a.createdAt)) : others;
  };
  const put = (view: PaymentView, onScreen: boolean) => {
    const newest = remember(view);
    const current = get().current;
    set({ running: runningWith(newest), ...(onScreen || current?.id === newest.id ? { current: newest } : {}) });
  };

  /**
   * One start at a time: a second Pay / Enter while the first is on its way to main starts nothing (a triple Enter
   * is one payment even if the screen has not re-rendered between the presses). The call is made only here.
   */
  async function start(call: () => Promise<IpcResult<PaymentView>>, attempt?: Attempt): Promise<boolean> {
    if (get().busy) return false;
    set({ busy: true, error: undefined, ...(attempt ? { lastAttempt: attempt } : {}) });
    // A bridge that throws (never expected: results carry errors) must not leave the till unable to start again.
    const result = await call().catch((error: unknown) => (set({ busy: false }), Promise.reject(error)));
    if (result.ok) {
      if (attempt) set({ lastAttempt: { ...attempt, paymentId: result.data.id } });
      put(result.data, true);
    }
    set(result.ok ? { busy: false } : { error: result.error, busy: false });
    return result.ok;
  }
  async function act(id: string, call: (id: string) => Promise<IpcResult<PaymentView>>): Promise<IpcError | undefined> {
    const result = await call(id);
    if (result.ok) get().receive(result.data);
    else set({ error: result.error });
    return result.ok ? undefined : result.error;
  }
  return {
    running: [],
    busy: false,
    startSale: (input) => start(() => till().startSale(input), { kind: 'sale', input }),
    startMatchedRefund: ({ supervisorPin, ...input }) => start(() => till().startMatchedRefund({ ...input, ...withPin(supervisorPin) }), { kind: 'matchedRefund', input }),
    startUnlinkedRefund: ({ supervisorPin, ...input }) => start(() => till().startUnlinkedRefund({ ...input, ...withPin(supervisorPin) })),
    cancel: (paymentId) => act(paymentId, (id) => till().cancelPayment({ paymentId: id })),
    answerSignature: (paymentId, accepted) => act(paymentId, (id) => till().answerSignature({ paymentId: id, accepted })),
    show: (payment, asked = false) => {
      if (asked) dismissed.delete(payment.id);
      if (dismissed.has(payment.id)) return put(payment, false), false;
      set({ error: undefined });
      put(payment, true);
      return true;
    },
    dismiss: () => {
      const id = get().current?.id;
      if (id) {
        dismissed.add(id);
        if (dismissed.size > 50) dismissed.delete(dismissed.values().next().value!);
      }
      set({ current: undefined, error: undefined });
    },
    clearError: () => set({ error: undefined }),
    /** A pushed update (or an answer): the newest revision replaces older ones, on screen and in the bar. */
    receive: (update) => put(update, false),
  };
});
