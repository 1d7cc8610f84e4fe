import type { PaymentRecord } from './record';

/**
 * How often to ask Dojo about a running session. Fast while things move (the terminal confirming, a card being
 * read), slower when nothing has changed for a while, never more than ~100 requests a minute in steady state,
 * backing off on errors. `scale` shrinks every interval for tests driving an accelerated simulator.
 */
export interface PollingPolicy {
  initiatingMs: number;
  activeMs: number;
  idleMs: number;
  idleAfterMs: number;
  signatureMs: number;
  errorBaseMs: number;
  errorMaxMs: number;
  /** How long past the session's expireAt (or without any answer) before a person must check. */
  graceMs: number;
  /**
   * How long an approval that may still be followed by a signature check (Captured without proof that no check
   * follows) must stay unchanged before the till calls it final (Dojo time; Dojo documents no gap: a guess).
   */
  settleMs: number;
  /** How long to keep re-reading the intent for the result the session showed (Dojo promises no ordering). */
  confirmWindowMs: number;
  /**
   * The longest a session lives (10 s to wake the terminal, 90 s for the card, 80 s for a signature, and a
   * margin): after a lost create answer, a session that has not appeared by then was never created.
   */
  sessionLifetimeMs: number;
  /** Background re-checks of a payment Dojo has not settled: the first after this long, doubling up to the most. */
  recheckBaseMs: number;
  recheckMaxMs: number;
  /** How long a person's verdict is checked against Dojo's record before the till stops asking. */
  verifyVerdictMs: number;
  /**
   * After a sale ends approved without proof that no signature check follows (the settle window passed), its
   * session is read this often (a light follow) for at least `lateSignatureMs` and until its expireAt, so a late
   * signature request still reaches the cashier before Dojo accepts it by itself (80 s).
   */
  watchMs: number;
  lateSignatureMs: number;
  /** Dojo time to till time: 1 in real life; 1/speed with an accelerated simulator (intervals and windows shrink). */
  scale: number;
}

export const DEFAULT_POLLING: PollingPolicy = {
  initiatingMs: 500,
  activeMs: 650,
  idleMs: 1_500,
  idleAfterMs: 20_000,
  signatureMs: 1_000,
  errorBaseMs: 500,
  errorMaxMs: 8_000,
  graceMs: 120_000,
  settleMs: 5_000,
  confirmWindowMs: 60_000,
  sessionLifetimeMs: 200_000,
  recheckBaseMs: 5_000,
  recheckMaxMs: 300_000,
  verifyVerdictMs: 7 * 24 * 3_600_000,
  watchMs: 2_000,
  lateSignatureMs: 90_000,
  scale: 1,
};

export function nextPollDelay(record: PaymentRecord, now: number, policy: PollingPolicy): number {
  let ms: number;
  if (record.pollFailures > 0) ms = Math.min(policy.errorMaxMs, policy.errorBaseMs * 2 ** (record.pollFailures - 1));
  else if (record.sessionStatus === null || record.sessionStatus === 'InitiateRequested' || record.sessionStatus === 'CancelRequested') ms = policy.initiatingMs;
  else if (record.status === 'signature_required') ms = policy.signatureMs;
  else if (now - record.lastChangeAt > policy.idleAfterMs) ms = policy.idleMs;
  else ms = policy.activeMs;
  return Math.max(1, Math.round(ms * policy.scale));
}
