import { useEffect, useState } from 'react';
import type { PaymentView } from '../../shared/payments';
import { dojoUnreachableWords } from '../../shared/words';

/**
 * "Dojo cannot be reached — still trying (last answer 40 s ago)" for a payment main has lost contact for, kept
 * current every second on the screen's own clock (main's words, shared/words.ts); null while Dojo answers.
 */
export function useUnreachableLine(payment: Pick<PaymentView, 'dojoReachable' | 'lastDojoAnswerAt'>): string | null {
  const lost = !payment.dojoReachable;
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!lost) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [lost]);
  if (!lost) return null;
  return dojoUnreachableWords(payment.lastDojoAnswerAt === null ? null : Date.parse(payment.lastDojoAnswerAt), now);
}
