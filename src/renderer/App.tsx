import { useEffect } from 'react';
import { FINAL_STATUSES } from '../shared/payments';
import { till } from './bridge';
import { CompactView } from './components/CompactView';
import { ErrorBox } from './components/ErrorBox';
import { LiveAnnouncer } from './components/LiveAnnouncer';
import { dialogOpen } from './components/Modal';
import { RefundRequestDialog } from './components/RefundRequestDialog';
import { RunningBar } from './components/RunningBar';
import { SignatureGate } from './components/SignatureDialog';
import { AttentionScreen } from './screens/AttentionScreen';
import { HistoryScreen } from './screens/HistoryScreen';
import { RefundScreen } from './screens/RefundScreen';
import { SaleScreen } from './screens/SaleScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { ReportsScreen } from './screens/ReportsScreen';
import { SCREENS, useAppStore, type Screen } from './stores/app-store';
import { useAttentionStore } from './stores/attention-store';
import { useEposStore } from './stores/epos-store';
import { useExchangeStore } from './stores/exchange-store';
import { KeyUnavailable } from './components/KeyUnavailable';
import { useHistoryStore } from './stores/history-store';
import { isRunning, usePaymentStore } from './stores/payment-store';
import { useSettingsStore } from './stores/settings-store';
import { useTerminalsStore } from './stores/terminals-store';

const SCREEN_VIEWS: Record<Screen, () => React.JSX.Element> = {
  sale: SaleScreen,
  refund: RefundScreen,
  history: HistoryScreen,
  attention: AttentionScreen,
  settings: SettingsScreen,
  reports: ReportsScreen,
};

export function App() {
  const { info, error, screen, navigation, compact, load, show, setCompact } = useAppStore();
  // Payments to check on the terminal, plus payments the EPOS never confirmed through the folder exchange.
  const toCheck = useAttentionStore((s) => s.payments.length);
  const unconfirmed = useExchangeStore((s) => s.status?.attention.length ?? 0);
  const attention = toCheck + unconfirmed;
  const eposProblem = useEposStore((s) => (s.info && s.info.state !== 'listening' && s.info.state !== 'off' ? s.info.error : null));
  const signatureWaiting = usePaymentStore((s) => s.running.some((p) => p.status === 'signature_required'));

  useEffect(() => {
    void load();
    void useSettingsStore
      .getState()
      .load()
      .then(() => {
        if (useSettingsStore.getState().view?.compactMode) void setCompact(true);
      });
    void useAttentionStore.getState().load();
    void till()
      .listActivePayments()
      .then((result) => {
        // After a restart (or a reload), payments still running are shown again: the newest on screen, all in the bar.
        if (!result.ok) return;
        const store = usePaymentStore.getState();
        const running = result.data.payments.filter((p) => isRunning(p));
        running.forEach((p) => store.receive(p));
        if (running[0] && !store.current) store.show(running[0]);
      });
    void useEposStore.getState().load();
    void useExchangeStore.getState().load();
    const unsubscribers = [
      till().onPaymentUpdate((update) => {
        usePaymentStore.getState().receive(update);
        useHistoryStore.getState().receive(update);
        useAttentionStore.getState().receive(update);
        // A payment that ended frees its terminal: show the terminal's status as it is now.
        if (FINAL_STATUSES.includes(update.status)) void useTerminalsStore.getState().load({ quiet: true });
      }),
      // The EPOS started a payment: on screen like a manual one — unless another one is running there, which stays
      // (the new one is in the bar, one press away).
      till().onPaymentStarted(({ payment }) => {
        const store = usePaymentStore.getState();
        useHistoryStore.getState().receive(payment);
        if (isRunning(store.current) && store.current!.id !== payment.id) return store.receive(payment);
        store.show(payment);
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
      if (index < 0 || dialogOpen()) return;
      event.preventDefault();
      if (useAppStore.getState().compact) return;
      show(SCREENS[index]!.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [show]);

  // After navigation the new screen's heading takes focus, so a screen reader says where the cashier is.
  useEffect(() => {
    if (navigation > 0 && !dialogOpen()) document.querySelector<HTMLElement>('main [data-screen-heading]')?.focus();
  }, [navigation]);

  const View = SCREEN_VIEWS[screen];
  const brand = info ? ({ '--brand': info.brandColour } as React.CSSProperties) : undefined;
  const banners = (
    <>
      {info?.trainingMode && (
        <p className="training-banner" data-testid="training-banner">
          <strong>Training mode</strong> — no real money moves.{compact ? '' : ` ${info.trainingReason ?? ''}`}
        </p>
      )}
      {info && info.environment === 'sandbox' && <p className="sandbox-banner">Dojo sandbox — test cards only, no real money.</p>}
      {eposProblem && (
        <p className="epos-banner" role="alert" data-testid="epos-banner">
          {eposProblem}
        </p>
      )}
    </>
  );
  return (
    <div className={`app ${compact ? 'is-compact' : ''}`} style={brand}>
      <LiveAnnouncer />
      {signatureWaiting ? <SignatureGate /> : <RefundRequestDialog />}
      {compact ? (
        <>
          <header className="compact-header">{banners}</header>
          <main className="screen compact-screen">
            <h1 className="sr-only">{info?.productName ?? 'Till Companion'} — compact</h1>
            <ErrorBox message={error?.message} />
            {info?.unavailable ? (
              <>
                <KeyUnavailable problem={info.unavailable} />
                <button type="button" className="secondary small" onClick={() => void setCompact(false)}>
                  Full view
                </button>
              </>
            ) : (
              <CompactView />
            )}
          </main>
        </>
      ) : (
        <>
          <header>
            {banners}
            <div className="app-header">
              <div className="brand-block">
                <h1>{info?.productName ?? 'Till Companion'}</h1>
                {info && (
                  <p className="app-meta" data-testid="app-info">
                    Version {info.version} · {info.environment} · {info.host}
                  </p>
                )}
              </div>
              <nav aria-label="Screens">
                {SCREENS.map((s) => (
                  <button
                    key={s.id}
                    type="button"
                    className={`nav-button ${screen === s.id ? 'active' : ''}`}
                    aria-current={screen === s.id ? 'page' : undefined}
                    aria-keyshortcuts={s.key}
                    onClick={() => show(s.id)}
                  >
                    {s.label}
                    {s.id === 'attention' && attention > 0 && (
                      <>
                        <span className="count" aria-hidden="true">
                          {attention}
                        </span>
                        <span className="sr-only">, {attention} to check</span>
                      </>
                    )}
                    <kbd aria-hidden="true">{s.key}</kbd>
                  </button>
                ))}
              </nav>
            </div>
          </header>
          <RunningBar />
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
