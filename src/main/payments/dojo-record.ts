import { INTENT_CHARGED, INTENT_CREATED, isSessionEnded, SESSION_APPROVED } from '../../shared/dojo-statuses';
import type { DojoIntent, DojoSession } from '../dojo/schemas';
import type { PaymentRecord } from './record';

/**
 * What Dojo's record says of a payment now, read for the background re-checks of a payment Dojo had not
 * settled (needs attention) and of a person's verdict. Pure: the runner fetches the session and the intent.
 */
export type DojoSays =
  /** The session is still running (or waiting for a signature): follow it again. */
  | { kind: 'running'; session: DojoSession }
  | { kind: 'approved'; session: DojoSession | null; intent: DojoIntent | null }
  | { kind: 'notCharged'; status: 'declined' | 'cancelled' | 'expired' | 'failed'; session: DojoSession | null }
  /** A sale whose session never appeared in its whole window: its unused intent is cancelled, then nothing was charged. */
  | { kind: 'neverStarted' }
  | { kind: 'unknown' };

/** Dojo can tell how this payment ended: it has an intent or a session to look at (an unlinked refund whose create answer was lost has neither). */
export const dojoCanTell = (record: PaymentRecord): boolean => !!(record.sessionId || record.intentId);

const NOT_CHARGED: Record<string, 'declined' | 'cancelled' | 'expired'> = {
  Declined: 'declined',
  SignatureVerificationRejected: 'declined',
  Canceled: 'cancelled',
  Expired: 'expired',
};

export function readDojoRecord(record: PaymentRecord, session: DojoSession | null, intent: DojoIntent | null, sessionWindowPassed: boolean): DojoSays {
  const sale = record.type === 'Sale';
  const charged = !!intent && INTENT_CHARGED.includes(intent.status);
  if (session && !isSessionEnded(session.status)) {
    // Authorized, Captured without proof yet, a signature check, or still on the terminal: the flow decides.
    return { kind: 'running', session };
  }
  if (session) {
    if (SESSION_APPROVED.includes(session.status)) {
      if (!sale) return { kind: 'approved', session, intent: null };
      return charged ? { kind: 'approved', session, intent } : { kind: 'unknown' };
    }
    const status = NOT_CHARGED[session.status];
    if (status && !(sale && charged)) return { kind: 'notCharged', status, session };
    return { kind: 'unknown' };
  }
  // No session of ours on Dojo (yet).
  if (sale && charged) return { kind: 'approved', session: null, intent };
  if (!sessionWindowPassed) return { kind: 'unknown' };
  if (sale && intent?.status === INTENT_CREATED) return { kind: 'neverStarted' };
  if (sale && intent?.status === 'Canceled') return { kind: 'notCharged', status: 'failed', session: null };
  if (record.type === 'MatchedRefund' && intent && record.refundedBefore !== null && (intent.refundedAmount ?? 0) <= record.refundedBefore) {
    return { kind: 'notCharged', status: 'failed', session: null };
  }
  return { kind: 'unknown' };
}

/** What a verdict says in Dojo's words: 'approved' or 'not_charged', or null while Dojo cannot tell. */
export function dojoVerdict(says: DojoSays): 'approved' | 'not_charged' | null {
  if (says.kind === 'approved') return 'approved';
  if (says.kind === 'notCharged' || says.kind === 'neverStarted') return 'not_charged';
  return null;
}
