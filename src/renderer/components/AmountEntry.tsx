import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { parseMajorAmount } from '../../shared/money';
import { amountReducer } from '../lib/amount';
import { formatMoney } from '../lib/format';
import { dialogOpen } from './Modal';
import { Keypad } from './Keypad';

/** An amount held by the screen that shows it (a refund's); the sale being typed is in the sale-entry store. */
export function useAmount(initial = 0) {
  const [{ amount, prefilled }, dispatch] = useReducer(amountReducer, { amount: initial, prefilled: initial > 0 });
  const digit = useCallback((d: string) => dispatch({ kind: 'digit', digit: d }), []);
  const backspace = useCallback(() => dispatch({ kind: 'backspace' }), []);
  const set = useCallback((minor: number, prefill = false) => dispatch({ kind: 'set', minor, prefill }), []);
  return { amount, prefilled, digit, backspace, set };
}
export type AmountState = ReturnType<typeof useAmount>;

const editable = (target: EventTarget | null) =>
  target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement || (target instanceof HTMLElement && target.isContentEditable);

/**
 * The amount field with its keypad. Enter here submits (the only key that starts a payment besides the Pay
 * button); Escape clears the amount. A digit typed while nothing editable has focus comes here, so a cashier can
 * just type; keys inside a dialog never do.
 */
export function AmountEntry({
  id,
  label,
  state,
  currency,
  onSubmit,
  disabled,
  autoFocus,
  testId,
}: {
  id: string;
  label: string;
  state: AmountState;
  currency: string;
  onSubmit: () => void;
  disabled?: boolean;
  autoFocus?: boolean;
  testId?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [pasteError, setPasteError] = useState<string | null>(null);
  const { amount, prefilled, digit, backspace, set } = state;

  useEffect(() => {
    if (disabled) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (!/^\d$/.test(event.key) || event.ctrlKey || event.metaKey || event.altKey || editable(event.target) || dialogOpen()) return;
      event.preventDefault();
      input.current?.focus();
      digit(event.key);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [digit, disabled]);

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return; // paste, copy, select all
    if (/^\d$/.test(event.key)) digit(event.key);
    else if (event.key === 'Backspace') backspace();
    else if (event.key === 'Delete' || event.key === 'Escape') set(0);
    else if (event.key === 'Enter') onSubmit();
    else if (event.key.length === 1) {
      /* letters and signs are not amounts */
    } else return; // Tab, arrows, F-keys: their usual meaning
    event.preventDefault();
    setPasteError(null);
  };
  const onPaste = (event: React.ClipboardEvent<HTMLInputElement>) => {
    event.preventDefault();
    const parsed = parseMajorAmount(event.clipboardData.getData('text'));
    if (parsed.ok) set(parsed.minor);
    setPasteError(parsed.ok ? null : parsed.message);
  };

  return (
    <div className="amount-entry-field">
      <label htmlFor={id} className="amount-label">
        {label}
      </label>
      <input
        ref={input}
        id={id}
        className={`amount-display ${prefilled ? 'prefilled' : ''}`}
        inputMode="numeric"
        autoComplete="off"
        spellCheck={false}
        value={formatMoney(amount, currency)}
        onChange={() => undefined /* keys are handled above; the value is always the formatted amount */}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        disabled={disabled}
        autoFocus={autoFocus}
        aria-describedby={`${id}-hint`}
        data-testid={testId}
        data-amount-entry=""
      />
      <p id={`${id}-hint`} className="muted minor">
        {prefilled ? 'Type to replace this amount. ' : ''}Type it as on the terminal: the last two digits are pence. Enter continues.
      </p>
      {pasteError && (
        <p role="alert" className="error-inline">
          {pasteError}
        </p>
      )}
      <Keypad onDigit={digit} onBackspace={backspace} disabled={disabled} />
    </div>
  );
}
