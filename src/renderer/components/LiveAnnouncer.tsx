import { useEffect, useState } from 'react';
import { promptWords, STATUS_WORDS } from '../lib/words';
import { usePaymentStore } from '../stores/payment-store';

/** Screen readers hear each change of the payment on screen: its status and the terminal's prompt. */
export function LiveAnnouncer() {
  const current = usePaymentStore((s) => s.current);
  const [text, setText] = useState('');
  useEffect(() => {
    if (!current) return;
    const prompt = promptWords(current.prompt);
    setText(`${STATUS_WORDS[current.status]}. ${prompt && current.status === 'in_progress' ? `Terminal: ${prompt}.` : current.message}`);
  }, [current?.status, current?.prompt, current?.message]);
  return (
    <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {text}
    </div>
  );
}
