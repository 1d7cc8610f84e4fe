import { useEffect, useRef } from 'react';
import { PAYMENT_STATUSES, PAYMENT_TYPES, type PaymentView, type TotalsRow } from '../../shared/payments';
import { signOf, verdictWords } from '../../shared/words';
import { ErrorBox } from '../components/ErrorBox';
import { ResultFacts } from '../components/PaymentPanel';
import { PrintableReceipts } from '../components/PrintableReceipts';
import { ScreenHeading } from '../components/ScreenHeading';
import { formatDateTime, formatMoney, formatTime } from '../lib/format';
import { STATUS_WORDS, statusWord, TYPE_WORDS } from '../lib/words';
import { useAppStore } from '../stores/app-store';
import { useHistoryStore } from '../stores/history-store';
import { currentTradingDay } from '../stores/settings-store';
import { download as saveFile } from '../lib/download';

/** What a payment moved, signed: refunds show as negative. */
const shownAmount = (p: PaymentView) => formatMoney(signOf(p.type) * (p.result?.totalAmount ?? p.amount), p.currency);

/** Paged history with filters, day totals, CSV export, a detail view with the event timeline, and Refund. */
export function HistoryScreen() {
  const { filters, followToday, filterProblem, items, total, totals, page, pageSize, detail, error, loading, load, setActive, setFilters, showToday, setPage, open, closeDetail, exportCsv } = useHistoryStore();
  const refund = useAppStore((s) => s.refund);
  const detailRef = useRef<HTMLElement>(null);
  useEffect(() => {
    setActive(true);
    return () => setActive(false);
  }, [setActive]);
  // Open past the trading day's rollover: "today" moves on by itself.
  useEffect(() => {
    if (!followToday) return undefined;
    const timer = setInterval(() => {
      if (currentTradingDay() !== useHistoryStore.getState().filters.from) void load();
    }, 30_000);
    return () => clearInterval(timer);
  }, [followToday, load]);
  // A row opened: its detail comes into view (below the table on narrow screens) and takes focus.
  useEffect(() => {
    if (!detail) return;
    detailRef.current?.scrollIntoView({ block: 'start' });
    detailRef.current?.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
  }, [detail?.payment.id]);

  const download = async () => {
    const file = await exportCsv();
    if (!file) return;
    saveFile(file.filename, file.csv, 'text/csv');
  };

  return (
    <div className="history-screen">
      <section className="panel" aria-labelledby="history-heading">
        <div className="section-head">
          <ScreenHeading id="history-heading">History</ScreenHeading>
          <button type="button" className="secondary small" onClick={() => void download()}>
            Export CSV
          </button>
        </div>
        <div className="filters" role="search" aria-label="Filter payments">
          <label className="field inline">
            <span>From</span>
            <input type="date" value={filters.from} onChange={(e) => setFilters({ from: e.target.value })} />
          </label>
          <label className="field inline">
            <span>To</span>
            <input type="date" value={filters.to} onChange={(e) => setFilters({ to: e.target.value })} />
          </label>
          {!followToday && (
            <button type="button" className="secondary small filter-button" onClick={showToday}>
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
            <span>Search</span>
            <input type="search" value={filters.search} placeholder="Reference, 12.50, card 1013, auth code" onChange={(e) => setFilters({ search: e.target.value })} />
          </label>
        </div>
        {filterProblem && (
          <p role="alert" className="note" data-testid="filter-problem">
            {filterProblem}
          </p>
        )}
        <ErrorBox message={error?.message} />
        <Totals rows={totals} />
        <table className="history-table" aria-busy={loading}>
          <caption className="sr-only">Payments, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Date and time</th>
              <th scope="col">Type</th>
              <th scope="col">Reference</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">Card</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id} className={detail?.payment.id === p.id ? 'selected' : ''}>
                <td>
                  <time dateTime={p.createdAt}>{formatDateTime(p.createdAt)}</time>
                </td>
                <td>{TYPE_WORDS[p.type]}</td>
                <td>
                  <button type="button" className="link" onClick={() => void open(p.id)} aria-current={detail?.payment.id === p.id ? 'true' : undefined}>
                    {p.reference}
                  </button>
                </td>
                <td className="num">{shownAmount(p)}</td>
                <td>{p.result?.last4 ? `•••• ${p.result.last4}` : ''}</td>
                <td>
                  <span className={`badge status-${p.status}`}>{statusWord(p.status, p.type)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && !loading && !filterProblem && <p className="empty">No payments match.</p>}
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
        <section ref={detailRef} className="panel detail" aria-labelledby="detail-heading" data-testid="history-detail">
          <div className="section-head">
            <h2 id="detail-heading" tabIndex={-1}>
              {TYPE_WORDS[detail.payment.type]} {detail.payment.reference}
            </h2>
            <button type="button" className="secondary small" onClick={closeDetail}>
              Close
            </button>
          </div>
          <p>
            {statusWord(detail.payment.status, detail.payment.type)} · {shownAmount(detail.payment)} · {formatDateTime(detail.payment.createdAt)}
          </p>
          {detail.payment.message.replace(/\.$/, '') !== statusWord(detail.payment.status, detail.payment.type) && <p className="muted">{detail.payment.message}</p>}
          {detail.payment.status === 'approved' && detail.payment.result && <ResultFacts payment={detail.payment} handOver={false} />}
          {detail.payment.resolution && <Verdict payment={detail.payment} />}
          {detail.payment.type === 'Sale' && detail.payment.status === 'approved' && (
            <p>
              Refunded so far: {formatMoney(detail.payment.refundedAmount, detail.payment.currency)}.{' '}
              {detail.payment.refundableAmount > 0 && (
                <button type="button" className="primary small" onClick={() => refund({ saleId: detail.payment.id })}>
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
          <PrintableReceipts payment={detail.payment} reprint />
        </section>
      )}
    </div>
  );
}

const DOJO_ON_VERDICT = { pending: 'Dojo has not answered yet', confirmed: "Dojo's record agrees", contradicted: "Dojo's record contradicts it", cannot_tell: 'Dojo cannot tell' } as const;

/** A verdict recorded by hand: what, who, when, why, and what Dojo's record says of it. */
function Verdict({ payment }: { payment: PaymentView }) {
  const r = payment.resolution!;
  return (
    <p className={payment.contradiction ? 'note contradiction' : 'note'} data-testid="verdict">
      Recorded by hand as {verdictWords(payment.type, r.outcome)}
      {r.by ? ` by ${r.by}` : ''} (supervisor PIN) at {formatDateTime(r.at)}: {r.note} — {DOJO_ON_VERDICT[r.dojo]}.
      {payment.contradiction && <> {payment.contradiction.message}</>}
    </p>
  );
}

/** Approved totals of the chosen days: sales split into goods, gratuity and cashback; refunds negative. */
function Totals({ rows }: { rows: TotalsRow[] }) {
  return (
    <div className="totals" role="group" aria-label="Approved totals for the chosen days" data-testid="history-totals">
      {rows.length === 0 ? (
        <span className="muted">No approved payments in these days.</span>
      ) : (
        rows.map((row) => (
          <span key={`${row.type}-${row.currency}`} className="total-chip">
            {TYPE_WORDS[row.type]}: {row.count} · {formatMoney(signOf(row.type) * row.total, row.currency)}
            {row.type === 'Sale' && (row.tips > 0 || row.cashback > 0) && (
              <span className="total-split">
                {' '}
                (goods {formatMoney(row.amount, row.currency)}, gratuity {formatMoney(row.tips, row.currency)}, cashback {formatMoney(row.cashback, row.currency)})
              </span>
            )}
            {/* Approved only on a person's word (Dojo has not confirmed it): counted apart, never inside the figure above. */}
            {row.handCount > 0 && (
              <span className="total-hand" data-testid="total-by-hand">
                {' '}
                + recorded by hand: {row.handCount} · {formatMoney(signOf(row.type) * row.handTotal, row.currency)}
              </span>
            )}
          </span>
        ))
      )}
    </div>
  );
}
