import { useState } from 'react';
import type { RefundRequestView } from '../../shared/epos';
import { formatMoney, formatTime } from '../lib/format';
import { useEposStore } from '../stores/epos-store';
import { useTerminalsStore } from '../stores/terminals-store';
import { ErrorBox } from './ErrorBox';
import { Modal } from './Modal';
import { pinEntered, SupervisorPinInput } from './SupervisorPinInput';

/**
 * A refund the EPOS asked for: a supervisor confirms it here with the PIN, or declines it. The oldest waiting
 * request is shown; the EPOS cannot push it out (the queue refuses at its cap instead), and the PIN typed for
 * one request never carries over to another (the form is rebuilt for each request). The dialog owns the
 * keyboard: Enter in the PIN field confirms this refund and nothing behind it; Escape decides nothing.
 */
export function RefundRequestDialog() {
  const pending = useEposStore((s) => s.pending);
  const request = pending[0];
  if (!request) return null;
  return <RequestForm key={request.requestId} request={request} waiting={pending.length} />;
}

function RequestForm({ request, waiting }: { request: RefundRequestView; waiting: number }) {
  const { confirm, decline } = useEposStore();
  const terminals = useTerminalsStore((s) => s.terminals);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const terminal = terminals.find((t) => t.id === request.terminalId);
  const approve = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!pinEntered(pin) || sending) return;
    setSending(true);
    const failure = await confirm(request, pin);
    setSending(false);
    setError(failure ? failure.message : null);
    setPin('');
  };
  const amount = formatMoney(request.amount, request.currency);
  return (
    <Modal labelledBy="epos-refund-title" describedBy="epos-refund-what" testId="epos-refund-dialog">
      <form onSubmit={(event) => void approve(event)}>
        <h2 id="epos-refund-title">The EPOS asks for {request.kind === 'matched' ? 'a refund' : 'an unlinked refund'}</h2>
        <p id="epos-refund-what">
          Refund <strong data-testid="request-amount">{amount}</strong>{' '}
          {request.kind === 'matched' ? 'to the card of the original sale' : 'to the card the customer presents'}
          {request.reference ? <> (reference {request.reference})</> : null}?
        </p>
        <dl className="facts">
          <dt>Terminal</dt>
          <dd data-testid="request-terminal">{terminal?.tid ?? request.terminalId ?? 'none chosen'}</dd>
          <dt>Asked at</dt>
          <dd>{formatTime(request.createdAt)}</dd>
          <dt>Waiting</dt>
          <dd data-testid="request-queue">{waiting === 1 ? 'this request only' : `this one and ${waiting - 1} more`}</dd>
        </dl>
        <SupervisorPinInput value={pin} onChange={setPin} autoFocus />
        <ErrorBox message={error} />
        <div className="modal-actions">
          <button type="submit" className="primary" disabled={!pinEntered(pin) || sending}>
            Refund {amount}
          </button>
          <button type="button" className="secondary" onClick={() => void decline(request.requestId)}>
            Decline
          </button>
        </div>
      </form>
    </Modal>
  );
}
