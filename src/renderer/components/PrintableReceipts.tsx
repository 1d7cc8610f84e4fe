import { useState } from 'react';
import { createPortal } from 'react-dom';
import type { PaymentView } from '../../shared/payments';
import { till } from '../bridge';
import { Receipt } from './Receipt';
import { ErrorBox } from './ErrorBox';

type Copy = 'customer' | 'merchant';

/** Receipts printed in this session (payment + copy): printing one again is a reprint and says COPY. */
const printed = new Set<string>();

/**
 * The receipts of a payment with Print buttons: the app prints through the system dialog, a browser through
 * window.print(). Training receipts say TRAINING; reprints (from History, or a second print) say COPY.
 */
export function PrintableReceipts({ payment, reprint = false }: { payment: PaymentView; reprint?: boolean }) {
  const [printing, setPrinting] = useState<{ copy: Copy; marks: string[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const copies = (['customer', 'merchant'] as const).filter((copy) => payment.receipts[copy]?.length);
  if (copies.length === 0) return <p className="muted">No receipt from the terminal for this payment.</p>;
  const training = payment.environment === 'training' ? ['TRAINING — NOT A REAL PAYMENT'] : [];

  const print = async (copy: Copy) => {
    setError(null);
    const key = `${payment.id}:${copy}`;
    setPrinting({ copy, marks: [...training, ...(reprint || printed.has(key) ? ['*** COPY — REPRINTED ***'] : [])] });
    await new Promise((resolve) => requestAnimationFrame(resolve)); // the print area is on the page first
    const result = await till().printReceipt({ paymentId: payment.id, copy });
    if (result.ok && result.data.method === 'browser') window.print();
    if (result.ok) printed.add(key);
    else setError(result.error.message);
    setPrinting(null);
  };

  return (
    <div className="receipts">
      {copies.map((copy) => (
        <div key={copy} className="receipt-block">
          <Receipt lines={payment.receipts[copy]!} label={`${copy === 'customer' ? 'Customer' : 'Merchant'} receipt`} marks={training} />
          <button type="button" className="secondary" onClick={() => void print(copy)}>
            {reprint ? 'Reprint' : 'Print'} {copy} copy
          </button>
        </div>
      ))}
      <ErrorBox message={error} />
      {printing &&
        createPortal(
          <div className="print-area" data-testid="print-area">
            <Receipt lines={payment.receipts[printing.copy]!} label="Receipt to print" marks={printing.marks} />
          </div>,
          document.body,
        )}
    </div>
  );
}
