import { useState } from 'react';
import { appendDigit, formatMoney, removeDigit } from '../lib/format';
import { promptWords, STATUS_WORDS } from '../lib/words';
import { useAppStore } from '../stores/app-store';
import { isRunning, usePaymentStore } from '../stores/payment-store';
import { useSettingsStore } from '../stores/settings-store';
import { Keypad } from './Keypad';
import { SignatureDialog } from './SignatureDialog';
import { ErrorBox } from './ErrorBox';

/** The small always-on-top window beside the EPOS: amount, status and what the terminal says. */
export function CompactView() {
  const { current, startSale, cancel, dismiss, error, busy } = usePaymentStore();
  const settings = useSettingsStore((s) => s.view);
  const setCompact = useAppStore((s) => s.setCompact);
  const [amount, setAmount] = useState(0);
  const currency = settings?.currency ?? 'GBP';

  return (
    <div className="compact" data-testid="compact-view">
      {current ? (
        <div className={`compact-payment status-${current.status}`}>
          <p className="compact-amount">{formatMoney(current.amount, current.currency)}</p>
          <p className="compact-status">{STATUS_WORDS[current.status]}</p>
          <p className="prompt">{isRunning(current) ? (promptWords(current.prompt) ?? current.message) : current.message}</p>
          {isRunning(current) && current.status !== 'signature_required' && (
            <button type="button" className="danger" disabled={!current.canCancel} onClick={() => void cancel()} title={current.cancelNote ?? undefined}>
              Cancel
            </button>
          )}
          {!isRunning(current) && (
            <button type="button" className="primary" onClick={dismiss}>
              Done
            </button>
          )}
          {current.status === 'signature_required' && <SignatureDialog payment={current} />}
        </div>
      ) : (
        <div className="compact-entry">
          <output className="amount-display">{formatMoney(amount, currency)}</output>
          <Keypad onDigit={(d) => setAmount((a) => appendDigit(a, d))} onBackspace={() => setAmount(removeDigit)} />
          <button type="button" className="primary" disabled={busy || amount <= 0 || !settings?.terminalId} onClick={() => void startSale({ amount, currency, terminalId: settings!.terminalId! }).then((ok) => ok && setAmount(0))}>
            Pay {formatMoney(amount, currency)}
          </button>
        </div>
      )}
      <ErrorBox message={error?.message} />
      <button type="button" className="secondary small" onClick={() => void setCompact(false)}>
        Full view
      </button>
    </div>
  );
}
