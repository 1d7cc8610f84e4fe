import { useEffect, useRef, useState } from 'react';
import type { PaymentView } from '../../shared/payments';
import { AmountEntry, useAmount } from '../components/AmountEntry';
import { ErrorBox } from '../components/ErrorBox';
import { PaymentPanel } from '../components/PaymentPanel';
import { ScreenHeading } from '../components/ScreenHeading';
import { TerminalNotReady } from '../components/TerminalNotReady';
import { TerminalPicker } from '../components/TerminalPicker';
import { formatDateTime, formatMoney } from '../lib/format';
import { till } from '../bridge';
import { useAppStore } from '../stores/app-store';
import { usePaymentStore } from '../stores/payment-store';
import { useSettingsStore } from '../stores/settings-store';
import { useChosenTerminal } from '../stores/terminals-store';
import { pinEntered, SupervisorPinInput } from '../components/SupervisorPinInput';
import { useShallow } from 'zustand/react/shallow';

/** Refund a sale (matched refund, partial allowed) or, behind the supervisor PIN, an unlinked refund. */
export function RefundScreen() {
  const { current, dismiss, lastAttempt } = usePaymentStore(useShallow((s) => ({ current: s.current, dismiss: s.dismiss, lastAttempt: s.lastAttempt })));
  const [mode, setMode] = useState<'matched' | 'unlinked'>('matched');
  const refund = useAppStore((s) => s.refund);
  if (current) {
    const tryAgain =
      lastAttempt?.kind === 'matchedRefund' && lastAttempt.paymentId === current.id
        ? () => {
            refund({ saleId: lastAttempt.input.paymentId, amount: lastAttempt.input.amount });
            dismiss();
          }
        : undefined;
    return <PaymentPanel key={current.id} payment={current} onDone={dismiss} onTryAgain={tryAgain} />;
  }
  const tabs = [
    { id: 'matched', label: 'Refund a sale' },
    { id: 'unlinked', label: 'Unlinked refund' },
  ] as const;
  const onTabKey = (event: React.KeyboardEvent) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const next = mode === 'matched' ? 'unlinked' : 'matched';
    setMode(next);
    document.getElementById(`refund-tab-${next}`)?.focus();
  };
  return (
    <div className="refund-screen">
      <ScreenHeading>Refund</ScreenHeading>
      <TerminalPicker />
      <section className="panel" aria-labelledby="refund-heading">
        <h2 id="refund-heading" className="sr-only">
          What to refund
        </h2>
        <div className="tabs" role="tablist" aria-label="Kind of refund">
          {tabs.map((tab) => (
            <button
              key={tab.id}
              id={`refund-tab-${tab.id}`}
              type="button"
              role="tab"
              aria-selected={mode === tab.id}
              aria-controls={`refund-panel-${tab.id}`}
              tabIndex={mode === tab.id ? 0 : -1}
              onClick={() => setMode(tab.id)}
              onKeyDown={onTabKey}
            >
              {tab.label}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`refund-panel-${mode}`} aria-labelledby={`refund-tab-${mode}`}>
          {mode === 'matched' ? <MatchedRefund /> : <UnlinkedRefund />}
        </div>
      </section>
    </div>
  );
}

/** Only an approved sale with something left to refund can be chosen. */
const refundable = (p: PaymentView) => p.type === 'Sale' && p.status === 'approved' && p.refundableAmount > 0;

function MatchedRefund() {
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<PaymentView[] | null>(null);
  const [sale, setSale] = useState<PaymentView>();
  const amount = useAmount();
  const { startMatchedRefund, busy, error } = usePaymentStore(useShallow((s) => ({ startMatchedRefund: s.startMatchedRefund, busy: s.busy, error: s.error })));
  const chosen = useChosenTerminal();
  const threshold = useSettingsStore((s) => s.view?.matchedRefundPinThreshold);
  const [pin, setPin] = useState('');
  const searchField = useRef<HTMLInputElement>(null);

  const choose = (payment: PaymentView, amountMinor?: number) => {
    setSale(payment);
    // What is left, ready to confirm; the first digit typed replaces it (never £12.50 + "0" = £125.00).
    amount.set(Math.min(amountMinor ?? payment.refundableAmount, payment.refundableAmount), true);
  };
  // Opened from History's Refund button (or Try again): that sale, read fresh, if it can still be refunded.
  useEffect(() => {
    const draft = useAppStore.getState().takeRefundDraft();
    if (!draft) return;
    void till()
      .getPayment({ paymentId: draft.saleId })
      .then((result) => result.ok && refundable(result.data.payment) && choose(result.data.payment, draft.amount));
  }, []);

  const find = async () => {
    const result = await till().listHistory({ statuses: ['approved'], types: ['Sale'], limit: 10, offset: 0, ...(search.trim() ? { search: search.trim() } : {}) });
    if (result.ok) setFound(result.data.items);
  };

  if (!sale) {
    return (
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void find();
        }}
      >
        <label className="field">
          <span>Find the sale: reference, amount, card’s last four digits or auth code</span>
          <input ref={searchField} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="e.g. Table 12, 12.50, 1013" />
        </label>
        <button type="submit" className="secondary">
          Find approved sales
        </button>
        {found && found.length === 0 && <p className="empty">No approved sale matches.</p>}
        <ul className="pick-list" aria-label="Approved sales found">
          {(found ?? []).map((p) => (
            <li key={p.id}>
              <button type="button" className="list-button" onClick={() => choose(p)} disabled={!refundable(p)}>
                {p.reference} · {formatMoney(p.result?.totalAmount ?? p.amount, p.currency)} · {formatDateTime(p.createdAt)}
                {p.result?.last4 ? ` · •••• ${p.result.last4}` : ''} {p.refundableAmount === 0 ? '· fully refunded' : ''}
              </button>
            </li>
          ))}
        </ul>
      </form>
    );
  }
  const tooMuch = amount.amount > sale.refundableAmount;
  // Above the build's threshold the supervisor approves the refund with the PIN (checked in main).
  const limit = threshold?.[sale.currency as 'GBP' | 'EUR'] ?? 0;
  // Refunds of one sale count together against the threshold (main decides; this only shows the PIN field).
  const needsPin = sale.refundedAmount + amount.amount > limit;
  const canRefund = !busy && !tooMuch && amount.amount > 0 && chosen.ready && (!needsPin || pinEntered(pin));
  const refund = () => {
    if (!canRefund) return;
    void startMatchedRefund({ paymentId: sale.id, amount: amount.amount, terminalId: chosen.id!, ...(needsPin ? { supervisorPin: pin } : {}) }).then(() => setPin(''));
  };
  return (
    <div>
      <p data-testid="refund-sale">
        Sale <strong>{sale.reference}</strong> of {formatMoney(sale.result?.totalAmount ?? sale.amount, sale.currency)}, {formatDateTime(sale.createdAt)} — {formatMoney(sale.refundableAmount, sale.currency)} left to refund.
      </p>
      <AmountEntry id="refund-amount" label="Refund amount" state={amount} currency={sale.currency} onSubmit={refund} disabled={busy} autoFocus testId="refund-amount" />
      {tooMuch && <p className="note">At most {formatMoney(sale.refundableAmount, sale.currency)} can be refunded on this sale.</p>}
      {!!sale.result?.cashbackAmount && <p className="muted">The {formatMoney(sale.result.cashbackAmount, sale.currency)} cashback was paid in cash and is not refunded to the card.</p>}
      {needsPin && (
        <div
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault(); // Enter in the PIN field refunds, like Enter in the amount
              refund();
            }
          }}
        >
          <p className="muted">Refunds of this sale above {formatMoney(limit, sale.currency)} in all need the supervisor.</p>
          <SupervisorPinInput value={pin} onChange={setPin} />
        </div>
      )}
      <TerminalNotReady />
      <ErrorBox message={error?.message} />
      <div className="row">
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setSale(undefined);
            amount.set(0);
          }}
        >
          Choose another sale
        </button>
        <button type="button" className="primary" disabled={!canRefund} onClick={refund}>
          Refund {formatMoney(amount.amount, sale.currency)} to the card
        </button>
      </div>
    </div>
  );
}

