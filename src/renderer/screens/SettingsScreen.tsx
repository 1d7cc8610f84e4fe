import { useEffect, useState } from 'react';
import { formatMoney } from '../lib/format';
import { useAppStore } from '../stores/app-store';
import { useSettingsStore } from '../stores/settings-store';
import { useTerminalsStore } from '../stores/terminals-store';
import { TerminalPicker } from '../components/TerminalPicker';
import { EposSettings } from '../components/EposSettings';
import { AboutExtras } from '../components/AboutExtras';

/** API key (write-only), terminal, currency, supervisor PIN, unlinked-refund limit, compact mode, about. */
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
        <LimitField value={view.unlinkedRefundLimit} currency={currency} />
        <TradingDayField value={view.tradingDayStart} />
        <label className="toggle">
          <input type="checkbox" checked={compact} onChange={(e) => void setCompact(e.target.checked).then(() => update({ compactMode: e.target.checked }))} />
          <span>Compact mode beside the EPOS (small window, always on top)</span>
        </label>
      </section>
      <PinSection pinSet={view.supervisorPinSet} />
      <EposSettings />
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
        <p className="muted">Unlinked refund limit: {formatMoney(view.unlinkedRefundLimit, currency)}</p>
        <AboutExtras />
      </section>
    </div>
  );
}

function ApiKeySection({ onChanged }: { onChanged: () => void }) {
  const { view, setApiKey, clearApiKey } = useSettingsStore();
  const [key, setKey] = useState('');
  const [state, setState] = useState<{ kind: 'idle' | 'testing' | 'saved' | 'error'; message?: string }>({ kind: 'idle' });
  if (!view) return null;
  const save = async () => {
    setState({ kind: 'testing' });
    const error = await setApiKey(key);
    setKey('');
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
      <div className="row">
        <button type="button" className="primary" disabled={key.trim().length < 10 || state.kind === 'testing'} onClick={() => void save()}>
          {state.kind === 'testing' ? 'Testing with Dojo…' : 'Test and save'}
        </button>
        {view.apiKey.configured && (
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void clearApiKey().then((error) => {
                setState(error ? { kind: 'error', message: error.message } : { kind: 'saved', message: 'Key removed: back to training mode.' });
                if (!error) onChanged();
              })
            }
          >
            Remove key
          </button>
        )}
      </div>
      {state.message && (
        <p role={state.kind === 'error' ? 'alert' : 'status'} className={state.kind === 'error' ? 'error-box' : 'ok-box'}>
          {state.message}
        </p>
      )}
    </section>
  );
}

function LimitField({ value, currency }: { value: number; currency: string }) {
  const update = useSettingsStore((s) => s.update);
  const [pounds, setPounds] = useState((value / 100).toFixed(2));
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    const minor = Math.round(Number(pounds) * 100);
    const failure = Number.isFinite(minor) && minor > 0 ? await update({ unlinkedRefundLimit: minor }) : { message: 'Enter an amount above zero.' };
    setError(failure ? failure.message : null);
  };
  return (
    <label className="field inline">
      <span>Unlinked refund limit ({currency})</span>
      <input inputMode="decimal" value={pounds} onChange={(e) => setPounds(e.target.value)} onBlur={() => void save()} />
      {error && <span role="alert" className="error-inline">{error}</span>}
    </label>
  );
}

/** When the trading day rolls over: History's "today", day totals and reports follow it. */
function TradingDayField({ value }: { value: string }) {
  const update = useSettingsStore((s) => s.update);
  const [time, setTime] = useState(value);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    if (time === value) return;
    const failure = await update({ tradingDayStart: time });
    setError(failure ? (failure.fields?.['tradingDayStart']?.[0] ?? failure.message) : null);
  };
  return (
    <label className="field inline">
      <span>Trading day starts at</span>
      <input type="time" step={60} value={time} aria-describedby="trading-day-help" onChange={(e) => setTime(e.target.value)} onBlur={() => void save()} />
      <span id="trading-day-help" className="muted">
        00:00 for calendar days; a late-night venue sets e.g. 04:00, so sales until 03:59 count on the day before.
      </span>
      {error && (
        <span role="alert" className="error-inline">
          {error}
        </span>
      )}
    </label>
  );
}

function PinSection({ pinSet }: { pinSet: boolean }) {
  const update = useSettingsStore((s) => s.update);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async () => {
    const error = await update({ supervisorPin: { next, ...(pinSet ? { current } : {}) } });
    setMessage(error ? { ok: false, text: error.message } : { ok: true, text: 'Supervisor PIN saved.' });
    setCurrent('');
    setNext('');
  };
  const digits = (v: string) => v.replace(/\D/g, '').slice(0, 8);
  return (
    <section className="panel" aria-labelledby="pin-heading">
      <h2 id="pin-heading">Supervisor PIN</h2>
      <p className="muted">{pinSet ? 'A supervisor PIN is set. It approves unlinked refunds.' : 'No supervisor PIN yet: unlinked refunds are off until one is set.'}</p>
      {pinSet && (
        <label className="field inline">
          <span>Current PIN</span>
          <input type="password" inputMode="numeric" autoComplete="off" value={current} onChange={(e) => setCurrent(digits(e.target.value))} />
        </label>
      )}
      <label className="field inline">
        <span>New PIN (4–8 digits)</span>
        <input type="password" inputMode="numeric" autoComplete="off" value={next} onChange={(e) => setNext(digits(e.target.value))} />
      </label>
      <button type="button" className="secondary" disabled={next.length < 4 || (pinSet && current.length < 4)} onClick={() => void save()}>
        {pinSet ? 'Change PIN' : 'Set PIN'}
      </button>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok-box' : 'error-box'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
