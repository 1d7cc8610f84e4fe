import { useEffect, useState } from 'react';
import type { PaymentView } from '../../shared/payments';
import { formatDateTime, formatMoney } from '../lib/format';
import { TYPE_WORDS } from '../lib/words';
import { useAttentionStore } from '../stores/attention-store';
import { ErrorBox } from '../components/ErrorBox';
import { ScreenHeading } from '../components/ScreenHeading';
import { ExchangeAttentionItem } from '../components/ExchangeAttentionItem';
import { useExchangeStore } from '../stores/exchange-store';
import { pinEntered, SupervisorPinInput } from '../components/SupervisorPinInput';

/** Payments whose outcome only the terminal knows: what to check, and buttons to record what it showed. */
export function AttentionScreen() {
  const { payments, load, error } = useAttentionStore();
  const exchange = useExchangeStore((s) => s.status?.attention ?? []);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section className="panel" aria-labelledby="attention-heading">
      <ScreenHeading id="attention-heading">Needs attention</ScreenHeading>
      <ErrorBox message={error?.message} />
      {payments.length === 0 && exchange.length === 0 ? <p className="empty">Nothing needs checking. Every payment has a known outcome.</p> : payments.map((p) => <AttentionItem key={p.id} payment={p} />)}
      {exchange.map((item) => (
        <ExchangeAttentionItem key={item.requestId} item={item} />
      ))}
    </section>
  );
}

function AttentionItem({ payment }: { payment: PaymentView }) {
  const resolve = useAttentionStore((s) => s.resolve);
  const [note, setNote] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const record = async (outcome: 'approved' | 'not_charged') => {
    const failure = await resolve(payment.id, outcome, note.trim(), pin);
    setPin('');
    setError(failure ? (failure.fields?.['note']?.[0] ?? failure.message) : null);
  };
  const ready = note.trim().length >= 3 && pinEntered(pin);
  return (
    <article className="attention-item" aria-labelledby={`att-${payment.id}`}>
      <h3 id={`att-${payment.id}`}>
        {TYPE_WORDS[payment.type]} {formatMoney(payment.amount, payment.currency)} · {payment.reference}
      </h3>
      <p className="muted">
        {formatDateTime(payment.createdAt)} · terminal {payment.terminalTid ?? payment.terminalId}
      </p>
      <p>{payment.attention?.reason}</p>
      <div className="attention-box">
        <strong>What to do</strong>
        <p data-testid="attention-instruction">{payment.attention?.instruction}</p>
      </div>
      <label className="field">
        <span>What the terminal showed</span>
        <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Receipt printed APPROVED, auth code 1234" />
      </label>
      <SupervisorPinInput value={pin} onChange={setPin} />
      <ErrorBox message={error} />
      <div className="row">
        <button type="button" className="primary" disabled={!ready} onClick={() => void record('approved')}>
          It was approved
        </button>
        <button type="button" className="secondary" disabled={!ready} onClick={() => void record('not_charged')}>
          It was not charged
        </button>
      </div>
    </article>
  );
}
