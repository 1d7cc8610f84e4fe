import { useEffect, useState } from 'react';
import { useEposStore } from '../stores/epos-store';
import { ErrorBox } from './ErrorBox';
import { pinEntered, SupervisorPinInput } from './SupervisorPinInput';

/**
 * Where the EPOS connects and the token it needs. Showing, copying and replacing the token are supervisor
 * actions (main checks the PIN); replacing it breaks the EPOS's connection until it gets the new one, so the
 * screen says so and asks first.
 */
export function EposSettings() {
  const { info, load, reveal, regenerate, error } = useEposStore();
  const [pin, setPin] = useState('');
  const [token, setToken] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirmingNew, setConfirmingNew] = useState(false);
  useEffect(() => {
    void load();
  }, [load]);
  if (!info) return null;

  const withToken = async (get: (pin: string) => Promise<{ token: string } | { error: { message: string } }>, then?: (token: string) => Promise<string>) => {
    const result = await get(pin);
    setPin('');
    if ('error' in result) return setMessage({ ok: false, text: result.error.message });
    setToken(result.token);
    setMessage(then ? { ok: true, text: await then(result.token) } : null);
  };
  const copy = (value: string) =>
    navigator.clipboard.writeText(value).then(
      () => 'Token copied.',
      () => 'The token could not be copied here: it is shown above.',
    );

  return (
    <section className="panel" aria-labelledby="epos-heading">
      <h2 id="epos-heading">EPOS connection</h2>
      <ErrorBox message={info.error} />
      <dl className="facts">
        <dt>API</dt>
        <dd data-testid="epos-url">{info.url ?? 'off'}</dd>
        <dt>Token</dt>
        <dd>
          <code data-testid="epos-token">{token ?? (info.tokenSet ? '••••••••••••' : 'none')}</code>
        </dd>
        <dt>Stored</dt>
        <dd>{info.tokenStorage === 'keychain' ? 'in the system keychain' : info.tokenStorage === 'environment' ? 'set for this run (TILL_EPOS_TOKEN)' : 'for this run only (keychain unavailable)'}</dd>
      </dl>
      <SupervisorPinInput value={pin} onChange={setPin} inline />
      <div className="row">
        {token ? (
          <button type="button" className="secondary small" onClick={() => setToken(null)}>
            Hide token
          </button>
        ) : (
          <button type="button" className="secondary small" disabled={!pinEntered(pin)} onClick={() => void withToken(reveal)}>
            Show token
          </button>
        )}
        <button type="button" className="secondary small" disabled={!token && !pinEntered(pin)} onClick={() => void (token ? copy(token).then((text) => setMessage({ ok: true, text })) : withToken(reveal, copy))}>
          Copy token
        </button>
        <button type="button" className="secondary small" disabled={info.tokenStorage === 'environment' || !pinEntered(pin) || confirmingNew} onClick={() => setConfirmingNew(true)}>
          New token
        </button>
      </div>
      {confirmingNew && (
        <div className="confirm-box" role="group" aria-label="Replace the EPOS token">
          <p className="note">
            <strong>The EPOS stops working with the companion at once:</strong> its current token is refused from now on, until the new token is entered in the EPOS configuration.
          </p>
          <div className="row">
            <button type="button" className="secondary" onClick={() => setConfirmingNew(false)}>
              Keep the current token
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => {
                setConfirmingNew(false);
                void withToken(regenerate, async () => 'New token made: enter it in the EPOS now. The old one no longer works.');
              }}
            >
              Replace the token
            </button>
          </div>
        </div>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok-box' : 'error-box'}>
          {message.text}
        </p>
      )}
      <ErrorBox message={error?.message} />
      <p className="muted">The EPOS sends <code>Authorization: Bearer &lt;token&gt;</code> to this address; see the integration guide.</p>
    </section>
  );
}
