import { useEffect } from 'react';
import { TERMINAL_WORDS } from '../lib/words';
import { useSettingsStore } from '../stores/settings-store';
import { useTerminalsStore } from '../stores/terminals-store';

/** Terminals with their status; the choice is remembered. Busy and offline terminals can be seen, not chosen. */
export function TerminalPicker() {
  const { terminals, state, error, load, select } = useTerminalsStore();
  const selected = useSettingsStore((s) => s.view?.terminalId ?? null);
  useEffect(() => {
    if (state === 'idle') void load();
  }, [state, load]);

  return (
    <section className="terminal-picker" aria-labelledby="terminal-heading">
      <div className="section-head">
        <h2 id="terminal-heading">Terminal</h2>
        <button type="button" className="secondary small" onClick={() => void load()} disabled={state === 'loading'}>
          {state === 'loading' ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {state === 'error' && (
        <p role="alert" className="error-box">
          {error?.code === 'DOJO_AUTH' ? 'Dojo did not accept the API key. Check it in Settings.' : error?.code === 'NETWORK' || error?.code === 'TIMEOUT' ? 'Dojo cannot be reached. Check the till’s internet connection, then refresh.' : (error?.message ?? 'The terminals could not be listed.')}
        </p>
      )}
      {state === 'ready' && terminals.length === 0 && <p className="empty">No terminals on this Dojo account yet. Ask Dojo to add one, then refresh.</p>}
      <div className="terminal-list" role="radiogroup" aria-label="Choose the terminal">
        {terminals.map((terminal) => {
          const available = terminal.status === 'Available';
          const checked = terminal.id === selected;
          return (
            <button
              key={terminal.id}
              type="button"
              role="radio"
              aria-checked={checked}
              className={`terminal ${checked ? 'chosen' : ''}`}
              onClick={() => void select(terminal.id)}
            >
              <span className="terminal-tid">{terminal.tid ?? terminal.id}</span>
              <span className={`badge badge-${available ? 'ok' : terminal.status === 'Offline' ? 'bad' : 'warn'}`}>{TERMINAL_WORDS[terminal.status] ?? terminal.status}</span>
            </button>
          );
        })}
      </div>
    </section>
  );
}
