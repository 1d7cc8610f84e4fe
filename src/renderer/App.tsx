import { useEffect } from 'react';
import { useAppStore } from './stores/app-store';

export function App() {
  const { info, error, load } = useAppStore();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="app">
      {info?.trainingMode && (
        <div className="training-banner" role="status">
          Training mode — no real money moves. {info.trainingReason}
        </div>
      )}
      <header className="app-header">
        <h1>{info?.productName ?? 'Till Companion'}</h1>
        {info && (
          <p className="app-meta" data-testid="app-info">
            Version {info.version} · {info.environment} · {info.host}
          </p>
        )}
      </header>
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
    </div>
  );
}
