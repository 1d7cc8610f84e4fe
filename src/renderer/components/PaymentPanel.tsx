import type { PaymentView } from '../../shared/payments';
import { formatMoney } from '../lib/format';
import { promptWords, sessionWords, STATUS_WORDS, TYPE_WORDS } from '../lib/words';
import { isRunning, usePaymentStore } from '../stores/payment-store';
import { PrintableReceipts } from './PrintableReceipts';
import { SignatureDialog } from './SignatureDialog';
import { ErrorBox } from './ErrorBox';

const OUTCOME_CLASS: Partial<Record<PaymentView['status'], string>> = {
  approved: 'outcome-ok',
  declined: 'outcome-bad',
  failed: 'outcome-bad',
  cancelled: 'outcome-neutral',
  expired: 'outcome-neutral',
  needs_attention: 'outcome-warn',
};

/** A payment on its way (status, what the terminal says, cancel) and its result (amounts, card, receipts). */
export function PaymentPanel({ payment, onDone }: { payment: PaymentView; onDone: () => void }) {
  const { cancel, error } = usePaymentStore();
  const running = isRunning(payment);
  const prompt = promptWords(payment.prompt);
  const { result } = payment;

  return (
    <section className={`payment-panel ${OUTCOME_CLASS[payment.status] ?? 'outcome-running'}`} aria-labelledby="payment-title" data-testid="payment-panel" data-status={payment.status}>
      <header className="payment-head">
        <h2 id="payment-title">
          {TYPE_WORDS[payment.type]} {formatMoney(payment.amount, payment.currency)}
        </h2>
        <span className={`badge status-${payment.status}`}>{STATUS_WORDS[payment.status]}</span>
      </header>
      <p className="muted">
        Terminal {payment.terminalTid ?? payment.terminalId} · Reference {payment.reference}
      </p>

      {running && (
        <div className="progress">
          <p className="prompt" data-testid="terminal-prompt">
            {prompt ?? sessionWords(payment.sessionStatus) ?? 'Contacting Dojo…'}
          </p>
          <p className="muted">
            {payment.message}
            {payment.sessionStatus && <> · Terminal: {sessionWords(payment.sessionStatus)}</>}
          </p>
          {payment.status !== 'signature_required' && (
            <div className="cancel-row">
              <button type="button" className="danger" disabled={!payment.canCancel} aria-describedby={payment.cancelNote ? 'cancel-note' : undefined} onClick={() => void cancel()}>
                Cancel payment <kbd>Esc</kbd>
              </button>
              {payment.cancelNote && (
                <p id="cancel-note" className="note">
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
            <div className="attention-box" role="note">
              <strong>What to check:</strong> {payment.attention.instruction}
            </div>
          )}
          {result && (
            <dl className="facts">
              <dt>Total</dt>
              <dd data-testid="result-total">{formatMoney(result.totalAmount, payment.currency)}</dd>
              {!!result.tipsAmount && (
                <>
                  <dt>Gratuity</dt>
                  <dd>{formatMoney(result.tipsAmount, payment.currency)}</dd>
                </>
              )}
              {!!result.cashbackAmount && (
                <>
                  <dt>Cashback</dt>
                  <dd>{formatMoney(result.cashbackAmount, payment.currency)}</dd>
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
          )}
          <PrintableReceipts payment={payment} />
          <button type="button" className="primary" onClick={onDone} autoFocus>
            {payment.type === 'Sale' ? 'New sale' : 'Done'} <kbd>Enter</kbd>
          </button>
        </div>
      )}
      <ErrorBox message={error?.message} />
      {payment.status === 'signature_required' && <SignatureDialog payment={payment} />}
    </section>
  );
}