function UnlinkedRefund() {
  const settings = useSettingsStore((s) => s.view);
  const { startUnlinkedRefund, busy, error } = usePaymentStore(useShallow((s) => ({ startUnlinkedRefund: s.startUnlinkedRefund, busy: s.busy, error: s.error })));
  const chosen = useChosenTerminal();
  const amount = useAmount();
  const [reference, setReference] = useState('');
  const [pin, setPin] = useState('');
  const [confirming, setConfirming] = useState(false);
  // The question takes focus, not "Yes": a second Enter must not send a refund to the terminal.
  const question = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (confirming) question.current?.focus();
  }, [confirming]);
  const currency = settings?.currency ?? 'GBP';
  const limit = settings?.limits?.unlinkedRefund[currency] ?? 0;
  if (!settings?.supervisorPinSet) return <p className="note">Unlinked refunds need a supervisor PIN. Set one in Settings first.</p>;
  if (settings.supervisor.locked) return <ErrorBox message={settings.supervisor.locked} />;
  if (settings.supervisor.journalTampered) return <ErrorBox message={settings.supervisor.journalTampered} />;
  const overLimit = amount.amount > limit;
  const canContinue = amount.amount > 0 && !overLimit && pinEntered(pin);
  const next = () => canContinue && setConfirming(true);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault(); // Enter only ever reaches the confirmation step, never the terminal
        if (!confirming) next();
      }}
    >
      <p className="muted refund-intro">
        Refunds any card without the original sale, so a supervisor approves each one. Limit at this till: {formatMoney(limit, currency)} each
        {settings.limits && (
          <>
            ; today {settings.limits.usedToday.count} of {settings.limits.daily.count} refunds, {formatMoney(settings.limits.usedToday.amount[currency], currency)} of{' '}
            {formatMoney(settings.limits.daily.amount[currency], currency)}
          </>
        )}
        .
      </p>
      <AmountEntry id="unlinked-amount" label="Refund amount" state={amount} currency={currency} onSubmit={next} disabled={confirming} testId="unlinked-amount" />
      {overLimit && <p className="note">Above this till’s limit of {formatMoney(limit, currency)}.</p>}
      {/* Side by side: with the keypad above, PIN and Continue stay in view on a 1024×768 till. */}
      <div className="field-pair">
        <label className="field">
          <span>Reference (optional)</span>
          <input value={reference} maxLength={60} onChange={(e) => setReference(e.target.value)} disabled={confirming} />
        </label>
        <SupervisorPinInput value={pin} onChange={setPin} disabled={confirming} />
      </div>
      <TerminalNotReady />
      <ErrorBox message={error?.message} />
      {!confirming ? (
        <button type="submit" className="primary" disabled={!canContinue}>
          Continue
        </button>
      ) : (
        <div ref={question} className="confirm-box" role="group" aria-labelledby="unlinked-question" tabIndex={-1}>
          <p id="unlinked-question">
            Refund <strong>{formatMoney(amount.amount, currency)}</strong> to the card the customer presents?
          </p>
          <div className="row">
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Back
            </button>
            <button
              type="button"
              className="primary"
              disabled={busy || !chosen.ready}
              onClick={() =>
                void startUnlinkedRefund({ amount: amount.amount, currency, terminalId: chosen.id!, supervisorPin: pin, ...(reference.trim() ? { reference: reference.trim() } : {}) }).then((ok) => ok || setConfirming(false))
              }
            >
              Yes, refund {formatMoney(amount.amount, currency)}
            </button>
          </div>
        </div>
      )}
    </form>
  );
}
