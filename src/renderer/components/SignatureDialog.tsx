import { useEffect, useRef, useState } from 'react';
import type { PaymentView } from '../../shared/payments';
import { usePaymentStore } from '../stores/payment-store';

/** Dojo waits 80 s for the cashier's check, then accepts by itself: the countdown shows how long is left. */
export function SignatureDialog({ payment }: { payment: PaymentView }) {
  const answer = usePaymentStore((s) => s.answerSignature);
  const [now, setNow] = useState(Date.now());
  const [sent, setSent] = useState(false);
  const accept = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    accept.current?.focus();
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const deadline = payment.signatureDeadline ? Date.parse(payment.signatureDeadline) : now + 80_000;
  const seconds = Math.max(0, Math.ceil((deadline - now) / 1000));
  const reply = (accepted: boolean) => {
    setSent(true);
    void answer(accepted);
  };
  return (
    <div className="modal-backdrop">
      <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="signature-title" aria-describedby="signature-text">
        <h2 id="signature-title">Check the signature</h2>
        <p id="signature-text">Compare the customer’s signature on the receipt with the one on the card.</p>
        <p className="countdown" aria-live="off">
          {seconds > 0 ? `${seconds} s left — Dojo accepts automatically when time runs out.` : 'Time is up: Dojo is accepting the signature…'}
        </p>
        <div className="modal-actions">
          <button ref={accept} type="button" className="primary" disabled={sent || seconds === 0} onClick={() => reply(true)}>
            Accept signature
          </button>
          <button type="button" className="danger" disabled={sent || seconds === 0} onClick={() => reply(false)}>
            Reject signature
          </button>
        </div>
      </div>
    </div>
  );
}
