import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { ErrorBox } from './ErrorBox';

/**
 * Closing the trading day: says what a Z does and, while payments need attention, asks for the supervisor PIN
 * (checked in main). The dialog owns the keyboard: Tab stays inside, Escape closes it and nothing behind.
 */
export function CloseDayDialog({ tradingDay, attention, onClose, onConfirm }: {
  tradingDay: string;
  attention: number;
  onClose(): void;
  /** Resolves with the refusal message, or null when the day was closed. */
  onConfirm(pin: string | undefined): Promise<{ message: string; needsPin: boolean } | null>;
}) {
  const [pin, setPin] = useState('');
  const [needsPin, setNeedsPin] = useState(attention > 0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDivElement>(null);
  // The dialog leaves the keyboard somewhere, never on nothing: kept open, back on the button that opened it; a
  // closed day, on the screen's heading (now "Z report N", so the new Z is announced).
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null));
  const keepOpen = () => {
    onClose();
    (opener?.isConnected ? opener : document.querySelector<HTMLElement>('main [data-screen-heading]'))?.focus();
  };
  useEffect(() => {
    dialog.current?.querySelector<HTMLElement>('input, button')?.focus();
  }, [needsPin]);

  const confirm = async () => {
    setBusy(true);
    const refusal = await onConfirm(needsPin ? pin : undefined);
    setBusy(false);
    setPin('');
    if (!refusal) {
      onClose();
      document.querySelector<HTMLElement>('main [data-screen-heading]')?.focus();
      return;
    }
    setError(refusal.message);
    if (refusal.needsPin) setNeedsPin(true);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      keepOpen();
    } else if (event.key === 'Tab') {
      const focusable = [...(dialog.current?.querySelectorAll<HTMLElement>('input, button:not(:disabled)') ?? [])];
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last?.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first?.focus();
      }
    } else if (event.key === 'Enter') {
      event.stopPropagation(); // Enter belongs to this dialog, never to the sale screen behind it
    }
  };

  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="close-day-title" aria-describedby="close-day-what" ref={dialog} onKeyDown={onKeyDown}>
        <h2 id="close-day-title">Close trading day {tradingDay}</h2>
        <p id="close-day-what">
          This makes the day&apos;s Z report: it is numbered, checked against Dojo, stored and can never be changed. Payments that finish later go on the next Z as adjustments.
        </p>
        {needsPin && (
          <>
            <p className="attention-box">
              {attention > 0 ? `${attention} payment${attention === 1 ? ' still needs' : 's still need'} attention.` : 'Payments still need attention.'} The Z will list
              {attention === 1 ? ' it' : ' them'} and say it was closed on the supervisor&apos;s PIN.
            </p>
            <label className="field">
              <span>Supervisor PIN</span>
              <input type="password" inputMode="numeric" autoComplete="off" value={pin} maxLength={8} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} />
            </label>
          </>
        )}
        <ErrorBox message={error} />
        <div className="modal-actions">
          <button type="button" className="primary" disabled={busy || (needsPin && pin.length < 4)} onClick={() => void confirm()}>
            {busy ? 'Closing…' : 'Close the day'}
          </button>
          <button type="button" className="secondary" onClick={keepOpen}>
            Keep it open
          </button>
        </div>
      </div>
    </div>
  );
}
