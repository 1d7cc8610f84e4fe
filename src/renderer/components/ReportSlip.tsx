import { useState } from 'react';
import { createPortal } from 'react-dom';
import { reportSlip, reportTitle, type SlipWidth } from '../../shared/report-slip';
import type { Report } from '../../shared/reports';
import { till } from '../bridge';
import { ErrorBox } from './ErrorBox';
import { Receipt } from './Receipt';

/**
 * A report as it prints on the receipt printer (58 or 80 mm), with Print: the same print path as receipts
 * (the print area, the system dialog in the app, the browser's print elsewhere).
 */
export function ReportSlip({ report, width, reprint, productName }: { report: Report; width: SlipWidth; reprint: boolean; productName?: string | undefined }) {
  const [printing, setPrinting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const lines = reportSlip(report, width, { reprint, ...(productName ? { productName } : {}) });
  const label = `${reportTitle(report)}, trading day ${report.tradingDay}, ${width} mm slip`;

  const print = async () => {
    setError(null);
    setPrinting(true);
    await new Promise((resolve) => requestAnimationFrame(resolve)); // the print area is on the page first
    const result = await till().printReport({ width });
    if (result.ok && result.data.method === 'browser') window.print();
    if (!result.ok) setError(result.error.message);
    setPrinting(false);
  };

  return (
    <div className="slip-block">
      <div className={`slip slip-${width}`} data-testid="report-slip">
        <Receipt lines={lines} label={label} />
      </div>
      <button type="button" className="secondary" onClick={() => void print()}>
        {reprint ? 'Reprint' : 'Print'} ({width} mm)
      </button>
      <ErrorBox message={error} />
      {printing &&
        createPortal(
          <div className={`print-area slip slip-${width}`}>
            <Receipt lines={lines} label="Report to print" />
          </div>,
          document.body,
        )}
    </div>
  );
}
