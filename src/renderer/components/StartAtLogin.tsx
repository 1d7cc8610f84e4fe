import { useEffect, useState } from 'react';
import { till } from '../bridge';
import { ErrorBox } from './ErrorBox';

/** "Start with the computer": shown only where the installed app can do it (not from source, not in a browser). */
export function StartAtLogin() {
  const [state, setState] = useState<{ supported: boolean; enabled: boolean }>();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void till()
      .getStartAtLogin()
      .then((result) => result.ok && setState(result.data));
  }, []);
  if (!state?.supported) return null;
  const change = async (enabled: boolean) => {
    const result = await till().setStartAtLogin({ enabled });
    if (result.ok) {
      setState(result.data);
      setError(null);
    } else setError(result.error.message);
  };
  return (
    <section className="panel" aria-labelledby="startup-heading">
      <h2 id="startup-heading">Start-up</h2>
      <label className="toggle">
        <input type="checkbox" checked={state.enabled} onChange={(e) => void change(e.target.checked)} />
        <span>Start with the computer (after a night-time restart the EPOS finds the companion running)</span>
      </label>
      <ErrorBox message={error} />
    </section>
  );
}
