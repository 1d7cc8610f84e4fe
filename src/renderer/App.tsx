import { useEffect } from 'react';
import { till } from './bridge';
import { CompactView } from './components/CompactView';
import { LiveAnnouncer } from './components/LiveAnnouncer';
import { RefundRequestDialog } from './components/RefundRequestDialog';
import { useEposStore } from './stores/epos-store';
import { AttentionScreen } from './screens/AttentionScreen';
import { HistoryScreen } from './screens/HistoryScreen';
import { RefundScreen } from './screens/RefundScreen';
import { SaleScreen } from './screens/SaleScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { ReportsScreen } from './screens/ReportsScreen';
import { SCREENS, useAppStore, type Screen } from './stores/app-store';
import { useAttentionStore } from './stores/attention-store';
import { useExchangeStore } from './stores/exchange-store';
import { useHistoryStore } from './stores/history-store';
import { isRunning, usePaymentStore } from './stores/payment-store';
import { useSettingsStore } from './stores/settings-store';
import { ErrorBox } from './components/ErrorBox';
import { KeyUnavailable } from './components/KeyUnavailable';

const SCREEN_VIEWS: Record<Screen, () => React.JSX.Element> = {
  sale: SaleScreen,
  refund: RefundScreen,
  history: HistoryScreen,
  attention: AttentionScreen,
  settings: SettingsScreen,
  reports: ReportsScreen,
};

export function App() {
  const { info, error, screen, compact, load, show, setCompact } = useAppStore();
  // Payments to check on the terminal, plus payments the EPOS never confirmed through the folder exchange.
  const toCheck = useAttentionStore((s) => s.payments.length);
  const unconfirmed = useExchangeStore((s) => s.status?.attention.length ?? 0);
  const attention = toCheck + unconfirmed;
  const eposProblem = useEposStore((s) => (s.info && s.info.state !== 'listening' && s.info.state !== 'off' ? s.info.error : null));

  useEffect(() => {
    void load();
    void useSettingsStore.getState().load().then(() => {
      const stored = useSettingsStore.getState().view?.compactMode;
      if (stored) void setCompact(true);
    });
    void useAttentionStore.getState().load();
    void till()
      .listActivePayments()
      .then((result) => {
        // After a restart, a payment still running is shown again.
        const running = result.ok ? result.data.payments.find((p) => isRunning(p)) : undefined;
        if (running) usePaymentStore.getState().show(running);
      });
    void useEposStore.getState().load();
    void useExchangeStore.getState().load();
    const unsubscribers = [
      till().onPaymentUpdate((update) => {
        usePaymentStore.getState().receive(update);
        useHistoryStore.getState().receive(update);
        useAttentionStore.getState().receive(update);
      }),
      // The EPOS started a payment: show it like a manual one, on the sale screen (or the compact view).
      till().onPaymentStarted(({ payment }) => {
        usePaymentStore.getState().show(payment);
        const app = useAppStore.getState();
        if (!app.compact) app.show(payment.type === 'Sale' ? 'sale' : 'refund');
      }),
      till().onRefundRequests(({ pending }) => useEposStore.getState().setPending(pending)),
      till().onEposStatus((status) => (useEposStore.getState().info ? useEposStore.getState().setStatus(status) : void useEposStore.getState().load())),
      till().onExchangeUpdate((status) => useExchangeStore.getState().receive(status)),
    ];
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
  }, [load, setCompact]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const index = SCREENS.findIndex((s) => s.key === event.key);
      if (index >= 0) {
        event.preventDefault();
        show(SCREENS[index]!.id);
      } else if (event.key === 'Escape') {
        const current = usePaymentStore.getState().current;
        if (current && isRunning(current) && current.canCancel) {
          event.preventDefault();
          void usePaymentStore.getState().cancel();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [show]);

  const View = SCREEN_VIEWS[screen];
  const brand = info ? ({ '--brand': info.brandColour } as React.CSSProperties) : undefined;
  return (
    <div className={`app ${compact ? 'is-compact' : ''}`} style={brand}>
      {info?.trainingMode && (
        <div className="training-banner" role="note" aria-label="Training mode" data-testid="training-banner">
          <strong>Training mode</strong> — no real money moves. {info.trainingReason}
        </div>
      )}
      {info && info.environment === 'sandbox' && (
        <div className="sandbox-banner" role="note" aria-label="Sandbox">
          Dojo sandbox — test cards only, no real money.
        </div>
      )}
      {eposProblem && (
        <div className="epos-banner" role="alert" data-testid="epos-banner">
          {eposProblem}
        </div>
      )}
      <LiveAnnouncer />
      <RefundRequestDialog />
      {compact ? (
        <CompactView />
      ) : (
        <>
          <header className="app-header">
            <h1>{info?.productName ?? 'Till Companion'}</h1>
            <nav aria-label="Screens">
              {SCREENS.map((s) => (
                <button key={s.id} type="button" className={`nav-button ${screen === s.id ? 'active' : ''}`} aria-current={screen === s.id ? 'page' : undefined} onClick={() => show(s.id)}>
                  {s.label}
                  {s.id === 'attention' && attention > 0 && (
                    <span className="count" aria-label={`${attention} need attention`}>
                      {attention}
                    </span>
                  )}
                  <kbd>{s.key}</kbd>
                </button>
              ))}
            </nav>
            {info && (
              <p className="app-meta" data-testid="app-info">
                Version {info.version} · {info.environment} · {info.host}
              </p>
            )}
          </header>
          {attention > 0 && screen !== 'attention' && (
            <button type="button" className="attention-strip" onClick={() => show('attention')}>
              {[toCheck > 0 && `${toCheck} payment${toCheck > 1 ? 's need' : ' needs'} checking on the terminal`, unconfirmed > 0 && `${unconfirmed} payment${unconfirmed > 1 ? 's' : ''} the EPOS did not confirm`].filter(Boolean).join(', ')} — open Attention (F4)
            </button>
          )}
          <main className="screen">
            <ErrorBox message={error?.message} />
            {info?.unavailable && screen !== 'settings' ? <KeyUnavailable problem={info.unavailable} /> : <View />}
          </main>
        </>
      )}
    </div>
  );
}
