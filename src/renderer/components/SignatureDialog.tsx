import { useEffect, useState } from 'react';
import type { PaymentView } from '../../shared/payments';
import { formatMoney } from '../lib/format';
import { LATE_SIGNATURE_NOTE, TYPE_WORDS } from '../lib/words';
import { usePaymentStore } from '../stores/payment-store';
import { ErrorBox } from './ErrorBox';
import { Modal } from './Modal';

/** The first payment waiting for a signature check, in front of every screen (and the compact view). */
export function SignatureGate() {
  const waiting = usePaymentStore((s) => s.running.find((p) => p.status === 'signature_required'));
  return waiting ? <SignatureDialog key={waiting.id} payment={waiting} /> : null;
}

/**
 * Dojo waits 80 s for the cashier's check, then accepts by itself: the countdown shows how long is left. Neither
 * answer has focus at first, so a stray Enter decides nothing.
 */
export function SignatureDialog({ payment }: { payment: PaymentView }) {
  const answer = usePaymentStore((s) => s.answerSignature);
  const [now, setNow] = useState(Date.now());
  const [sent, setSent] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const deadline = payment.signatureDeadline ? Date.parse(payment.signatureDeadline) : now + 80_000;
  const seconds = Math.max(0, Math.ceil((deadline - now) / 1000));
  const card = payment.result?.last4 ? `${payment.result.cardScheme ?? 'Card'} ending ${payment.result.last4}` : 'Card details not sent by the terminal yet';
  const reply = async (accepted: boolean) => {
    setSent(true);
    const error = await answer(payment.id, accepted);
    // Not delivered: the cashier can answer again (Dojo's own check decides if it already had one).
    if (error) setSent(false);
    setFailure(error?.message ?? null);
  };
  return (
    <Modal labelledBy="signature-title" describedBy="signature-text" testId="signature-dialog">
      <h2 id="signature-title">Check the signature</h2>
      <dl className="facts">
        <dt>Payment</dt>
        <dd data-testid="signature-amount">
          {TYPE_WORDS[payment.type]} {formatMoney(payment.amount, payment.currency)} · <span className="reference">{payment.reference}</span>
        </dd>
        <dt>Card</dt>
        <dd data-testid="signature-card">{card}</dd>
      </dl>
      {payment.lateSignature && (
        <p className="note" data-testid="late-signature">
          {LATE_SIGNATURE_NOTE}
        </p>
      )}
      <p id="signature-text">Compare the customer’s signature on the receipt with the one on the card.</p>
      <p className="countdown" aria-live="off">
        {seconds > 0 ? `${seconds} s left — Dojo accepts automatically when time runs out.` : 'Time is up: Dojo is accepting the signature…'}
      </p>
      <ErrorBox message={failure} />
      <div className="modal-actions">
        <button type="button" className="primary" disabled={sent || seconds === 0} onClick={() => void reply(true)}>
          Accept signature
        </button>
        <button type="button" className="danger" disabled={sent || seconds === 0} onClick={() => void reply(false)}>
          Reject signature
        </button>
      </div>
    </Modal>
  );
}
