import { useState } from 'react';
import { createPortal } from 'react-dom';
import type { PaymentView } from '../../shared/payments';
import { till } from '../bridge';
import { ErrorBox } from './ErrorBox';
import { Receipt } from './Receipt';

/**
 * While a payment's outcome is unknown: print a "do not take this payment again" slip (receipt-printer width) to
 * keep with the till. The words come from main (payment.slip); the app prints through the system dialog.
 */
export function DoNotRetrySlip({ payment }: { payment: PaymentView }) {
  const [printing, setPrinting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!payment.slip) return null;
  const print = async () => {
    setError(null);
    setPrinting(true);
    await new Promise((resolve) => requestAnimationFrame(resolve)); // the print area is on the page first
    const result = await till().printReceipt({ paymentId: payment.id, copy: 'slip' });
    if (result.ok && result.data.method === 'browser') window.print();
    if (!result.ok) setError(result.error.message);
    setPrinting(false);
  };
  return (
    <div className="row">
      <button type="button" className="secondary" onClick={() => void print()}>
        Print a do-not-retry slip
      </button>
      <ErrorBox message={error} />
      {printing &&
        createPortal(
          <div className="print-area">
            <Receipt lines={payment.slip} label="Do-not-retry slip to print" />
          </div>,
          document.body,
        )}
    </div>
  );
}
