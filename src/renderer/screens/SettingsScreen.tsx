import { useEffect, useState } from 'react';
import { useAppStore } from '../stores/app-store';
import { useSettingsStore } from '../stores/settings-store';
import { useTerminalsStore } from '../stores/terminals-store';
import { TerminalPicker } from '../components/TerminalPicker';
import { EposSettings } from '../components/EposSettings';
import { ExchangeSettings } from '../components/ExchangeSettings';
import { AboutExtras } from '../components/AboutExtras';
import { StartAtLogin } from '../components/StartAtLogin';
import { AuditView } from '../components/AuditView';
import { LimitsSection, PinSection } from '../components/SupervisorSettings';
import { pinEntered, SupervisorPinInput } from '../components/SupervisorPinInput';
import { withPin } from '../lib/pin';

/** API key (write-only), terminal, currency, supervisor PIN, refund limits, EPOS, audit, compact mode, about. */
export function SettingsScreen() {
  const { view, load, update } = useSettingsStore();
  const { info, load: loadInfo, compact, setCompact } = useAppStore();
  useEffect(() => {
    void load();
  }, [load]);
  if (!view) return <p className="muted">Loading settings…</p>;
  const currency = view.currency;

  return (
    <div className="settings-screen">
      <ApiKeySection onChanged={() => void Promise.all([loadInfo(), useTerminalsStore.getState().load()])} />
      <TerminalPicker />
      <section className="panel" aria-labelledby="payments-settings">
        <h2 id="payments-settings">Payments</h2>
        <label className="field inline">
          <span>Currency</span>
          <select value={currency} onChange={(e) => void update({ currency: e.target.value as 'GBP' | 'EUR' })}>
            <option value="GBP">GBP (£)</option>
            <option value="EUR">EUR (€)</option>
          </select>
        </label>
        <TradingDayField value={view.tradingDayStart} />
        <label className="toggle">
          <input type="checkbox" checked={compact} onChange={(e) => void setCompact(e.target.checked).then(() => update({ compactMode: e.target.checked }))} />
          <span>Compact mode beside the EPOS (small window, always on top)</span>
        </label>
      </section>
      <PinSection view={view} />
      {/* Rebuilt when the limits change, so the form starts from what main saved. */}
      <LimitsSection key={JSON.stringify(view.limits && { u: view.limits.unlinkedRefund, d: view.limits.daily })} view={view} />
      <EposSettings />
      <ExchangeSettings />
      <StartAtLogin />
      <AuditView />
      <section className="panel" aria-labelledby="about-heading">
        <h2 id="about-heading">About</h2>
        <dl className="facts">
          <dt>Product</dt>
          <dd>{view.build.productName}</dd>
          <dt>Version</dt>
          <dd>{info?.version}</dd>
          <dt>Environment</dt>
          <dd>{info?.environment}</dd>
          <dt>Build</dt>
          <dd>
            {view.build.variantId} · Dojo API {view.build.apiVersion} · {view.build.partnerIdsConfigured ? 'partner ids set' : 'sandbox partner ids'}
          </dd>
          <dt>Allowed</dt>
          <dd>{view.build.allowedEnvironments.join(', ')}</dd>
          {view.build.supportUrl && (
            <>
              <dt>Support</dt>
              <dd>
                <a href={view.build.supportUrl} target="_blank" rel="noreferrer">
                  {view.build.supportUrl}
                </a>
              </dd>
            </>
          )}
        </dl>
        <AboutExtras />
      </section>
    </div>
  );
}

