import { useEffect, useState } from 'react';
import type { PaymentView } from '../../shared/payments';
import { formatDateTime, formatMoney, formatTime } from '../lib/format';
import { DoNotRetrySlip } from '../components/DoNotRetrySlip';
import { contradictionHeading, TYPE_WORDS } from '../lib/words';
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
  if (payment.status !== 'needs_attention' && payment.contradiction) return <ContradictionItem payment={payment} />;
  return <VerdictItem payment={payment} />;
}

/** A payment Dojo has not settled: what the till is doing about it, what to do, and (with proof) a verdict. */
function VerdictItem({ payment }: { payment: PaymentView }) {
  const resolve = useAttentionStore((s) => s.resolve);
  const [note, setNote] = useState('');
  const [by, setBy] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const record = async (outcome: 'approved' | 'not_charged') => {
    const failure = await resolve(payment.id, outcome, note.trim(), pin, by);
    setPin('');
    setError(failure ? (failure.fields?.['note']?.[0] ?? failure.message) : null);
  };
  const ready = note.trim().length >= 3 && pinEntered(pin);
  const choices = payment.attention?.choices ?? { approved: 'It was approved', not_charged: 'It was not charged' };
  return (
    <article className="attention-item" aria-labelledby={`att-${payment.id}`}>
      <PaymentHeading payment={payment} />
      <p>{payment.attention?.reason}</p>
      <DojoCheck payment={payment} />
      <div className="attention-box">
        <strong>What to do</strong>
        <p data-testid="attention-instruction">{payment.attention?.instruction}</p>
      </div>
      <DoNotRetrySlip payment={payment} />
      <label className="field">
        <span>What the terminal showed</span>
        <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Receipt printed APPROVED, auth code 1234" />
      </label>
      <label className="field">
        <span>Your name (kept with the verdict)</span>
        <input value={by} maxLength={40} onChange={(e) => setBy(e.target.value)} autoComplete="off" />
      </label>
      <SupervisorPinInput value={pin} onChange={setPin} />
      <ErrorBox message={error} />
      <div className="row">
        <button type="button" className="primary" disabled={!ready} onClick={() => void record('approved')}>
          {choices.approved}
        </button>
        <button type="button" className="secondary" disabled={!ready} onClick={() => void record('not_charged')}>
          {choices.not_charged}
        </button>
      </div>
    </article>
  );
}

/** Dojo's record contradicted a verdict recorded by hand (or the terminal's decline): the payment already follows Dojo; a supervisor acknowledges it. */
function ContradictionItem({ payment }: { payment: PaymentView }) {
  const acknowledge = useAttentionStore((s) => s.acknowledge);
  const [note, setNote] = useState('');
  const [by, setBy] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const failure = await acknowledge(payment.id, note.trim(), pin, by);
    setPin('');
    setError(failure ? (failure.fields?.['note']?.[0] ?? failure.message) : null);
  };
  return (
    <article className="attention-item contradiction" aria-labelledby={`att-${payment.id}`} data-testid="contradiction">
      <PaymentHeading payment={payment} />
      <p role="alert">
        <strong>{contradictionHeading(payment.contradiction?.source ?? 'hand')}</strong> {payment.contradiction?.message}
      </p>
      <label className="field">
        <span>What was done about it</span>
        <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Customer called back, second payment refunded" />
      </label>
      <label className="field">
        <span>Your name</span>
        <input value={by} maxLength={40} onChange={(e) => setBy(e.target.value)} autoComplete="off" />
      </label>
      <SupervisorPinInput value={pin} onChange={setPin} />
      <ErrorBox message={error} />
      <button type="button" className="primary" disabled={note.trim().length < 3 || !pinEntered(pin)} onClick={() => void submit()}>
        Acknowledge
      </button>
    </article>
  );
}

function PaymentHeading({ payment }: { payment: PaymentView }) {
  return (
    <>
      <h3 id={`att-${payment.id}`}>
        {TYPE_WORDS[payment.type]} {formatMoney(payment.amount, payment.currency)} · <span className="reference">{payment.reference}</span>
      </h3>
      <p className="muted">
        {formatDateTime(payment.createdAt)} · terminal {payment.terminalTid ?? payment.terminalId}
      </p>
    </>
  );
}

/** Whether the till is still asking Dojo (and when it last did and will next), or whether Dojo cannot tell. */
function DojoCheck({ payment }: { payment: PaymentView }) {
  const check = payment.dojoCheck;
  if (!check) return null;
  if (!check.canTell) return <p className="muted">Dojo cannot tell how this one ended: only the terminal can.</p>;
  return (
    <p className="muted" data-testid="dojo-check">
      The till keeps asking Dojo{check.lastCheckedAt ? ` (last asked ${formatTime(check.lastCheckedAt)}` : ' ('}
      {check.nextCheckAt ? `${check.lastCheckedAt ? ', ' : ''}next ${formatTime(check.nextCheckAt)})` : ')'}
      {payment.dojoReachable ? '' : ' — Dojo cannot be reached at the moment.'}
    </p>
  );
}
