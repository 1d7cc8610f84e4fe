import { useEffect } from 'react';
import { formatDateTime } from '../lib/format';
import { useAuditStore } from '../stores/audit-store';
import { ErrorBox } from './ErrorBox';

const ACTOR_WORDS = { supervisor: 'Supervisor', cashier: 'Cashier', epos: 'EPOS', system: 'The app' } as const;
const OUTCOME_WORDS = { ok: 'done', refused: 'refused', failed: 'failed' } as const;

/** The audit of supervisor actions in this environment: read-only, newest first. */
export function AuditView() {
  const { entries, intact, more, error, load, loadMore } = useAuditStore();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section className="panel audit-panel" aria-labelledby="audit-heading">
      <div className="section-head">
        <h2 id="audit-heading">Audit</h2>
        <button type="button" className="secondary small" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <p className="muted">Every supervisor action and refusal at this till, kept in the journal. Nothing here can be changed or deleted.</p>
      {!intact && <ErrorBox message="The audit does not check out: an entry was changed or removed outside the app. Tell your reseller." />}
      <ErrorBox message={error?.message} />
      {entries.length === 0 ? (
        <p className="empty">Nothing recorded yet.</p>
      ) : (
        <table className="audit-table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} className={`audit-${e.outcome}`}>
                <td>{formatDateTime(e.at)}</td>
                <td>{ACTOR_WORDS[e.actor]}</td>
                <td>{e.summary}</td>
                <td>{OUTCOME_WORDS[e.outcome]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more && (
        <button type="button" className="link" onClick={() => void loadMore()}>
          Older entries
        </button>
      )}
    </section>
  );
}
