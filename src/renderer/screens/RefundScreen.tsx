import { useState } from 'react';
import type { PaymentView } from '../../shared/payments';
import { Keypad } from '../components/Keypad';
import { PaymentPanel } from '../components/PaymentPanel';
import { TerminalPicker } from '../components/TerminalPicker';
import { appendDigit, formatDateTime, formatMoney, removeDigit } from '../lib/format';
import { useHistoryStore } from '../stores/history-store';
import { usePaymentStore } from '../stores/payment-store';
import { useSettingsStore } from '../stores/settings-store';
import { till } from '../bridge';
import { ErrorBox } from '../components/ErrorBox';
import { pinEntered, SupervisorPinInput } from '../components/SupervisorPinInput';

/** Refund a sale from history (matched refund, partial allowed) or, behind the supervisor PIN, an unlinked refund. */
export function RefundScreen() {
  const { current, dismiss } = usePaymentStore();
  const [mode, setMode] = useState<'matched' | 'unlinked'>('matched');
  const sale = useHistoryStore((s) => s.detail?.payment);
  if (current) return <PaymentPanel payment={current} onDone={dismiss} />;
  return (
    <div className="refund-screen">
      <TerminalPicker />
      <section className="panel" aria-labelledby="refund-heading">
        <h2 id="refund-heading">Refund</h2>
        <div className="tabs" role="tablist" aria-label="Kind of refund">
          <button type="button" role="tab" aria-selected={mode === 'matched'} onClick={() => setMode('matched')}>
            Refund a sale
          </button>
          <button type="button" role="tab" aria-selected={mode === 'unlinked'} onClick={() => setMode('unlinked')}>
            Unlinked refund
          </button>
        </div>
        {mode === 'matched' ? <MatchedRefund sale={sale?.type === 'Sale' ? sale : undefined} /> : <UnlinkedRefund />}
      </section>
    </div>
  );
}

