import { useEffect } from 'react';
import type { AppInfo } from '../../shared/app-info';
import { useAppStore } from '../stores/app-store';

/**
 * A till that had a Dojo key and cannot use it takes no payments: this blocks the payment screens (Settings stays
 * open so a manager can enter the key again). Main decides; the words come from main. It asks again every few
 * seconds, and at once on "Try again".
 */
export function KeyUnavailable({ problem }: { problem: NonNullable<AppInfo['unavailable']> }) {
  const { load, show } = useAppStore();
  useEffect(() => {
    const timer = setInterval(() => void load(), 10_000);
    return () => clearInterval(timer);
  }, [load]);
  return (
    <section className="key-unavailable" role="alert" aria-labelledby="key-unavailable-title" data-testid="key-unavailable">
      <h2 id="key-unavailable-title">No payments can be taken</h2>
      <p>{problem.reason}</p>
      <p>{problem.instruction}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void load()}>
          Try again
        </button>
        <button type="button" className="secondary" onClick={() => show('settings')}>
          Open Settings (F5)
        </button>
      </div>
    </section>
  );
}
