import { useEffect } from 'react';
import { PAYMENT_STATUSES, PAYMENT_TYPES } from '../../shared/payments';
import { PrintableReceipts } from '../components/PrintableReceipts';
import { formatDateTime, formatMoney, formatTime } from '../lib/format';
import { STATUS_WORDS, TYPE_WORDS } from '../lib/words';
import { useAppStore } from '../stores/app-store';
import { useHistoryStore } from '../stores/history-store';
import { currentTradingDay } from '../stores/settings-store';
import { ErrorBox } from '../components/ErrorBox';
import { download as saveFile } from '../lib/download';

/** Paged history with filters, day totals, CSV export, a detail view with the event timeline, and Refund. */
export function HistoryScreen() {
  const { filters, followToday, items, total, totals, page, pageSize, detail, error, loading, load, setFilters, showToday, setPage, open, closeDetail, exportCsv } = useHistoryStore();
  const show = useAppStore((s) => s.show);
  useEffect(() => {
    void load();
  }, [load]);
  // Open past the trading day's rollover: "today" moves on by itself.
  useEffect(() => {
    if (!followToday) return undefined;
    const timer = setInterval(() => {
      if (currentTradingDay() !== useHistoryStore.getState().filters.from) void load();
    }, 30_000);
    return () => clearInterval(timer);
  }, [followToday, load]);

  const download = async () => {
    const file = await exportCsv();
    if (!file) return;
    saveFile(file.filename, file.csv, 'text/csv');
  };

  return (
    <div className="history-screen">
      <section className="panel" aria-labelledby="history-heading">
        <div className="section-head">
          <h2 id="history-heading">History</h2>
          <button type="button" className="secondary small" onClick={() => void download()}>
            Export CSV
          </button>
        </div>
        <div className="filters" role="search">
          <label className="field inline">
            <span>From</span>
            <input type="date" value={filters.from} onChange={(e) => setFilters({ from: e.target.value })} />
          </label>
          <label className="field inline">
            <span>To</span>
            <input type="date" value={filters.to} onChange={(e) => setFilters({ to: e.target.value })} />
          </label>
          {!followToday && (
            <button type="button" className="secondary small" onClick={showToday}>
              Today
            </button>
          )}
          <label className="field inline">
            <span>Status</span>
            <select value={filters.status} onChange={(e) => setFilters({ status: e.target.value as typeof filters.status })}>
              <option value="">Any</option>
              {PAYMENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_WORDS[s]}
                </option>
              ))}
            </select>
          </label>
          <label className="field inline">
            <span>Type</span>
            <select value={filters.type} onChange={(e) => setFilters({ type: e.target.value as typeof filters.type })}>
              <option value="">Any</option>
              {PAYMENT_TYPES.map((t) => (
                <option key={t} value={t}>
                  {TYPE_WORDS[t]}
                </option>
              ))}
            </select>
          </label>
          <label className="field inline grow">
            <span>Reference</span>
            <input type="search" value={filters.search} placeholder="Starts with…" onChange={(e) => setFilters({ search: e.target.value })} />
          </label>
        </div>
        <ErrorBox message={error?.message} />
        <div className="totals" aria-label="Approved totals for the chosen days">
          {totals.length === 0 ? (
            <span className="muted">No approved payments in these days.</span>
          ) : (
            totals.map((row) => (
              <span key={`${row.type}-${row.currency}`} className="total-chip">
                {TYPE_WORDS[row.type]}: {row.count} · {formatMoney(row.total, row.currency)}
              </span>
            ))
          )}
        </div>
        <table className="history-table" aria-busy={loading}>
          <caption className="sr-only">Payments, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Type</th>
              <th scope="col">Reference</th>
              <th scope="col">Amount</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id} className={detail?.payment.id === p.id ? 'selected' : ''}>
                <td>{formatTime(p.createdAt)}</td>
                <td>{TYPE_WORDS[p.type]}</td>
                <td>
                  <button type="button" className="link" onClick={() => void open(p.id)}>
                    {p.reference}
                  </button>
                </td>
                <td className="num">{formatMoney(p.result?.totalAmount ?? p.amount, p.currency)}</td>
                <td>
                  <span className={`badge status-${p.status}`}>{STATUS_WORDS[p.status]}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && !loading && <p className="empty">No payments match.</p>}
        <div className="pager">
          <button type="button" className="secondary small" disabled={page === 0} onClick={() => setPage(page - 1)}>
            Newer
          </button>
          <span>
            {total === 0 ? 0 : page * pageSize + 1}–{Math.min(total, (page + 1) * pageSize)} of {total}
          </span>
          <button type="button" className="secondary small" disabled={(page + 1) * pageSize >= total} onClick={() => setPage(page + 1)}>
            Older
          </button>
        </div>
      </section>

      {detail && (
        <section className="panel detail" aria-labelledby="detail-heading">
          <div className="section-head">
            <h2 id="detail-heading">
              {TYPE_WORDS[detail.payment.type]} {detail.payment.reference}
            </h2>
            <button type="button" className="secondary small" onClick={closeDetail}>
              Close
            </button>
          </div>
          <p>
            {STATUS_WORDS[detail.payment.status]} · {formatMoney(detail.payment.result?.totalAmount ?? detail.payment.amount, detail.payment.currency)} · {formatDateTime(detail.payment.createdAt)}
          </p>
          <p className="muted">{detail.payment.message}</p>
          {detail.payment.type === 'Sale' && detail.payment.status === 'approved' && (
            <p>
              Refunded so far: {formatMoney(detail.payment.refundedAmount, detail.payment.currency)}.{' '}
              {detail.payment.refundableAmount > 0 && (
                <button type="button" className="primary small" onClick={() => show('refund')}>
                  Refund
                </button>
              )}
            </p>
          )}
          <h3>Timeline</h3>
          <ol className="timeline">
            {detail.events.map((event, index) => (
              <li key={index}>
                <time dateTime={event.at}>{formatTime(event.at)}</time> {event.message}
              </li>
            ))}
          </ol>
          <h3>Receipts</h3>
          <PrintableReceipts payment={detail.payment} />
        </section>
      )}
    </div>
  );
}
