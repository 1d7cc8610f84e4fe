import { useEffect, useRef, useState } from 'react';
import type { SettingsView } from '../../shared/settings';
import { parseMajorAmount } from '../../shared/money';
import { formatDateTime, formatMoney } from '../lib/format';
import { useSettingsStore } from '../stores/settings-store';
import { ErrorBox } from './ErrorBox';
import { pinEntered, SupervisorPinInput } from './SupervisorPinInput';

type Message = { ok: boolean; text: string } | null;

/** What an action came to; `focus`: it takes the keyboard (the control that made it has just gone or been turned off). */
function Result({ message, focus = false }: { message: Message; focus?: boolean }) {
  const box = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (focus && message) box.current?.focus();
  }, [focus, message]);
  if (!message) return null;
  return (
    <p ref={box} tabIndex={focus ? -1 : undefined} role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok-box' : 'error-box'}>
      {message.text}
    </p>
  );
}

/** The PIN's state: locked by the reseller procedure, locked for a while after wrong PINs, or fine. */
export function SupervisorLockNote({ supervisor }: { supervisor: SettingsView['supervisor'] }) {
  if (supervisor.locked) return <ErrorBox message={supervisor.locked} />;
  if (supervisor.lockedUntil) return <ErrorBox message={`Too many wrong supervisor PINs: locked until ${formatDateTime(supervisor.lockedUntil)}.`} />;
  return null;
}

/**
 * The journal was changed outside the app (journal-seal.ts in main): says what was found and takes the supervisor's
 * acknowledgement with the PIN. Until then unlinked refunds are refused (main refuses them, whatever the screen does).
 */
export function JournalTamperNote({ supervisor }: { supervisor: SettingsView['supervisor'] }) {
  const acknowledgeJournal = useSettingsStore((s) => s.acknowledgeJournal);
  const [pin, setPin] = useState('');
  const [message, setMessage] = useState<Message>(null);
  // The acknowledgement (or a wrong PIN) takes the keyboard: the button has just gone, or been turned off.
  if (!supervisor.journalTampered) return <Result message={message} focus />;
  const acknowledge = async () => {
    const error = await acknowledgeJournal(pin);
    setMessage(error ? { ok: false, text: error.message } : { ok: true, text: 'Acknowledged, and kept in the audit. The till checks its journal again from here on, and unlinked refunds work again within the limits.' });
    setPin('');
  };
  return (
    <div className="panel" role="group" aria-labelledby="journal-tamper-heading">
      <h3 id="journal-tamper-heading">The journal was changed outside the app</h3>
      <ErrorBox message={supervisor.journalTampered} />
      <SupervisorPinInput id="journal-ack-pin" label="Supervisor PIN to acknowledge" value={pin} onChange={setPin} inline />
      <button type="button" className="secondary" disabled={!pinEntered(pin)} onClick={() => void acknowledge()}>
        I have checked the till: acknowledge
      </button>
      <Result message={message} focus />
    </div>
  );
}

/**
 * The first thing on Settings while the journal waits for a supervisor: the notice itself and the PIN are in the
 * Supervisor PIN panel, below the fold on a till's screen; one button takes the keyboard there.
 */
export function JournalTamperPointer({ supervisor }: { supervisor: SettingsView['supervisor'] }) {
  if (!supervisor.journalTampered) return null;
  return (
    <div className="error-box screen-notice" data-testid="journal-pointer">
      <p>The till’s journal was changed outside the app. Unlinked refunds are refused until a supervisor acknowledges it with the PIN.</p>
      <button type="button" className="secondary small" onClick={() => document.getElementById('journal-ack-pin')?.focus()}>
        Go to the acknowledgement
      </button>
    </div>
  );
}

/** Sets the first PIN, or changes it with the current one; the new PIN is typed twice. */
export function PinSection({ view }: { view: SettingsView }) {
  const setSupervisorPin = useSettingsStore((s) => s.setSupervisorPin);
  const { pinSet, minPinLength } = view.supervisor;
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [message, setMessage] = useState<Message>(null);
  const mismatch = confirm.length >= next.length && confirm !== next;
  const save = async () => {
    const error = await setSupervisorPin({ next, confirm, ...(pinSet && current ? { current } : {}) });
    setMessage(error ? { ok: false, text: error.message } : { ok: true, text: 'Supervisor PIN saved.' });
    setCurrent('');
    setNext('');
    setConfirm('');
  };
  return (
    <section className="panel" aria-labelledby="pin-heading">
      <h2 id="pin-heading">Supervisor PIN</h2>
      <p className="muted">
        {pinSet
          ? 'A supervisor PIN is set. It approves unlinked refunds, larger refunds, needs-attention verdicts and changes to the key, the EPOS token and the limits.'
          : 'No supervisor PIN yet: unlinked refunds and supervisor settings are off until one is set.'}
      </p>
      <SupervisorLockNote supervisor={view.supervisor} />
      <JournalTamperNote supervisor={view.supervisor} />
      {pinSet && <SupervisorPinInput label="Current PIN" value={current} onChange={setCurrent} inline />}
      <SupervisorPinInput label={`New PIN (at least ${minPinLength} digits)`} value={next} onChange={setNext} inline />
      <SupervisorPinInput label="New PIN again" value={confirm} onChange={setConfirm} inline />
      {mismatch && <p className="note">The two new PINs are not the same.</p>}
      <p className="muted minor">Not a repeated digit, a run like 123456 or a repeated pattern.</p>
      <button type="button" className="secondary" disabled={next.length < minPinLength || confirm !== next || (pinSet && !pinEntered(current))} onClick={() => void save()}>
        {pinSet ? 'Change PIN' : 'Set PIN'}
      </button>
      <Result message={message} />
    </section>
  );
}

