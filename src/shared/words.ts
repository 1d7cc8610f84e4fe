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

export const TYPE_WORDS: Record<PaymentType, string> = { Sale: 'Sale', MatchedRefund: 'Refund', UnlinkedRefund: 'Unlinked refund' };

/** Refunds move money back to the card: they count negative in totals and files. */
export const signOf = (type: PaymentType): 1 | -1 => (type === 'Sale' ? 1 : -1);
