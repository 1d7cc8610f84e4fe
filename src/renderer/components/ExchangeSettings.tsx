import { useEffect, useState } from 'react';
import { formatDateTime } from '../lib/format';
import { useExchangeStore } from '../stores/exchange-store';
import { ErrorBox } from './ErrorBox';
import { pinEntered, SupervisorPinInput } from './SupervisorPinInput';

/** Settings → EPOS file exchange: the folder an EPOS that can only write files uses, and how it is doing. */
export function ExchangeSettings() {
  const { status, load, configure, error } = useExchangeStore();
  const [folder, setFolder] = useState('');
  const [minutes, setMinutes] = useState('');
  const [networkShare, setNetworkShare] = useState(false);
  const [pin, setPin] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (!status) return;
    setFolder(status.folder ?? '');
    setMinutes(String(status.commitTimeoutMinutes));
    setNetworkShare(status.networkShare);
  }, [status?.folder, status?.commitTimeoutMinutes, status?.networkShare]);
  if (!status) return <ErrorBox message={error?.message} />;
  const fixed = status.source === 'environment';
  const save = async (off: boolean) => {
    setSaved(false);
    const result = await configure({ folder: off ? null : folder.trim(), commitTimeoutMinutes: Number(minutes), networkShare, supervisorPin: pin });
    setPin('');
    setFailure(result ? (Object.values(result.fields ?? {})[0]?.[0] ?? result.message) : null);
    setSaved(!result);
  };
  return (
    <section className="panel" aria-labelledby="exchange-heading" data-testid="exchange-settings">
      <h2 id="exchange-heading">EPOS file exchange</h2>
      <p className="muted">For an EPOS that can only write files: it drops requests in this folder and reads the answers. See the integration guide.</p>
      <ErrorBox message={status.error} />
      {status.warning && <p className="attention-box">{status.warning}</p>}
      <dl className="facts">
        <dt>State</dt>
        <dd data-testid="exchange-state">{status.running ? 'on' : 'off'}{fixed ? ' (set by TILL_EXCHANGE_DIR for this run)' : ''}</dd>
        <dt>Requests</dt>
        <dd>
          {status.pending} running or waiting · {status.awaitingCommit} waiting for the EPOS to commit · {status.received} received, {status.rejected} refused, {status.archived} archived
        </dd>
        <dt>Last request</dt>
        <dd>{status.lastRequestAt ? formatDateTime(status.lastRequestAt) : 'none yet'}</dd>
        <dt>Needs attention</dt>
        <dd>{status.attention.length === 0 ? 'nothing' : `${status.attention.length} payment(s) the EPOS never confirmed (see Attention, F4)`}</dd>
      </dl>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
      >
        <label className="field">
          <span>Folder (full path; a network share works)</span>
          <input value={folder} disabled={fixed} maxLength={400} placeholder="C:\TillExchange" onChange={(e) => setFolder(e.target.value)} />
        </label>
        <label className="field inline">
          <span>Minutes for the EPOS to commit an approved payment</span>
          <input type="number" min={1} max={1440} value={minutes} disabled={fixed} onChange={(e) => setMinutes(e.target.value)} />
        </label>
        <label className="toggle">
          <input type="checkbox" checked={networkShare} disabled={fixed} onChange={(e) => setNetworkShare(e.target.checked)} />
          <span>The folder is on a network share (check it by polling too)</span>
        </label>
        <SupervisorPinInput value={pin} onChange={setPin} disabled={fixed} inline />
        <ErrorBox message={failure} />
        {saved && <p role="status">Saved.</p>}
        <div className="row">
          <button type="submit" className="primary small" disabled={fixed || !pinEntered(pin) || !folder.trim()}>
            Use this folder
          </button>
          <button type="button" className="secondary small" disabled={fixed || !pinEntered(pin) || !status.folder} onClick={() => void save(true)}>
            Turn off
          </button>
        </div>
      </form>
    </section>
  );
}