const CURRENCIES = ['GBP', 'EUR'] as const;
/** Amounts typed as people write them ("£20", "12,50", "1,234.56"): minor units, or why not (shared/money.ts). */
const toMinor = (text: string) => parseMajorAmount(text);
const toMajor = (minor: number) => (minor / 100).toFixed(2);

/**
 * Refund limits per currency and the daily caps: saved only with the supervisor PIN and an explicit Save (never
 * on blur), each within the till's maximum (checked in main).
 */
export function LimitsSection({ view }: { view: SettingsView }) {
  const updateLimits = useSettingsStore((s) => s.updateLimits);
  const limits = view.limits;
  const [form, setForm] = useState(() => ({
    unlinked: { GBP: toMajor(limits?.unlinkedRefund.GBP ?? 0), EUR: toMajor(limits?.unlinkedRefund.EUR ?? 0) },
    daily: { GBP: toMajor(limits?.daily.amount.GBP ?? 0), EUR: toMajor(limits?.daily.amount.EUR ?? 0) },
    count: String(limits?.daily.count ?? 0),
  }));
  const [pin, setPin] = useState('');
  const [message, setMessage] = useState<Message>(null);
  if (!limits) return null;
  const fields = [
    ...CURRENCIES.map((c) => [`Largest unlinked refund (${c})`, form.unlinked[c]] as const),
    ...CURRENCIES.map((c) => [`Unlinked refunds a day (${c})`, form.daily[c]] as const),
  ];
  const problems = fields.flatMap(([label, text]) => {
    const parsed = toMinor(text);
    return parsed.ok ? (parsed.minor > 0 ? [] : [`${label}: enter an amount above zero.`]) : [`${label}: ${parsed.message}`];
  });
  const valid = problems.length === 0 && /^\d+$/.test(form.count) && Number(form.count) > 0;
  const minor = (text: string) => {
    const parsed = toMinor(text);
    return parsed.ok ? parsed.minor : 0;
  };
  const save = async () => {
    const error = await updateLimits({
      supervisorPin: pin,
      unlinkedRefund: { GBP: minor(form.unlinked.GBP), EUR: minor(form.unlinked.EUR) },
      daily: { count: Number(form.count), amount: { GBP: minor(form.daily.GBP), EUR: minor(form.daily.EUR) } },
    });
    setPin('');
    setMessage(error ? { ok: false, text: error.message } : { ok: true, text: 'Refund limits saved.' });
  };
  const money = (group: 'unlinked' | 'daily', currency: (typeof CURRENCIES)[number], label: string) => (
    <label className="field inline" key={`${group}-${currency}`}>
      <span>{label}</span>
      <input inputMode="decimal" value={form[group][currency]} onChange={(e) => setForm({ ...form, [group]: { ...form[group], [currency]: e.target.value } })} />
    </label>
  );
  return (
    <section className="panel" aria-labelledby="limits-heading">
      <h2 id="limits-heading">Refund limits</h2>
      <p className="muted">
        Each currency has its own limits. Unlinked refunds today: {limits.usedToday.count} of {limits.daily.count}
        {CURRENCIES.map((c) => ` · ${formatMoney(limits.usedToday.amount[c], c)} of ${formatMoney(limits.daily.amount[c], c)}`).join('')}. Matched refunds above{' '}
        {CURRENCIES.map((c) => formatMoney(view.matchedRefundPinThreshold[c], c)).join(' / ')} need the supervisor PIN.
      </p>
      <div>
        {CURRENCIES.map((c) => money('unlinked', c, `Largest unlinked refund (${c})`))}
        {CURRENCIES.map((c) => money('daily', c, `Unlinked refunds a day (${c})`))}
        <label className="field inline">
          <span>Unlinked refunds a day (how many)</span>
          <input inputMode="numeric" value={form.count} onChange={(e) => setForm({ ...form, count: e.target.value.replace(/\D/g, '') })} />
        </label>
      </div>
      <SupervisorPinInput value={pin} onChange={setPin} inline />
      <button type="button" className="secondary" disabled={!valid || !pinEntered(pin)} onClick={() => void save()}>
        Save limits
      </button>
      {problems.map((problem) => (
        <p key={problem} className="note" data-testid="limit-problem">
          {problem}
        </p>
      ))}
      {problems.length === 0 && !valid && <p className="note">Enter a number of refunds a day.</p>}
      <Result message={message} />
    </section>
  );
}
