import { useEffect, useState } from 'react';
import { Keypad } from '../components/Keypad';
import { PaymentPanel } from '../components/PaymentPanel';
import { TerminalPicker } from '../components/TerminalPicker';
import { appendDigit, formatMoney, removeDigit } from '../lib/format';
import { usePaymentStore } from '../stores/payment-store';
import { useSettingsStore } from '../stores/settings-store';
import { ErrorBox } from '../components/ErrorBox';

/** Amount (keypad or keyboard: typing 1250 shows £12.50), optional EPOS reference, Pay. */
export function SaleScreen() {
  const { current, startSale, busy, error, dismiss } = usePaymentStore();
  const settings = useSettingsStore((s) => s.view);
  const [amount, setAmount] = useState(0);
  const [reference, setReference] = useState('');
  const currency = settings?.currency ?? 'GBP';
  const terminalId = settings?.terminalId ?? null;
  const canPay = amount > 0 && !!terminalId && !busy;

  const pay = async () => {
    if (!canPay) return;
    const ok = await startSale({ amount, currency, terminalId: terminalId!, ...(reference.trim() ? { reference: reference.trim() } : {}) });
    if (ok) {
      setAmount(0);
      setReference('');
    }
  };

  useEffect(() => {
    if (current) return undefined;
    const onKey = (event: KeyboardEvent) => {
      // Enter pays from anywhere on the screen (also after typing the reference); digits go to the amount
      // unless the cashier is typing in a field.
      if (event.key === 'Enter' && canPay) {
        event.preventDefault();
        void pay();
        return;
      }
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
      if (/^\d$/.test(event.key)) setAmount((a) => appendDigit(a, event.key));
      else if (event.key === 'Backspace') setAmount(removeDigit);
      else if (event.key === 'Escape') setAmount(0);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (current) return <PaymentPanel payment={current} onDone={dismiss} />;

  return (
    <div className="sale-screen">
      <TerminalPicker />
      <section className="amount-entry" aria-labelledby="amount-heading">
        <h2 id="amount-heading">Amount</h2>
        <output className="amount-display" aria-live="polite" data-testid="amount-display">
          {formatMoney(amount, currency)}
        </output>
        <p className="muted minor">{amount} minor units · {currency}</p>
        <Keypad onDigit={(d) => setAmount((a) => appendDigit(a, d))} onBackspace={() => setAmount(removeDigit)} disabled={busy} />
        <label className="field">
          <span>EPOS reference (optional)</span>
          <input value={reference} maxLength={60} onChange={(e) => setReference(e.target.value)} placeholder="e.g. Table 12 / Order 4711" />
        </label>
        {!terminalId && <p className="note">Choose a terminal first.</p>}
        <ErrorBox message={error?.message} />
        <button type="button" className="primary pay" disabled={!canPay} onClick={() => void pay()}>
          Pay {formatMoney(amount, currency)} <kbd>Enter</kbd>
        </button>
      </section>
    </div>
  );
}
