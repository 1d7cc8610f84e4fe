export { pinEntered } from '../lib/pin';

/** A PIN field: digits only, never shown, never autocompleted. Main checks the PIN; this only collects it. */
export function SupervisorPinInput({
  value,
  onChange,
  label = 'Supervisor PIN',
  id,
  autoFocus,
  disabled,
  inline,
}: {
  value: string;
  onChange: (pin: string) => void;
  label?: string;
  id?: string;
  autoFocus?: boolean;
  disabled?: boolean;
  inline?: boolean;
}) {
  return (
    <label className={inline ? 'field inline' : 'field'}>
      <span>{label}</span>
      <input
        id={id}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        value={value}
        maxLength={12}
        autoFocus={autoFocus}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value.replace(/\D/g, '').slice(0, 12))}
      />
    </label>
  );
}
