import { formatMoney } from '../lib/format';
import { useAppStore } from '../stores/app-store';
import { useAttentionStore } from '../stores/attention-store';
import { usePaymentStore } from '../stores/payment-store';
import { useTerminalRefresh } from '../stores/terminals-store';
import { useSaleForm } from '../stores/use-sale-form';
import { AmountEntry } from './AmountEntry';
import { ErrorBox } from './ErrorBox';
import { PaymentPanel } from './PaymentPanel';
import { RunningBar } from './RunningBar';
import { TerminalNotReady } from './TerminalNotReady';
import { useShallow } from 'zustand/react/shallow';

/**
 * The small always-on-top window beside the EPOS. It shows everything the cashier must act on — the prompt, why
 * Cancel is off, the total with gratuity, cashback to hand over, payments needing a check — and takes digits and
 * Enter like the Sale screen.
 */
export function CompactView() {
  const { current, dismiss, error } = usePaymentStore(useShallow((s) => ({ current: s.current, dismiss: s.dismiss, error: s.error })));
  const { amount, currency, chosen, busy, canPay, pay, tryAgain } = useSaleForm();
  const attention = useAttentionStore((s) => s.payments.length);
  const { setCompact, show } = useAppStore();
  useTerminalRefresh();
  const fullView = async (screen?: 'attention') => {
    await setCompact(false);
    if (screen) show(screen);
  };

  return (
    <div className="compact" data-testid="compact-view">
      <RunningBar />
      {attention > 0 && (
        <button type="button" className="attention-strip small" onClick={() => void fullView('attention')}>
          {attention} payment{attention > 1 ? 's need' : ' needs'} checking — open Attention
        </button>
      )}
      {current ? (
        <PaymentPanel key={current.id} payment={current} onDone={dismiss} onTryAgain={tryAgain} compact />
      ) : (
        <form
          className="compact-entry"
          aria-label="New sale"
          onSubmit={(event) => {
            event.preventDefault();
            void pay();
          }}
        >
          <AmountEntry id="compact-amount" label={`Sale on ${chosen.name ?? 'no terminal chosen'}`} state={amount} currency={currency} onSubmit={() => void pay()} disabled={busy} autoFocus testId="compact-amount" />
          <TerminalNotReady />
          <button type="submit" className="primary pay" disabled={!canPay}>
            Pay {formatMoney(amount.amount, currency)}
          </button>
        </form>
      )}
      <ErrorBox message={current ? undefined : error?.message} />
      <button type="button" className="secondary small" onClick={() => void fullView()}>
        Full view
      </button>
    </div>
  );
}