function ApiKeySection({ onChanged }: { onChanged: () => void }) {
  const { view, setApiKey, clearApiKey } = useSettingsStore();
  const [key, setKey] = useState('');
  const [pin, setPin] = useState('');
  const [removing, setRemoving] = useState(false);
  const [state, setState] = useState<{ kind: 'idle' | 'testing' | 'saved' | 'error'; message?: string }>({ kind: 'idle' });
  if (!view) return null;
  const save = async () => {
    setState({ kind: 'testing' });
    const error = await setApiKey(key, pin);
    setKey('');
    setPin('');
    if (error) setState({ kind: 'error', message: error.message });
    else {
      setState({ kind: 'saved', message: 'Key tested with Dojo and saved in the system keychain.' });
      onChanged();
    }
  };
  return (
    <section className="panel" aria-labelledby="key-heading">
      <h2 id="key-heading">Dojo API key</h2>
      {!view.keychain.available && (
        <p role="alert" className="error-box">
          {view.keychain.message}
        </p>
      )}
      <p data-testid="key-status">
        {view.apiKey.configured ? (
          <>
            Key {view.apiKey.hint} saved ({view.apiKey.environment === 'production' ? 'production — real money' : 'sandbox'}).
          </>
        ) : (
          'No key saved: the till runs in training mode.'
        )}
      </p>
      <label className="field">
        <span>{view.apiKey.configured ? 'Replace the key' : 'Secret key'}</span>
        <input type="password" autoComplete="off" spellCheck={false} value={key} placeholder="sk_sandbox_… or sk_prod_…" onChange={(e) => setKey(e.target.value)} />
      </label>
      {view.supervisor.pinSet ? (
        <SupervisorPinInput value={pin} onChange={setPin} inline />
      ) : (
        <p className="note">Set a supervisor PIN first (below): saving or removing the key needs it.</p>
      )}
      <div className="row">
        <button type="button" className="primary" disabled={key.trim().length < 10 || !pinEntered(pin) || state.kind === 'testing'} onClick={() => void save()}>
          {state.kind === 'testing' ? 'Testing with Dojo…' : 'Test and save'}
        </button>
        {view.apiKey.configured && !removing && (
          <button type="button" className="secondary" disabled={!pinEntered(pin)} onClick={() => setRemoving(true)}>
            Remove key
          </button>
        )}
      </div>
      {removing && (
        <div className="confirm-box" role="group" aria-label="Remove the API key">
          <p className="note">Without the key the till stops taking real payments and goes back to training mode.</p>
          <div className="row">
            <button type="button" className="secondary" onClick={() => setRemoving(false)}>
              Keep the key
            </button>
            <button
              type="button"
              className="danger"
              onClick={() =>
                void clearApiKey(pin).then((error) => {
                  setRemoving(false);
                  setPin('');
                  setState(error ? { kind: 'error', message: error.message } : { kind: 'saved', message: 'Key removed: back to training mode.' });
                  if (!error) onChanged();
                })
              }
            >
              Remove the key
            </button>
          </div>
        </div>
      )}
      {state.message && (
        <p role={state.kind === 'error' ? 'alert' : 'status'} className={state.kind === 'error' ? 'error-box' : 'ok-box'}>
          {state.message}
        </p>
      )}
    </section>
  );
}

/**
 * When the trading day rolls over: History's "today", day totals, reports and the daily refund caps follow it, so
 * changing it is a supervisor action (an explicit Save with the PIN, never on blur).
 */
function TradingDayField({ value }: { value: string }) {
  const update = useSettingsStore((s) => s.update);
  const [time, setTime] = useState(value);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    const failure = await update({ tradingDayStart: time, ...withPin(pin) });
    setPin('');
    setError(failure ? (failure.fields?.['tradingDayStart']?.[0] ?? failure.message) : null);
  };
  return (
    <div role="group" aria-labelledby="trading-day-label">
      <label className="field inline">
        <span id="trading-day-label">Trading day starts at</span>
        <input type="time" step={60} value={time} aria-describedby="trading-day-help" onChange={(e) => setTime(e.target.value)} />
        <span id="trading-day-help" className="muted">
          00:00 for calendar days; a late-night venue sets e.g. 04:00, so sales until 03:59 count on the day before.
        </span>
      </label>
      {time !== value && (
        <>
          <SupervisorPinInput value={pin} onChange={setPin} inline />
          <button type="button" className="secondary small" disabled={!pinEntered(pin)} onClick={() => void save()}>
            Save trading day
          </button>
        </>
      )}
      {error && (
        <span role="alert" className="error-inline">
          {error}
        </span>
      )}
    </div>
  );
}
