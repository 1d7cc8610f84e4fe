import { useEffect, useRef, useState } from 'react';
import type { PaymentView } from '../../shared/payments';
import { formatMoney } from '../lib/format';
import { statusWord, terminalWords, TYPE_WORDS } from '../lib/words';
import { isRunning, usePaymentStore } from '../stores/payment-store';
import { useSaleEntryStore } from '../stores/sale-entry-store';
import { useSettingsStore } from '../stores/settings-store';
import { terminalName } from '../stores/terminals-store';
import { dialogOpen } from './Modal';
import { useUnreachableLine } from '../lib/unreachable';
import { DOJO_UNREACHABLE_ADVICE } from '../../shared/words';
import { DoNotRetrySlip } from './DoNotRetrySlip';
import { PrintableReceipts } from './PrintableReceipts';
import { ErrorBox } from './ErrorBox';
import { useShallow } from 'zustand/react/shallow';

const OUTCOME_CLASS: Partial<Record<PaymentView['status'], string>> = {
  approved: 'outcome-ok',
  declined: 'outcome-bad',
  failed: 'outcome-bad',
  cancelled: 'outcome-neutral',
  expired: 'outcome-neutral',
  needs_attention: 'outcome-warn',
};
/** Outcomes after which the same payment can simply be tried again (nothing was charged). */
const RETRYABLE = new Set<PaymentView['status']>(['declined', 'failed', 'cancelled', 'expired']);

/**
 * A payment on its way (what the terminal says, cancel with the reason when it cannot) and its result (what was
 * charged, cashback to hand over, card, receipts). The full screens and the compact view both use it.
 */
export function PaymentPanel({ payment, onDone, onTryAgain, compact = false }: { payment: PaymentView; onDone: () => void; onTryAgain?: () => void; compact?: boolean }) {
  const { cancel, error } = usePaymentStore(useShallow((s) => ({ cancel: s.cancel, error: s.error })));
  const names = useSettingsStore((s) => s.view?.terminalNames);
  const running = isRunning(payment);
  const prompt = terminalWords(payment);
  const unreachable = useUnreachableLine(payment);
  const { result } = payment;
  const heading = useRef<HTMLHeadingElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const [confirming, setConfirming] = useState(false);
  // "New sale" (a sale's result) also clears the sale being typed, whoever started this one; "Done" keeps it.
  const done = () => {
    if (payment.type === 'Sale') useSaleEntryStore.getState().clear();
    onDone();
  };

  // A new payment on screen: focus its heading, so keys meant for the amount entry fall on nothing here.
  useEffect(() => {
    if (running && !dialogOpen()) heading.current?.focus();
  }, [payment.id]);
  useEffect(() => {
    if (!running || !payment.canCancel) setConfirming(false);
  }, [running, payment.canCancel]);
  // When the question goes (Escape again, or the card was presented meanwhile) its button takes the keyboard with
  // it: give it to the heading, so focus is never left on nothing.
  // A result that needs checking says not to take the payment again yet: its instruction takes the keyboard (read
  // out first), not New sale/Done, so an Enter cannot start the next sale unread. Tab still reaches the buttons.
  const instruction = useRef<HTMLDivElement>(null);
  const needsChecking = !running && payment.status === 'needs_attention';
  useEffect(() => {
    if (needsChecking && !dialogOpen()) (instruction.current ?? heading.current)?.focus();
  }, [needsChecking, payment.id]);
  const wasConfirming = useRef(false);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
    else if (wasConfirming.current && !dialogOpen() && (document.activeElement === null || document.activeElement === document.body)) heading.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  // Escape asks first (Enter confirms); it never cancels by itself. Inside a dialog it never gets here.
  useEffect(() => {
    if (!running) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || dialogOpen() || event.defaultPrevented) return;
      event.preventDefault();
      if (payment.canCancel) setConfirming((shown) => !shown);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [running, payment.canCancel]);

  const doCancel = () => {
    setConfirming(false);
    void cancel(payment.id);
  };

  return (
    <section
      className={`payment-panel ${OUTCOME_CLASS[payment.status] ?? 'outcome-running'} ${compact ? 'is-compact' : ''}`}
      aria-labelledby="payment-title"
      data-testid="payment-panel"
      data-status={payment.status}
    >
      <header className="payment-head">
        <h2 id="payment-title" ref={heading} tabIndex={-1} data-screen-heading="">
          {TYPE_WORDS[payment.type]} {formatMoney(payment.amount, payment.currency)}
        </h2>
        <span className={`badge status-${payment.status}`}>{statusWord(payment.status, payment.type)}</span>
      </header>
      <p className="muted">
        Terminal {terminalName({ id: payment.terminalId, tid: payment.terminalTid }, names)} · Reference <span className="reference">{payment.reference}</span>
      </p>

      {running && (
        <div className="progress">
          <p className="prompt" data-testid="terminal-prompt">
            {/* While Dojo cannot be reached the last prompt is stale: say what is happening instead, and how long ago Dojo last answered. */}
            {unreachable ?? prompt ?? 'Contacting Dojo…'}
          </p>
          <p className="muted">{unreachable ? DOJO_UNREACHABLE_ADVICE : payment.message}</p>
          <DoNotRetrySlip payment={payment} />
          {payment.status !== 'signature_required' && (
            <div className="cancel-row">
              {!confirming ? (
                <button
                  type="button"
                  className="danger"
                  disabled={!payment.canCancel}
                  aria-keyshortcuts="Escape"
                  aria-describedby={payment.cancelNote ? 'cancel-note' : undefined}
                  onClick={doCancel}
                  onKeyDown={(event) => event.key === 'Escape' && (event.preventDefault(), event.stopPropagation(), doCancel())}
                >
                  Cancel payment <kbd aria-hidden="true">Esc</kbd>
                </button>
              ) : (
                <div className="confirm-box" role="group" aria-labelledby="cancel-question">
                  <p id="cancel-question">Cancel this payment on the terminal?</p>
                  <div className="row">
                    <button ref={confirmButton} type="button" className="danger" onClick={doCancel}>
                      Yes, cancel it
                    </button>
                    <button type="button" className="secondary" onClick={() => (setConfirming(false), heading.current?.focus())}>
                      No, keep going
                    </button>
                  </div>
                </div>
              )}
              {payment.cancelNote && (
                <p id="cancel-note" className="note" data-testid="cancel-note">
                  {payment.cancelNote}
                </p>
              )}
            </div>
          )}
        </div>
      )}

      {!running && (
        <div className="result">
          <p className="outcome" data-testid="payment-outcome">
            {payment.message}
          </p>
          {payment.attention && (
            <div className="attention-box" role="note" data-testid="attention-instruction" ref={instruction} tabIndex={-1}>
              <strong>What to do</strong>
              <p>{payment.attention.instruction}</p>
            </div>
          )}
          <DoNotRetrySlip payment={payment} />
          {result && payment.status === 'approved' && <ResultFacts payment={payment} />}
          <div className="row">
            <button type="button" className="primary" onClick={done} autoFocus={!needsChecking} aria-keyshortcuts="Enter">
              {payment.type === 'Sale' ? 'New sale' : 'Done'}
            </button>
            {onTryAgain && RETRYABLE.has(payment.status) && (
              <button type="button" className="secondary" onClick={onTryAgain}>
                Try again
              </button>
            )}
          </div>
          {!compact && <PrintableReceipts payment={payment} />}
        </div>
      )}
      <ErrorBox message={error?.message} />
    </section>
  );
}

