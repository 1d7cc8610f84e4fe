import { useState } from 'react';
import type { ExchangeAttention } from '../../shared/exchange';
import { formatDateTime, formatMoney } from '../lib/format';
import { TYPE_WORDS } from '../lib/words';
import { useExchangeStore } from '../stores/exchange-store';
import { ErrorBox } from './ErrorBox';
import { pinEntered, SupervisorPinInput } from './SupervisorPinInput';

/** A payment that went through but the EPOS never confirmed recording: check the EPOS, never refund by reflex. */
export function ExchangeAttentionItem({ item }: { item: ExchangeAttention }) {
  const resolve = useExchangeStore((s) => s.resolve);
  const [note, setNote] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const record = async () => {
    const failure = await resolve(item.requestId, note.trim(), pin);
    setPin('');
    setError(failure ? (Object.values(failure.fields ?? {})[0]?.[0] ?? failure.message) : null);
  };
  return (
    <article className="attention-item" aria-labelledby={`xatt-${item.requestId}`}>
      <h3 id={`xatt-${item.requestId}`}>
        {TYPE_WORDS[item.type]} {formatMoney(item.amount, item.currency)} · {item.reference} · EPOS request {item.requestId}
      </h3>
      <p className="muted">Result given to the EPOS {formatDateTime(item.resultAt)}</p>
      <p>{item.reason}</p>
      <p className="attention-box">
        <strong>Check the EPOS:</strong> {item.instruction}
      </p>
      <label className="field">
        <span>What you found on the EPOS</span>
        <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Sale was missing; entered by hand as order 4711" />
      </label>
      <SupervisorPinInput value={pin} onChange={setPin} inline />
      <ErrorBox message={error} />
      <div className="row">
        <button type="button" className="primary" disabled={note.trim().length < 3 || !pinEntered(pin)} onClick={() => void record()}>
          The EPOS has it now
        </button>
      </div>
    </article>
  );
}
