import { useState } from 'react';
import { formatMoney } from '../lib/format';
import { useEposStore } from '../stores/epos-store';
import { ErrorBox } from './ErrorBox';

/** An unlinked refund the EPOS asked for: a supervisor confirms it here with the PIN, or declines it. */
export function RefundRequestDialog() {
  const { pending, confirm, decline } = useEposStore();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const request = pending[0];
  if (!request) return null;
  const approve = async () => {
    const failure = await confirm(request.requestId, pin);
    setError(failure ? (failure.fields?.['supervisorPin']?.[0] ? 'The supervisor PIN is not right.' : failure.message) : null);
    setPin('');
  };
  return (
    <div className="modal-backdrop">
      <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="epos-refund-title">
        <h2 id="epos-refund-title">The EPOS asks for an unlinked refund</h2>
        <p>
          Refund <strong>{formatMoney(request.amount, request.currency)}</strong> to the card the customer presents{request.reference ? <> (reference {request.reference})</> : null}?
        </p>
        <label className="field">
          <span>Supervisor PIN</span>
          <input type="password" inputMode="numeric" autoComplete="off" autoFocus value={pin} maxLength={8} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} />
        </label>
        <ErrorBox message={error} />
        <div className="modal-actions">
          <button type="button" className="primary" disabled={pin.length < 4} onClick={() => void approve()}>
            Confirm refund
          </button>
          <button type="button" className="secondary" onClick={() => void decline(request.requestId)}>
            Decline
          </button>
        </div>
      </div>
    </div>
  );
}
