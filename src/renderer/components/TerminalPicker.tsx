import { useRef } from 'react';
import type { TerminalView } from '../../shared/payments';
import { TERMINAL_WORDS } from '../lib/words';
import { useSettingsStore } from '../stores/settings-store';
import { isAvailable, terminalName, useTerminalRefresh, useTerminalsStore } from '../stores/terminals-store';

/**
 * Terminals with their status, one radio group (arrow keys move the choice; one Tab stop). Busy and offline
 * terminals can be seen, not chosen. The list refreshes itself while on screen; the choice is remembered.
 */
export function TerminalPicker() {
  const { terminals, state, error, load, select } = useTerminalsStore();
  const selected = useSettingsStore((s) => s.view?.terminalId ?? null);
  const names = useSettingsStore((s) => s.view?.terminalNames);
  const group = useRef<HTMLDivElement>(null);
  useTerminalRefresh();

  const choosable = terminals.filter((t) => isAvailable(t) || t.id === selected);
  const tabStop = choosable.find((t) => t.id === selected) ?? choosable[0];
  const onKeyDown = (event: React.KeyboardEvent, terminal: TerminalView) => {
    const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    const available = terminals.filter(isAvailable);
    if (available.length === 0) return;
    const at = available.findIndex((t) => t.id === terminal.id);
    const next = available[(at + step + available.length) % available.length]!;
    void select(next.id);
    group.current?.querySelector<HTMLElement>(`[data-terminal-id="${CSS.escape(next.id)}"]`)?.focus();
  };

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
      <div ref={group} className="terminal-list" role="radiogroup" aria-labelledby="terminal-heading">
        {terminals.map((terminal) => {
          const available = isAvailable(terminal);
          const checked = terminal.id === selected;
          const unavailable = !available && !checked;
          return (
            <button
              key={terminal.id}
              type="button"
              role="radio"
              aria-checked={checked}
              aria-disabled={unavailable || undefined}
              tabIndex={terminal.id === tabStop?.id ? 0 : -1}
              data-terminal-id={terminal.id}
              className={`terminal ${checked ? 'chosen' : ''} ${available ? '' : 'unavailable'}`}
              onClick={() => !unavailable && void select(terminal.id)}
              onKeyDown={(event) => onKeyDown(event, terminal)}
            >
              <span className="terminal-name">
                <span className="terminal-tid">{terminalName(terminal, names)}</span>
                {terminal.note && <span className="terminal-note">{terminal.note}</span>}
              </span>
              <span className={`badge badge-${available ? 'ok' : terminal.status === 'Offline' ? 'bad' : 'warn'}`}>{TERMINAL_WORDS[terminal.status] ?? terminal.status}</span>
            </button>
          );
        })}
      </div>
    </section>
  );
}