function MatchedRefund({ sale: preselected }: { sale?: PaymentView }) {
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<PaymentView[]>([]);
  const [sale, setSale] = useState<PaymentView | undefined>(preselected);
  const [amount, setAmount] = useState(preselected?.refundableAmount ?? 0);
  const { startMatchedRefund, busy, error } = usePaymentStore();
  const terminalId = useSettingsStore((s) => s.view?.terminalId ?? null);
  const threshold = useSettingsStore((s) => s.view?.matchedRefundPinThreshold);
  const [pin, setPin] = useState('');

  const find = async () => {
    const result = await till().listHistory({ statuses: ['approved'], types: ['Sale'], limit: 10, offset: 0, ...(search.trim() ? { search: search.trim() } : {}) });
    if (result.ok) setFound(result.data.items);
  };
  const choose = (payment: PaymentView) => {
    setSale(payment);
    setAmount(payment.refundableAmount);
  };

  if (!sale) {
    return (
      <div>
        <label className="field">
          <span>Find the sale by its reference</span>
          <input value={search} onChange={(e) => setSearch(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void find()} placeholder="Reference or payment id" />
        </label>
        <button type="button" className="secondary" onClick={() => void find()}>
          Find approved sales
        </button>
        <ul className="pick-list">
          {found.map((p) => (
            <li key={p.id}>
              <button type="button" className="list-button" onClick={() => choose(p)} disabled={p.refundableAmount === 0}>
                {p.reference} · {formatMoney(p.result?.totalAmount ?? p.amount, p.currency)} · {formatDateTime(p.createdAt)} {p.refundableAmount === 0 ? '· fully refunded' : ''}
              </button>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const tooMuch = amount > sale.refundableAmount;
  const limit = threshold?.[sale.currency as 'GBP' | 'EUR'] ?? 0;
  // Refunds of one sale count together against the threshold (main decides; this only shows the PIN field).
  const needsPin = sale.refundedAmount + amount > limit;
  return (
    <div>
      <p>
        Sale <strong>{sale.reference}</strong> of {formatMoney(sale.result?.totalAmount ?? sale.amount, sale.currency)} — {formatMoney(sale.refundableAmount, sale.currency)} left to refund.
      </p>
      <output className="amount-display" data-testid="refund-amount">
        {formatMoney(amount, sale.currency)}
      </output>
      <Keypad onDigit={(d) => setAmount((a) => appendDigit(a, d))} onBackspace={() => setAmount(removeDigit)} />
      {tooMuch && <p className="note">At most {formatMoney(sale.refundableAmount, sale.currency)} can be refunded.</p>}
      {!!sale.result?.cashbackAmount && <p className="muted">The {formatMoney(sale.result.cashbackAmount, sale.currency)} cashback was paid in cash and is not refunded to the card.</p>}
      {needsPin && (
        <>
          <p className="muted">Refunds of this sale above {formatMoney(limit, sale.currency)} in all need the supervisor.</p>
          <SupervisorPinInput value={pin} onChange={setPin} />
        </>
      )}
      <ErrorBox message={error?.message} />
      <div className="row">
        <button type="button" className="secondary" onClick={() => setSale(undefined)}>
          Choose another sale
        </button>
        <button type="button" className="primary" disabled={busy || tooMuch || amount <= 0 || !terminalId || (needsPin && !pinEntered(pin))}
          onClick={() => void startMatchedRefund({ paymentId: sale.id, amount, terminalId: terminalId!, ...(needsPin ? { supervisorPin: pin } : {}) }).then(() => setPin(''))}
        >
          Refund {formatMoney(amount, sale.currency)} to the card
        </button>
      </div>
    </div>
  );
}

function UnlinkedRefund() {
  const settings = useSettingsStore((s) => s.view);
  const { startUnlinkedRefund, busy, error } = usePaymentStore();
  const [amount, setAmount] = useState(0);
  const [reference, setReference] = useState('');
  const [pin, setPin] = useState('');
  const [confirming, setConfirming] = useState(false);
  const currency = settings?.currency ?? 'GBP';
  const limit = settings?.limits?.unlinkedRefund[currency] ?? 0;
  if (!settings?.supervisorPinSet) return <p className="note">Unlinked refunds need a supervisor PIN. Set one in Settings first.</p>;
  if (settings.supervisor.locked) return <ErrorBox message={settings.supervisor.locked} />;
  const overLimit = amount > limit;
  return (
    <div>
      <p className="muted">
        Refunds any card without the original sale, so a supervisor approves each one. Limit at this till: {formatMoney(limit, currency)} each
        {settings.limits && (
          <>
            ; today {settings.limits.usedToday.count} of {settings.limits.daily.count} refunds, {formatMoney(settings.limits.usedToday.amount[currency], currency)} of{' '}
            {formatMoney(settings.limits.daily.amount[currency], currency)}
          </>
        )}
        .
      </p>
      <output className="amount-display" data-testid="unlinked-amount">
        {formatMoney(amount, currency)}
      </output>
      <Keypad onDigit={(d) => setAmount((a) => appendDigit(a, d))} onBackspace={() => setAmount(removeDigit)} disabled={confirming} />
      {overLimit && <p className="note">Above this till’s limit of {formatMoney(limit, currency)}.</p>}
      <label className="field">
        <span>Reference (optional)</span>
        <input value={reference} maxLength={60} onChange={(e) => setReference(e.target.value)} disabled={confirming} />
      </label>
      <SupervisorPinInput value={pin} onChange={setPin} />
      <ErrorBox message={error?.message} />
      {!confirming ? (
        <button type="button" className="primary" disabled={amount <= 0 || overLimit || !pinEntered(pin)} onClick={() => setConfirming(true)}>
          Continue
        </button>
      ) : (
        <div className="confirm-box" role="group" aria-label="Confirm the unlinked refund">
          <p>
            Refund <strong>{formatMoney(amount, currency)}</strong> to the card the customer presents?
          </p>
          <div className="row">
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Back
            </button>
            <button
              type="button"
              className="primary"
              disabled={busy || !settings.terminalId}
              onClick={() => void startUnlinkedRefund({ amount, currency, terminalId: settings.terminalId!, supervisorPin: pin, ...(reference.trim() ? { reference: reference.trim() } : {}) }).then((ok) => ok || setConfirming(false))}
            >
              Yes, refund {formatMoney(amount, currency)}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
