import { useEffect, useState } from 'react';
import type { PaymentStatus, PaymentType } from '../../shared/payments';
import { promptWords, statusWord } from '../lib/words';
import { usePaymentStore } from '../stores/payment-store';

/** What a screen reader hears when the payment on screen changes: its status and the terminal's prompt, once each. */
export function announcement(status: PaymentStatus, type: PaymentType, prompt: string | null, message: string): string {
  const word = statusWord(status, type);
  const words = promptWords(prompt);
  if (status === 'in_progress' && words) return `${word}. Terminal: ${words}.`;
  // "Approved. Approved." or "Approved. Refund approved." says it twice: the message alone when it has the status word.
  const said = new RegExp(`\\b${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(message);
  return said ? message : `${word}. ${message}`;
}

export function LiveAnnouncer() {
  const current = usePaymentStore((s) => s.current);
  const [text, setText] = useState('');
  useEffect(() => {
    if (current) setText(announcement(current.status, current.type, current.prompt, current.message));
  }, [current?.status, current?.type, current?.prompt, current?.message]);
  return (
    <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {text}
    </div>
  );
}
