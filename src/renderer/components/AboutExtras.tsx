import { useEffect, useState } from 'react';
import type { UpdateStatus } from '../../shared/updates';
import { till } from '../bridge';

const WORDS: Record<UpdateStatus['state'], string> = {
  disabled: 'Off',
  idle: 'Waiting for the first check',
  checking: 'Checking…',
  'up-to-date': 'Up to date',
  downloading: 'Downloading in the background',
  ready: 'Ready to install',
  error: 'Check failed',
};

/** Settings → About: the updater's state (install now, or after the running payment) and the support bundle. */
export function AboutExtras() {
  const [status, setStatus] = useState<UpdateStatus>();
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    void till()
      .getUpdateStatus()
      .then((result) => result.ok && setStatus(result.data));
    // The updater pushes its state as it changes (checking, downloading %, ready).
    return till().onUpdateStatus(setStatus);
  }, []);
  const install = async () => {
    const result = await till().installUpdate();
    if (result.ok) setStatus(result.data);
  };
  const exportBundle = async () => {
    const result = await till().exportSupportBundle();
    if (!result.ok) return setMessage(result.error.message);
    const bytes = Uint8Array.from(atob(result.data.base64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/zip' }));
    Object.assign(document.createElement('a'), { href: url, download: result.data.filename }).click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
    setMessage(`Saved ${result.data.filename} (logs and app info; no key, token or payments).`);
  };
  return (
    <>
      <dl className="facts">
        <dt>Updates</dt>
        <dd data-testid="update-status">
          {status ? WORDS[status.state] : '…'}
          {status?.version ? ` (${status.version})` : ''}
          {status?.state === 'downloading' && status.percent !== undefined ? ` ${status.percent}%` : ''}
          {status?.reason ? ` — ${status.reason}` : ''}
          {status?.installWhenIdle ? ' — installs when the current payment has finished' : ''}
        </dd>
      </dl>
      <div className="row">
        {status?.state === 'ready' && (
          <button type="button" className="primary small" onClick={() => void install()}>
            Install update and restart
          </button>
        )}
        <button type="button" className="secondary small" onClick={() => void exportBundle()}>
          Export support bundle
        </button>
      </div>
      {message && (
        <p role="status" className="muted">
          {message}
        </p>
      )}
    </>
  );
}
