import { useChosenTerminal } from '../stores/terminals-store';

/** Why the chosen terminal cannot take a payment now (none chosen, busy, offline); nothing when it can. */
export function TerminalNotReady() {
  const { id, terminal, name, ready } = useChosenTerminal();
  if (ready) return null;
  let text = 'Choose a terminal first.';
  if (id && terminal?.status === 'Offline') text = `${name} is offline. Check it is on and connected, or choose another terminal.`;
  else if (id && terminal) text = `${name} is busy with another payment (${terminal.status === 'InUse' ? 'in use' : terminal.status}). Wait for it, or choose another terminal.`;
  return (
    <p className="note" data-testid="terminal-not-ready">
      {text}
    </p>
  );
}
