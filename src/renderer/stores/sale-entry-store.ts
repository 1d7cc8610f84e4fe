import { create } from 'zustand';
import { amountReducer, type AmountAction, type TypedAmount } from '../lib/amount';

/**
 * The sale being typed (amount and EPOS reference, not yet paid). It lives here, not in the Sale screen, so it
 * survives whatever takes the screen away — the Refund screen opened for a confirmed EPOS refund, F-keys, the
 * compact window — and is cleared only by the cashier: the sale starting, New sale, or Escape / Delete / Backspace.
 */
interface SaleEntryState extends TypedAmount {
  reference: string;
  digit(digit: string): void;
  backspace(): void;
  set(minor: number, prefill?: boolean): void;
  setReference(reference: string): void;
  clear(): void;
}

export const useSaleEntryStore = create<SaleEntryState>((set, get) => {
  const typed = (action: AmountAction) => set(amountReducer({ amount: get().amount, prefilled: get().prefilled }, action));
  return {
    amount: 0,
    prefilled: false,
    reference: '',
    digit: (digit) => typed({ kind: 'digit', digit }),
    backspace: () => typed({ kind: 'backspace' }),
    set: (minor, prefill = false) => typed({ kind: 'set', minor, prefill }),
    setReference: (reference) => set({ reference }),
    clear: () => set({ amount: 0, prefilled: false, reference: '' }),
  };
});
