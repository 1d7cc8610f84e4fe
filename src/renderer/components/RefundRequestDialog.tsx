import { useRef, useState } from 'react';
import type { RefundRequestView } from '../../shared/epos';
import { formatMoney } from '../lib/format';
import { useEposStore } from '../stores/epos-store';
import { ErrorBox } from './ErrorBox';
import { Modal } from './Modal';

/** An unlinked refund the EPOS asked for: a supervisor confirms it here with the PIN, or declines it. */
export function RefundRequestDialog() {
  const request = useEposStore((s) => s.pending[0]);
  return request ? <RefundRequest key={request.requestId} request={request} /> : null;
}

function RefundRequest({ request }: { request: RefundRequestView }) {
  const { confirm, decline } = useEposStore();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const pinField = useRef<HTMLInputElement>(null);
  const approve = async (event: React.FormEvent) => {
    event.preventDefault(); // Enter in the PIN field confirms this refund, and nothing else
    if (pin.length < 4 || sending) return;
    setSending(true);
    const failure = await confirm(request.requestId, pin);
    setSending(false);
    setError(failure ? (failure.fields?.['supervisorPin']?.[0] ? 'The supervisor PIN is not right.' : failure.message) : null);
    setPin('');
  };
  return (
    <Modal labelledBy="epos-refund-title" describedBy="epos-refund-text" initialFocus={pinField} testId="epos-refund-dialog">
      <form onSubmit={(event) => void approve(event)}>
        <h2 id="epos-refund-title">The EPOS asks for an unlinked refund</h2>
        <p id="epos-refund-text">
          Refund <strong>{formatMoney(request.amount, request.currency)}</strong> to the card the customer presents{request.reference ? <> (reference {request.reference})</> : null}?
        </p>
        <label className="field">
          <span>Supervisor PIN</span>
          <input ref={pinField} type="password" inputMode="numeric" autoComplete="off" value={pin} maxLength={8} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} />
        </label>
        <ErrorBox message={error} />
        <div className="modal-actions">
          <button type="submit" className="primary" disabled={pin.length < 4 || sending}>
            Confirm refund
          </button>
          <button type="button" className="secondary" onClick={() => void decline(request.requestId)}>
            Decline
          </button>
        </div>
      </form>
    </Modal>
  );
}
