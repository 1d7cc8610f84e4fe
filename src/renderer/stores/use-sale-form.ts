import type { AmountState } from '../components/AmountEntry';
import { usePaymentStore } from './payment-store';
import { useSaleEntryStore } from './sale-entry-store';
import { useSettingsStore } from './settings-store';
import { useChosenTerminal } from './terminals-store';
import { useShallow } from 'zustand/react/shallow';

/**
 * A new sale as the Sale screen and the compact window take it: amount, reference (both kept in the sale-entry
 * store across screens), the chosen terminal, Pay, and Try again (the last attempt's amount and reference back in
 * the form, for a new attempt).
 */
export function useSaleForm() {
  const { current, startSale, busy, dismiss, lastAttempt } = usePaymentStore(useShallow((s) => ({ current: s.current, startSale: s.startSale, busy: s.busy, dismiss: s.dismiss, lastAttempt: s.lastAttempt })));
  const currency = useSettingsStore((s) => s.view?.currency ?? 'GBP');
  const chosen = useChosenTerminal();
  const entry = useSaleEntryStore();
  const amount: AmountState = { amount: entry.amount, prefilled: entry.prefilled, digit: entry.digit, backspace: entry.backspace, set: entry.set };
  const { reference, setReference } = entry;
  const canPay = amount.amount > 0 && chosen.ready && !busy;

  const pay = async () => {
    if (!canPay) return;
    const ok = await startSale({ amount: amount.amount, currency, terminalId: chosen.id!, ...(reference.trim() ? { reference: reference.trim() } : {}) });
    if (ok) entry.clear();
  };
  const tryAgain =
    lastAttempt?.kind === 'sale' && lastAttempt.paymentId === current?.id
      ? () => {
          entry.set(lastAttempt.input.amount);
          setReference(lastAttempt.input.reference ?? '');
          dismiss();
        }
      : undefined;
  return { amount, reference, setReference, currency, chosen, busy, canPay, pay, tryAgain };
}
