import type { PaymentStatus, PaymentType } from './payments';

/** Status and type words people read: on screen, on printed reports and in reconciliation explanations. */
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
