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
import { JournalTamperPointer, LimitsSection, PinSection } from '../components/SupervisorSettings';
import { pinEntered, SupervisorPinInput } from '../components/SupervisorPinInput';
import { withPin } from '../lib/pin';
import { ScreenHeading } from '../components/ScreenHeading';
import { terminalName } from '../stores/terminals-store';

/** API key (write-only), terminal and names, currency, trading day, compact mode, supervisor PIN, refund limits, EPOS, audit, about. */
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
      <ScreenHeading>Settings</ScreenHeading>
      <JournalTamperPointer supervisor={view.supervisor} />
      <ApiKeySection onChanged={() => void Promise.all([loadInfo(), useTerminalsStore.getState().load()])} />
      <TerminalPicker />
      <TerminalNames />
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
          <input type="checkbox" checked={compact} onChange={(e) => void setCompact(e.target.checked)} />
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
    setPin('');
    // A refused key stays in the field so a typo can be fixed; a saved one leaves it (the key is write-only).
    if (error) setState({ kind: 'error', message: error.message });
    else {
      setKey('');
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

/** Every quarter hour a trading day may start at (00:00–11:45), plus the saved value if it is between them. */
const DAY_STARTS = Array.from({ length: 48 }, (_, i) => `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`);

/**
 * When the trading day rolls over: History's "today", day totals, reports and the daily refund caps follow it, so
 * changing it is a supervisor action (an explicit Save with the PIN, never on blur). Chosen from quarter hours
 * in 24-hour time, so no browser shows it as AM/PM.
 */
function TradingDayField({ value }: { value: string }) {
  const update = useSettingsStore((s) => s.update);
  const [time, setTime] = useState(value);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const save = async () => {
    const failure = await update({ tradingDayStart: time, ...withPin(pin) });
    setPin('');
    setError(failure ? (failure.fields?.['tradingDayStart']?.[0] ?? failure.message) : null);
    setSaved(failure ? null : time);
  };
  const options = DAY_STARTS.includes(value) ? DAY_STARTS : [...DAY_STARTS, value].sort();
  return (
    <div role="group" aria-labelledby="trading-day-label">
      <label className="field inline">
        <span id="trading-day-label">Trading day starts at</span>
        <select value={time} aria-describedby="trading-day-help" onChange={(e) => setTime(e.target.value)}>
          {options.map((t) => (
            <option key={t} value={t}>
              {t}
              {t === '00:00' ? ' (midnight)' : ''}
            </option>
          ))}
        </select>
        <span id="trading-day-help" className="muted">
          00:00 for calendar days; a late-night venue sets e.g. 04:00, so sales until 03:59 count on the day before.
        </span>
      </label>
      {time !== value && (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            if (pinEntered(pin)) void save();
          }}
        >
          <SupervisorPinInput value={pin} onChange={setPin} inline />
          <button type="submit" className="secondary small" disabled={!pinEntered(pin)}>
            Save trading day
          </button>
        </form>
      )}
      {saved && !error && time === value && (
        <p role="status" className="muted" data-testid="trading-day-saved">
          Saved: the trading day starts at {saved}.
        </p>
      )}
      {error && (
        <span role="alert" className="error-inline">
          {error}
        </span>
      )}
    </div>
  );
}

/** The shop's own names for its terminals ("Bar", "Front till"): shown wherever a terminal is. */
function TerminalNames() {
  const terminals = useTerminalsStore((s) => s.terminals);
  const names = useSettingsStore((s) => s.view?.terminalNames);
  if (terminals.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="terminal-names-heading">
      <h2 id="terminal-names-heading">Terminal names</h2>
      <p className="muted">Optional: a name the staff know each terminal by.</p>
      {terminals.map((t) => (
        <TerminalNameField key={t.id} terminalId={t.id} tid={t.tid ?? t.id} name={names?.[t.id] ?? ''} />
      ))}
    </section>
  );
}

function TerminalNameField({ terminalId, tid, name }: { terminalId: string; tid: string; name: string }) {
  const update = useSettingsStore((s) => s.update);
  const [text, setText] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    if (text.trim() === name) return;
    const failure = await update({ terminalName: { terminalId, name: text.trim() } });
    setError(failure ? (failure.fields?.['terminalName.name']?.[0] ?? failure.message) : null);
  };
  return (
    <label className="field inline">
      <span>{terminalName({ id: terminalId, tid }, {})}</span>
      <input value={text} maxLength={40} onChange={(e) => setText(e.target.value)} onBlur={() => void save()} onKeyDown={(e) => e.key === 'Enter' && void save()} />
      {error && (
        <span role="alert" className="error-inline">
          {error}
        </span>
      )}
    </label>
  );
}

