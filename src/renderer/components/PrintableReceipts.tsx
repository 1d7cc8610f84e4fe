import { useState } from 'react';
import { createPortal } from 'react-dom';
import type { PaymentView } from '../../shared/payments';
import { till } from '../bridge';
import { Receipt } from './Receipt';
import { ErrorBox } from './ErrorBox';

type Copy = 'customer' | 'merchant';

/** The receipts of a payment with Print buttons: the app prints through the system dialog, a browser through window.print(). */
export function PrintableReceipts({ payment }: { payment: PaymentView }) {
  const [printing, setPrinting] = useState<Copy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const copies = (['customer', 'merchant'] as const).filter((copy) => payment.receipts[copy]?.length);
  if (copies.length === 0) return <p className="muted">No receipt from the terminal for this payment.</p>;

  const print = async (copy: Copy) => {
    setError(null);
    setPrinting(copy);
    await new Promise((resolve) => requestAnimationFrame(resolve)); // the print area is on the page first
    const result = await till().printReceipt({ paymentId: payment.id, copy });
    if (result.ok && result.data.method === 'browser') window.print();
    if (!result.ok) setError(result.error.message);
    setPrinting(null);
  };

  return (
    <div className="receipts">
      {copies.map((copy) => (
        <div key={copy} className="receipt-block">
          <Receipt lines={payment.receipts[copy]!} label={`${copy === 'customer' ? 'Customer' : 'Merchant'} receipt`} />
          <button type="button" className="secondary" onClick={() => void print(copy)}>
            Print {copy} copy
          </button>
        </div>
      ))}
      <ErrorBox message={error} />
      {printing &&
        createPortal(
          <div className="print-area">
            <Receipt lines={payment.receipts[printing]!} label="Receipt to print" />
          </div>,
          document.body,
        )}
    </div>
  );
}
