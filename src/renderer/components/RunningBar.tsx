import { formatMoney } from '../lib/format';
import { terminalWords, TYPE_WORDS } from '../lib/words';
import { useAppStore } from '../stores/app-store';
import { usePaymentStore } from '../stores/payment-store';
import { useSettingsStore } from '../stores/settings-store';
import { terminalName } from '../stores/terminals-store';
import { useShallow } from 'zustand/react/shallow';
import type { PaymentView } from '../../shared/payments';
import { useUnreachableLine } from '../lib/unreachable';

/**
 * Every payment on its way that is not on screen right now, on every screen: a cashier who went to History or
 * Settings mid-payment still sees it (and a signature check waiting) and gets back to it in one press.
 */
export function RunningBar() {
  const { running, currentId, showPayment } = usePaymentStore(useShallow((s) => ({ running: s.running, currentId: s.current?.id, showPayment: s.show })));
  const { screen, compact, show } = useAppStore();
  const names = useSettingsStore((s) => s.view?.terminalNames);
  const onScreen = compact || screen === 'sale' || screen === 'refund' ? currentId : undefined;
  const others = running.filter((p) => p.id !== onScreen);
  if (others.length === 0) return null;
  return (
    <section className="running-bar" aria-label="Payments in progress" data-testid="running-bar">
      {others.map((p) => (
        <div key={p.id} className={`running-item status-${p.status}`}>
          <span>
            <strong>
              {TYPE_WORDS[p.type]} {formatMoney(p.amount, p.currency)}
            </strong>{' '}
            on {terminalName({ id: p.terminalId, tid: p.terminalTid }, names)} ·{' '}
            <RunningLine payment={p} />
          </span>
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              showPayment(p, true);
              if (!compact) show(p.type === 'Sale' ? 'sale' : 'refund');
            }}
          >
            Show payment
          </button>
        </div>
      ))}
    </section>
  );
}

/** What the payment is doing: while Dojo cannot be reached, that (with how long ago it last answered), not a stale prompt. */
function RunningLine({ payment }: { payment: PaymentView }) {
  const unreachable = useUnreachableLine(payment);
  if (unreachable) return <>{unreachable}</>;
  return <>{terminalWords(payment) ?? 'contacting Dojo…'}</>;
}
