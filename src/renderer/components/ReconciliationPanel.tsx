import { useEffect, useState } from 'react';
import type { ExceptionAction, ForeignIntent, ReconciliationException, Side } from '../../shared/reports';
import { formatDateTime, formatMoney } from '../lib/format';
import { useAppStore } from '../stores/app-store';
import { usePaymentStore } from '../stores/payment-store';
import { useReportsStore } from '../stores/reports-store';
import { currentTradingDay, useSettingsStore } from '../stores/settings-store';
import { useTerminalsStore } from '../stores/terminals-store';
import { ErrorBox } from './ErrorBox';

const KIND_TITLES: Record<ReconciliationException['kind'], string> = {
  captured_not_approved: 'Taken by Dojo, not approved on the till',
  approved_not_captured: 'Approved on the till, not taken by Dojo',
  amount_differs: 'Amounts differ',
  refund_differs: 'Refunded amount differs',
  verdict_contradicted: "Dojo contradicts a person's verdict",
  unknown_to_journal: 'A payment of this till the journal does not know',
};
const ACTION_WORDS: Record<ExceptionAction, string> = { record_dojo: "Record Dojo's record", refund: 'Refund to the card', explain: 'Mark as explained' };
const STATE_WORDS: Record<ReconciliationException['state'], string> = { open: 'Open', recorded: "Dojo's record applied", refunded: 'Refund started', explained: 'Explained' };

/** The check against Dojo's record for a period: matched count, exceptions with their actions, other tills apart. */
export function ReconciliationPanel() {
  const { reconciliation, reconciling, reconcile, loadReconciliation } = useReportsStore();
  const [from, setFrom] = useState(currentTradingDay());
  const [to, setTo] = useState(currentTradingDay());
  const wrongOrder = from > to;
  useEffect(() => {
    void loadReconciliation(from, to);
  }, [from, to, loadReconciliation]);

  return (
    <section className="panel" aria-labelledby="reconcile-heading">
      <h2 id="reconcile-heading">Check against Dojo</h2>
      <p className="muted">Reads every payment Dojo holds for these trading days and compares it with the till&apos;s record.</p>
      <div className="filters">
        <label className="field inline">
          <span>From</span>
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="field inline">
          <span>To</span>
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={wrongOrder} aria-describedby={wrongOrder ? 'reconcile-order' : undefined} />
        </label>
        <button type="button" className="primary small" disabled={reconciling || wrongOrder || !from || !to} onClick={() => void reconcile(from, to)}>
          {reconciling ? 'Checking with Dojo…' : 'Check with Dojo'}
        </button>
      </div>
      {wrongOrder && (
        <p id="reconcile-order" className="error-box" role="alert">
          From is after To.
        </p>
      )}
      {!reconciliation ? (
        <p className="empty">Not checked against Dojo yet for these days.</p>
      ) : (
        <>
          <p role="status" className={reconciliation.status === 'complete' ? (reconciliation.exceptions.some((e) => e.state === 'open') ? 'note' : 'ok-box') : 'error-box'}>
            {reconciliation.message}
          </p>
          {reconciliation.exceptions.length > 0 && (
            <>
              <h3>Exceptions</h3>
              {reconciliation.exceptions.map((e) => (
                <ExceptionItem key={e.id} exception={e} />
              ))}
            </>
          )}
          <ForeignList title="Other tills on this Dojo account" empty="None." intents={reconciliation.otherTills} />
          <ForeignList title="Taken outside the companion" empty="None." intents={reconciliation.outside} />
          {reconciliation.status === 'complete' && (
            <p className="muted minor">
              Not compared: {reconciliation.notChecked.unlinkedRefunds} unlinked refund(s) (no payment at Dojo to compare), {reconciliation.notChecked.running} running, {reconciliation.notChecked.needsAttention} needing
              attention, {reconciliation.notChecked.unclear} Dojo could not say. Checked {formatDateTime(reconciliation.ranAt)}.
            </p>
          )}
        </>
      )}
    </section>
  );
}

function SideFacts({ label, side, currency }: { label: string; side: Side | null; currency: string }) {
  return (
    <div>
      <h4>{label}</h4>
      {side ? (
        <dl className="facts">
          <dt>Status</dt>
          <dd>{side.status}</dd>
          <dt>Total</dt>
          <dd>{formatMoney(side.total, currency)}</dd>
          <dt>Gratuity</dt>
          <dd>{formatMoney(side.gratuity, currency)}</dd>
          <dt>Cashback</dt>
          <dd>{formatMoney(side.cashback, currency)}</dd>
          {side.refunded !== null && (
            <>
              <dt>Refunded</dt>
              <dd>{formatMoney(side.refunded, currency)}</dd>
            </>
          )}
        </dl>
      ) : (
        <p className="muted">No record.</p>
      )}
    </div>
  );
}

