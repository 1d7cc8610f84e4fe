import type { PaymentStatus, PaymentType } from './payments';

/** Status and type words people read: on screen, in the CSV export, on printed reports and in reconciliation
 * explanations. One list, so a status is called the same everywhere. */
export const STATUS_WORDS: Record<PaymentStatus, string> = {
  starting: 'Starting',
  in_progress: 'In progress',
  signature_required: 'Signature check',
  approved: 'Approved',
  declined: 'Declined',
  cancelled: 'Cancelled',
  expired: 'Expired',
  failed: 'Not charged',
  needs_attention: 'Needs attention',
};

/** The status word for one payment: a refund that moved no money is "Not refunded", never "Not charged". */
export function statusWord(status: PaymentStatus, type: PaymentType): string {
  return status === 'failed' && type !== 'Sale' ? 'Not refunded' : STATUS_WORDS[status];
}

export const TYPE_WORDS: Record<PaymentType, string> = { Sale: 'Sale', MatchedRefund: 'Refund', UnlinkedRefund: 'Unlinked refund' };

/** Refunds move money back to the card: they count negative in totals and files. */
export const signOf = (type: PaymentType): 1 | -1 => (type === 'Sale' ? 1 : -1);

/**
 * While Dojo gives no usable answer about a running payment: what the screen and the EPOS say instead of a stale
 * terminal prompt (the terminal may be waking, or the customer may be paying; only Dojo knows). The age is worked
 * out when it is read: main for the EPOS and the message, the screen on its own clock every second.
 */
export function dojoUnreachableWords(lastAnswerAt: number | null, now: number): string {
  if (lastAnswerAt === null || !Number.isFinite(lastAnswerAt)) return 'Dojo cannot be reached — still trying';
  const seconds = Math.max(0, Math.round((now - lastAnswerAt) / 1000));
  const ago = seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`;
  return `Dojo cannot be reached — still trying (last answer ${ago} ago)`;
}

/** What to do meanwhile: the outcome is unknown, so the payment must not be started again. */
export const DOJO_UNREACHABLE_ADVICE = 'Follow the terminal; do not start the payment again.';

/** A person's verdict in words: refunds speak of refunds ("not refunded", never "not charged"). */
export function verdictWords(type: PaymentType, outcome: 'approved' | 'not_charged'): string {
  if (type === 'Sale') return outcome === 'approved' ? 'approved' : 'not charged';
  return outcome === 'approved' ? 'refunded' : 'not refunded';
}

/** Training: why the practice terminal no longer holds an older finished payment (its record keeps `days`). */
export const trainingRecordKeepsWords = (days: number): string => `The practice terminal keeps ${days} days of training payments`;
