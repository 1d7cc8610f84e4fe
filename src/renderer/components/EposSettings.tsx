import { useEffect, useState } from 'react';
import { useEposStore } from '../stores/epos-store';
import { ErrorBox } from './ErrorBox';

/** Where the EPOS connects and the token it needs (copyable, regenerable). */
export function EposSettings() {
  const { info, load, regenerate, error } = useEposStore();
  const [copied, setCopied] = useState(false);
  const [shown, setShown] = useState(false);
  useEffect(() => {
    void load();
  }, [load]);
  if (!info) return null;
  const copy = async () => {
    await navigator.clipboard.writeText(info.token ?? '').then(
      () => setCopied(true),
      () => setShown(true),
    );
  };
  return (
    <section className="panel" aria-labelledby="epos-heading">
      <h2 id="epos-heading">EPOS connection</h2>
      <ErrorBox message={info.error} />
      <dl className="facts">
        <dt>API</dt>
        <dd data-testid="epos-url">{info.url ?? 'off'}</dd>
        <dt>Token</dt>
        <dd>
          <code data-testid="epos-token">{shown ? info.token : '••••••••••••'}</code>
        </dd>
        <dt>Stored</dt>
        <dd>{info.tokenStorage === 'keychain' ? 'in the system keychain' : info.tokenStorage === 'environment' ? 'set for this run (TILL_EPOS_TOKEN)' : 'for this run only (keychain unavailable)'}</dd>
      </dl>
      <div className="row">
        <button type="button" className="secondary small" onClick={() => setShown(!shown)}>
          {shown ? 'Hide token' : 'Show token'}
        </button>
        <button type="button" className="secondary small" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy token'}
        </button>
        <button type="button" className="secondary small" disabled={info.tokenStorage === 'environment'} onClick={() => void regenerate()}>
          New token
        </button>
      </div>
      <ErrorBox message={error?.message} />
      <p className="muted">The EPOS sends <code>Authorization: Bearer &lt;token&gt;</code> to this address; see the integration guide.</p>
    </section>
  );
}
