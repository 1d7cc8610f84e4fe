import { useEffect, useState } from 'react';
import { needingAttention, reportCsv, reportFilename, type SlipWidth } from '../../shared/report-slip';
import { download } from '../lib/download';
import { formatDateTime, formatMoney } from '../lib/format';
import { CloseDayDialog } from '../components/CloseDayDialog';
import { ErrorBox } from '../components/ErrorBox';
import { ReconciliationPanel } from '../components/ReconciliationPanel';
import { ReportSlip } from '../components/ReportSlip';
import { useAppStore } from '../stores/app-store';
import { useReportsStore } from '../stores/reports-store';

/** End of day: the X report now, closing the day with a Z, past Zs to reprint, and the check against Dojo. */
export function ReportsScreen() {
  const { report, showing, fresh, zList, zTotal, width, error, loadX, openZ, loadZList, closeDay, setWidth } = useReportsStore();
  const productName = useAppStore((s) => s.info?.productName);
  const [closing, setClosing] = useState(false);
  useEffect(() => {
    void loadX();
    void loadZList();
  }, [loadX, loadZList]);

  // Anything needing attention on the X: closing the day (the Z) needs the PIN.
  const attention = report?.kind === 'X' ? needingAttention(report).length : 0;
  const exportAs = (format: 'csv' | 'json') => {
    if (!report) return;
    if (format === 'csv') download(reportFilename(report, 'csv'), reportCsv(report), 'text/csv');
    else download(reportFilename(report, 'json'), `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  };

  return (
    <div className="reports-screen">
      <section className="panel" aria-labelledby="reports-heading">
        <div className="section-head">
          <h2 id="reports-heading" tabIndex={-1} data-screen-heading="">{report ? (report.kind === 'Z' ? `Z report ${report.number}` : 'X report') : 'Reports'}</h2>
          <div className="row tight">
            <button type="button" className="secondary small" aria-pressed={showing === 'x'} onClick={() => void loadX()}>
              X report now
            </button>
            <button type="button" className="primary small" onClick={() => setClosing(true)} disabled={!report}>
              Close the day (Z)…
            </button>
          </div>
        </div>
        <ErrorBox message={error?.message} />
        {report && (
          <>
            <p className="muted">
              Trading day {report.tradingDay} · {report.kind === 'Z' ? 'closed' : 'taken'} {formatDateTime(report.generatedAt)}
              {report.environment !== 'production' ? ` · ${report.environment}: not real money` : ''}
            </p>
            <div className="row tight">
              <label className="field inline">
                <span>Slip width</span>
                <select value={width} onChange={(e) => setWidth(Number(e.target.value) as SlipWidth)}>
                  <option value={80}>80 mm</option>
                  <option value={58}>58 mm</option>
                </select>
              </label>
              <button type="button" className="secondary small" onClick={() => exportAs('csv')}>
                Export CSV
              </button>
              <button type="button" className="secondary small" onClick={() => exportAs('json')}>
                Export JSON
              </button>
            </div>
            <ReportSlip report={report} width={width} reprint={report.kind === 'Z' && !fresh} productName={productName} />
          </>
        )}
      </section>

      <div className="reports-side">
        <section className="panel" aria-labelledby="z-list-heading">
          <h2 id="z-list-heading">Z reports ({zTotal})</h2>
          {zList.length === 0 ? (
            <p className="empty">No day closed yet.</p>
          ) : (
            <table className="history-table">
              <caption className="sr-only">Z reports, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Z</th>
                  <th scope="col">Trading day</th>
                  <th scope="col">Closed</th>
                  <th scope="col">Net card takings</th>
                </tr>
              </thead>
              <tbody>
                {zList.map((z) => (
                  <tr key={z.number} className={showing === z.number ? 'selected' : ''}>
                    <td>
                      <button type="button" className="link" aria-label={`Open Z ${z.number}`} onClick={() => void openZ(z.number)}>
                        Z {z.number}
                      </button>
                    </td>
                    <td>{z.tradingDay}</td>
                    <td>{formatDateTime(z.closedAt)}</td>
                    <td className="num">{z.net.map((n) => formatMoney(n.amount, n.currency)).join(' · ') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <ReconciliationPanel />
      </div>

      {closing && report && (
        <CloseDayDialog
          tradingDay={report.kind === 'X' ? report.tradingDay : 'today'}
          attention={attention}
          onClose={() => setClosing(false)}
          onConfirm={async (pin) => {
            const refusal = await closeDay(pin);
            if (!refusal) return null;
            return { message: refusal.fields?.['supervisorPin']?.[0] && refusal.code !== 'SUPERVISOR_REQUIRED' ? 'The supervisor PIN is not right.' : refusal.message, needsPin: refusal.code === 'SUPERVISOR_REQUIRED' };
          }}
        />
      )}
    </div>
  );
}