function ExceptionItem({ exception }: { exception: ReconciliationException }) {
  const act = useReportsStore((s) => s.act);
  const terminals = useTerminalsStore((s) => s.terminals);
  const loadTerminals = useTerminalsStore((s) => s.load);
  const chosen = useSettingsStore((s) => s.view?.terminalId ?? '');
  const [note, setNote] = useState('');
  const [pin, setPin] = useState('');
  const [terminal, setTerminal] = useState(chosen);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = exception.state === 'open';
  const needsPin = exception.actions.some((a) => a !== 'explain');
  const titleId = `exc-${exception.id.replace(/[^a-z0-9]/gi, '')}`;
  useEffect(() => {
    if (open && exception.actions.includes('refund') && terminals.length === 0) void loadTerminals();
  }, [open, exception.actions, terminals.length, loadTerminals]);

  const run = async (action: ExceptionAction) => {
    setBusy(true);
    setError(null);
    const result = await act({ exceptionId: exception.id, action, note: note.trim(), ...(action !== 'explain' ? { supervisorPin: pin } : {}), ...(action === 'refund' ? { terminalId: terminal } : {}) });
    setBusy(false);
    setPin('');
    if (result.error) return setError(result.error.fields?.['note']?.[0] ?? result.error.fields?.['supervisorPin']?.[0] ?? result.error.message);
    if (action === 'refund' && result.payment) {
      // The refund runs like any other: follow it on the refund screen.
      usePaymentStore.getState().show(result.payment);
      useAppStore.getState().show('refund');
    }
  };

  return (
    <article className="exception-item" aria-labelledby={titleId}>
      <h4 id={titleId}>
        {KIND_TITLES[exception.kind]} · {exception.reference ?? exception.intentId} <span className={`badge ${open ? 'badge-warn' : 'badge-ok'}`}>{STATE_WORDS[exception.state]}</span>
      </h4>
      <p>{exception.explanation}</p>
      <div className="sides">
        <SideFacts label="The till" side={exception.till} currency={exception.currency} />
        <SideFacts label="Dojo" side={exception.dojo} currency={exception.currency} />
      </div>
      {!open ? (
        <p className="muted">
          {exception.note} {exception.resolvedAt ? `(${formatDateTime(exception.resolvedAt)})` : ''}
        </p>
      ) : (
        <>
          <label className="field">
            <span>Note (why, what was checked)</span>
            <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
          </label>
          {needsPin && (
            <label className="field">
              <span>Supervisor PIN (to record Dojo&apos;s record or refund)</span>
              <input type="password" inputMode="numeric" autoComplete="off" value={pin} maxLength={8} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} />
            </label>
          )}
          {exception.actions.includes('refund') && (
            <label className="field">
              <span>Terminal for the refund</span>
              <select value={terminal} onChange={(e) => setTerminal(e.target.value)}>
                <option value="">Choose…</option>
                {terminals.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.tid ?? t.id} ({t.status})
                  </option>
                ))}
              </select>
            </label>
          )}
          <ErrorBox message={error} />
          <div className="row">
            {exception.actions.map((action) => (
              <button
                key={action}
                type="button"
                className={action === 'explain' ? 'secondary small' : 'primary small'}
                disabled={busy || note.trim().length < 3 || (action !== 'explain' && pin.length < 4) || (action === 'refund' && !terminal)}
                onClick={() => void run(action)}
              >
                {ACTION_WORDS[action]}
              </button>
            ))}
          </div>
        </>
      )}
    </article>
  );
}

function ForeignList({ title, empty, intents }: { title: string; empty: string; intents: ForeignIntent[] }) {
  return (
    <>
      <h3>
        {title} ({intents.length})
      </h3>
      {intents.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <table className="history-table">
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Reference</th>
              <th scope="col">Status at Dojo</th>
              <th scope="col">Amount</th>
            </tr>
          </thead>
          <tbody>
            {intents.map((i) => (
              <tr key={i.intentId}>
                <td>{i.createdAt ? formatDateTime(i.createdAt) : '—'}</td>
                <td>{i.reference ?? '—'}</td>
                <td>{i.status}</td>
                <td className="num">{formatMoney(i.total, i.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
