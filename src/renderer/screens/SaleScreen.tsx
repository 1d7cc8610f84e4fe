import { useState } from 'react';
import { AmountEntry, useAmount } from '../components/AmountEntry';
import { ErrorBox } from '../components/ErrorBox';
import { PaymentPanel } from '../components/PaymentPanel';
import { TerminalPicker } from '../components/TerminalPicker';
import { formatMoney } from '../lib/format';
import { usePaymentStore } from '../stores/payment-store';
import { useSettingsStore } from '../stores/settings-store';
import { useChosenTerminal } from '../stores/terminals-store';
import { ScreenHeading } from '../components/ScreenHeading';
import { TerminalNotReady } from '../components/TerminalNotReady';

/**
 * Amount (keypad or keyboard: typing 1250 shows £12.50), optional EPOS reference, Pay. A sale starts only from
 * the Pay button or Enter in this form — never from a key pressed elsewhere.
 */
export function SaleScreen() {
  const { current, startSale, busy, error, dismiss, lastAttempt } = usePaymentStore();
  const currency = useSettingsStore((s) => s.view?.currency ?? 'GBP');
  const chosen = useChosenTerminal();
  const amount = useAmount();
  const [reference, setReference] = useState('');
  const canPay = amount.amount > 0 && chosen.ready && !busy;

  const pay = async () => {
    if (!canPay) return;
    const ok = await startSale({ amount: amount.amount, currency, terminalId: chosen.id!, ...(reference.trim() ? { reference: reference.trim() } : {}) });
    if (ok) {
      amount.set(0);
      setReference('');
    }
  };
  // A new attempt of the same sale: amount and reference back in the form; the cashier pays again (a new intent).
  const tryAgain =
    lastAttempt?.kind === 'sale' && lastAttempt.paymentId === current?.id
      ? () => {
          amount.set(lastAttempt.input.amount);
          setReference(lastAttempt.input.reference ?? '');
          dismiss();
        }
      : undefined;

  if (current) return <PaymentPanel payment={current} onDone={dismiss} onTryAgain={tryAgain} />;

  return (
    <div className="sale-screen">
      <ScreenHeading>Sale</ScreenHeading>
      <TerminalPicker />
      <form
        className="amount-entry"
        aria-labelledby="amount-heading"
        onSubmit={(event) => {
          event.preventDefault();
          void pay();
        }}
      >
        <h2 id="amount-heading" className="sr-only">
          Amount
        </h2>
        <AmountEntry id="sale-amount" label="Amount" state={amount} currency={currency} onSubmit={() => void pay()} disabled={busy} autoFocus testId="amount-display" />
        <label className="field">
          <span>EPOS reference (optional)</span>
          <input value={reference} maxLength={60} onChange={(e) => setReference(e.target.value)} placeholder="e.g. Table 12 / Order 4711" />
        </label>
        <TerminalNotReady />
        <ErrorBox message={error?.message} />
        <button type="submit" className="primary pay" disabled={!canPay} aria-keyshortcuts="Enter">
          Pay {formatMoney(amount.amount, currency)} <kbd aria-hidden="true">Enter</kbd>
        </button>
      </form>
    </div>
  );
}
