const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '00', '0', '⌫'];

/** On-screen keypad for touch tills; the physical keyboard works too (see the screens' key handlers). */
export function Keypad({ onDigit, onBackspace, disabled }: { onDigit: (digit: string) => void; onBackspace: () => void; disabled?: boolean }) {
  return (
    <div className="keypad" role="group" aria-label="Amount keypad">
      {KEYS.map((key) => (
        <button
          key={key}
          type="button"
          className="keypad-key"
          disabled={disabled}
          aria-label={key === '⌫' ? 'Delete last digit' : undefined}
          onClick={() => (key === '⌫' ? onBackspace() : key === '00' ? (onDigit('0'), onDigit('0')) : onDigit(key))}
        >
          {key}
        </button>
      ))}
    </div>
  );
}
