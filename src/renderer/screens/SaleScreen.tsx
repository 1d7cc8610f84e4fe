import { AmountEntry } from '../components/AmountEntry';
import { ErrorBox } from '../components/ErrorBox';
import { PaymentPanel } from '../components/PaymentPanel';
import { TerminalPicker } from '../components/TerminalPicker';
import { formatMoney } from '../lib/format';
import { usePaymentStore } from '../stores/payment-store';
import { useSaleForm } from '../stores/use-sale-form';
import { ScreenHeading } from '../components/ScreenHeading';
import { TerminalNotReady } from '../components/TerminalNotReady';
import { useShallow } from 'zustand/react/shallow';

/**
 * Amount (keypad or keyboard: typing 1250 shows £12.50), optional EPOS reference, Pay. A sale starts only from
 * the Pay button or Enter in this form — never from a key pressed elsewhere.
 */
export function SaleScreen() {
  const { current, error, dismiss } = usePaymentStore(useShallow((s) => ({ current: s.current, error: s.error, dismiss: s.dismiss })));
  const { amount, reference, setReference, currency, busy, canPay, pay, tryAgain } = useSaleForm();

  if (current) return <PaymentPanel key={current.id} payment={current} onDone={dismiss} onTryAgain={tryAgain} />;

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