/** What was charged, split the way the money moves: goods, gratuity, cashback (to hand over, when it just happened), card. */
export function ResultFacts({ payment, handOver = true }: { payment: PaymentView; handOver?: boolean }) {
  const result = payment.result!;
  const money = (minor: number | null) => formatMoney(minor, payment.currency);
  return (
    <>
      {handOver && !!result.cashbackAmount && (
        <p className="cashback-callout" data-testid="cashback-callout">
          Give the customer {money(result.cashbackAmount)} cash.
        </p>
      )}
      <dl className="facts">
        <dt>{payment.type === 'Sale' ? 'Total charged' : 'Total refunded'}</dt>
        <dd data-testid="result-total">{money(result.totalAmount)}</dd>
        {(!!result.tipsAmount || !!result.cashbackAmount) && (
          <>
            <dt>Goods</dt>
            <dd>{money(payment.amount)}</dd>
          </>
        )}
        {!!result.tipsAmount && (
          <>
            <dt>Gratuity</dt>
            <dd data-testid="result-gratuity">{money(result.tipsAmount)}</dd>
          </>
        )}
        {!!result.cashbackAmount && (
          <>
            <dt>Cashback</dt>
            <dd>{money(result.cashbackAmount)}</dd>
          </>
        )}
        {result.cardScheme && (
          <>
            <dt>Card</dt>
            <dd>
              {result.cardScheme} •••• {result.last4 ?? '????'}
            </dd>
          </>
        )}
        {result.authCode && (
          <>
            <dt>Auth code</dt>
            <dd>{result.authCode}</dd>
          </>
        )}
      </dl>
    </>
  );
}
