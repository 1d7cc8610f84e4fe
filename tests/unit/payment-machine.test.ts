import { describe, expect, it } from 'vitest';
import { transition } from '../../src/main/payments/machine';
import { DEFAULT_POLLING, nextPollDelay } from '../../src/main/payments/polling';
import { newRecord, type PaymentRecord } from '../../src/main/payments/record';
import { toView } from '../../src/main/payments/view';
import type { DojoSession } from '../../src/main/dojo/schemas';

const base = (): PaymentRecord => ({
  ...newRecord({ id: 'p1', type: 'Sale', amount: 1000, currency: 'GBP', reference: 'R1', terminalId: 'tm1', terminalTid: 'T1', environment: 'sandbox', now: 0 }),
  intentId: 'pi_1',
  sessionId: 'ts_1',
  step: 'following',
  status: 'in_progress',
});
const session = (over: Partial<DojoSession>): DojoSession => ({ id: 'ts_1', status: 'Initiated', notificationEvents: [], statusEvents: [], ...over }) as DojoSession;

describe('payment state machine (pure)', () => {
  it('starts a sale by creating the intent, a refund by creating the session', () => {
    const sale = newRecord({ id: 'p', type: 'Sale', amount: 1, currency: 'GBP', reference: 'r', terminalId: 't', terminalTid: null, environment: 'sandbox', now: 0 });
    expect(transition(sale, { kind: 'start' }, 1, DEFAULT_POLLING).effects).toEqual([{ kind: 'createIntent' }]);
    const refund = { ...sale, type: 'UnlinkedRefund' as const, step: 'session_requested' as const };
    const t = transition(refund, { kind: 'start' }, 1, DEFAULT_POLLING);
    expect(t.effects).toEqual([{ kind: 'createSession' }]);
    expect(t.record.step).toBe('session_requested');
  });

  it('writes the session_requested step before asking for the session (write-ahead)', () => {
    const sale = newRecord({ id: 'p', type: 'Sale', amount: 1, currency: 'GBP', reference: 'r', terminalId: 't', terminalTid: null, environment: 'sandbox', now: 0 });
    const t = transition(sale, { kind: 'intentCreated', intent: { id: 'pi_9', status: 'Created', terminalSessionHistory: [] } as never }, 5, DEFAULT_POLLING);
    expect(t.record).toMatchObject({ step: 'session_requested', intentId: 'pi_9', sessionRequestedAt: 5 });
    expect(t.effects).toEqual([{ kind: 'createSession' }]);
  });

  it('shows an unknown session status and notification as they come and keeps following', () => {
    const t = transition(base(), { kind: 'sessionPolled', session: session({ status: 'TeleportRequested', notificationEvents: [{ notificationType: 'ScanRetina', createdAt: null }] }) }, 10, DEFAULT_POLLING);
    expect(t.record).toMatchObject({ status: 'in_progress', sessionStatus: 'TeleportRequested', prompt: 'ScanRetina' });
    expect(t.effects[0]).toMatchObject({ kind: 'poll' });
    expect(toView(t.record).message).toBe('Terminal status: TeleportRequested');
  });

  it('survives absurd timestamps from Dojo (found by fuzzing): the deadline stays sane and the view renders', () => {
    const odd = session({ status: 'SignatureVerificationRequired', expireAt: '6715-07-26T08:20:18.014Z', updatedAt: '-267076-11-11T08:20:18.015Z' });
    const { record } = transition(base(), { kind: 'sessionPolled', session: odd }, 1_000, DEFAULT_POLLING);
    expect(record.expireAt).toBe(1_000 + 60 * 60_000);
    expect(toView(record).signatureDeadline).toBe(new Date(1_000 + 60 * 60_000).toISOString());
    const garbage = transition(base(), { kind: 'sessionPolled', session: session({ expireAt: 'soon', updatedAt: 'now' }) }, 5, DEFAULT_POLLING);
    expect(garbage.record.expireAt).toBeNull();
  });

  it('never turns an unknown outcome into "declined"', () => {
    const t = transition({ ...base(), step: 'session_requested', sessionId: null, status: 'starting' }, { kind: 'failed', call: 'createSession', error: { code: 'TIMEOUT', message: 'x', outcomeUnknown: true } }, 10, DEFAULT_POLLING);
    expect(t.record.status).toBe('starting');
    expect(t.effects).toEqual([{ kind: 'findSession', delayMs: 0 }]);
  });

  it('finishes on a final session by reading the intent back, not by trusting the session alone', () => {
    const pin = session({ status: 'Captured', paymentDetails: { card: { verificationMethod: 'Pin' } } as never });
    const t = transition(base(), { kind: 'sessionPolled', session: pin }, 10, DEFAULT_POLLING);
    expect(t.record.step).toBe('confirming');
    expect(t.effects).toEqual([{ kind: 'confirm', delayMs: 0 }]);
    // The intent may lag behind the session (A5): read again with backoff, not "needs attention" at once.
    const lagging = transition(t.record, { kind: 'confirmed', intent: { id: 'pi_1', status: 'Created', terminalSessionHistory: [] } as never }, 11, DEFAULT_POLLING);
    expect(lagging.record.status).toBe('in_progress');
    expect(lagging.effects).toEqual([{ kind: 'confirm', delayMs: 1_000 }]);
    const reversed = transition(t.record, { kind: 'confirmed', intent: { id: 'pi_1', status: 'Reversed', terminalSessionHistory: [] } as never }, 11, DEFAULT_POLLING);
    expect(reversed.record.status).toBe('needs_attention');
    const captured = transition(t.record, { kind: 'confirmed', intent: { id: 'pi_1', status: 'Captured', totalAmount: { value: 1150, currencyCode: 'GBP' }, tipsAmount: { value: 150, currencyCode: 'GBP' }, terminalSessionHistory: [] } as never }, 11, DEFAULT_POLLING);
    expect(captured.record).toMatchObject({ status: 'approved', totalAmount: 1150, tipsAmount: 150, cashbackAmount: 0 });
  });

  it('Captured without proof that no signature check follows is final only after the settle window; Authorized is interim', () => {
    const first = transition(base(), { kind: 'sessionPolled', session: session({ status: 'Captured' }) }, 10, DEFAULT_POLLING);
    expect(first.record).toMatchObject({ step: 'following', status: 'in_progress', approvedSeenAt: 10 });
    expect(first.effects[0]).toMatchObject({ kind: 'poll' });
    const still = transition(first.record, { kind: 'sessionPolled', session: session({ status: 'Captured' }) }, 10 + DEFAULT_POLLING.settleMs - 1, DEFAULT_POLLING);
    expect(still.record.step).toBe('following');
    const settled = transition(still.record, { kind: 'sessionPolled', session: session({ status: 'Captured' }) }, 10 + DEFAULT_POLLING.settleMs, DEFAULT_POLLING);
    expect(settled.record.step).toBe('confirming');
    const signature = transition(first.record, { kind: 'sessionPolled', session: session({ status: 'SignatureVerificationRequired' }) }, 20, DEFAULT_POLLING);
    expect(signature.record).toMatchObject({ status: 'signature_required', approvedSeenAt: null });
    const authorised = transition(base(), { kind: 'sessionPolled', session: session({ status: 'Authorized' }) }, 10, DEFAULT_POLLING);
    expect(authorised.record).toMatchObject({ step: 'following', status: 'in_progress' });
    expect(toView(authorised.record).status).toBe('in_progress');
  });

  it('refuses to cancel once the card is in play and says why', () => {
    const inPlay = transition(base(), { kind: 'sessionPolled', session: session({ notificationEvents: [{ notificationType: 'PresentCard', createdAt: null }, { notificationType: 'EnterPin', createdAt: null }] }) }, 10, DEFAULT_POLLING).record;
    const t = transition(inPlay, { kind: 'cancelRequested' }, 11, DEFAULT_POLLING);
    expect(t.effects).toEqual([]);
    expect(toView(t.record)).toMatchObject({ canCancel: false, cancelNote: expect.stringMatching(/card has been presented/) });
  });

  it('polls fast while starting, steadily while active, slowly when idle, and backs off on errors', () => {
    const r = base();
    expect(nextPollDelay({ ...r, sessionStatus: 'InitiateRequested' }, 0, DEFAULT_POLLING)).toBe(500);
    expect(nextPollDelay({ ...r, sessionStatus: 'Initiated', lastChangeAt: 0 }, 1_000, DEFAULT_POLLING)).toBe(650);
    expect(nextPollDelay({ ...r, sessionStatus: 'Initiated', lastChangeAt: 0 }, 60_000, DEFAULT_POLLING)).toBe(1_500);
    expect(nextPollDelay({ ...r, sessionStatus: 'Initiated', pollFailures: 4 }, 0, DEFAULT_POLLING)).toBe(4_000);
    expect(nextPollDelay({ ...r, sessionStatus: 'Initiated', pollFailures: 40 }, 0, DEFAULT_POLLING)).toBe(8_000);
  });

  // Issue 13: the engine-crash flake ("intent created on Dojo, answer lost -> failed" seen failed while its unused
  // intent was still Created). Decided: the payment ends only once Dojo has answered the cancel.
  it('after a restart, a sale whose intent exists ends failed only once Dojo has answered the cancel of that intent', () => {
    const sale = newRecord({ id: 'p', type: 'Sale', amount: 1, currency: 'GBP', reference: 'r', terminalId: 't', terminalTid: null, environment: 'sandbox', now: 0 });
    const resumed = transition(sale, { kind: 'resume' }, 1, DEFAULT_POLLING);
    expect(resumed.effects).toEqual([{ kind: 'findIntent' }]);
    const found = transition(resumed.record, { kind: 'intentFound', intent: { id: 'pi_9', status: 'Created', terminalSessionHistory: [] } as never }, 2, DEFAULT_POLLING);
    expect(found.effects).toEqual([{ kind: 'cancelIntent', delayMs: 0 }]);
    expect(found.record.status).toBe('starting');
    expect(toView(found.record)).toMatchObject({ canCancel: false, message: 'Cancelling…' });
    const cancelled = transition(found.record, { kind: 'intentCancelled' }, 3, DEFAULT_POLLING);
    expect(cancelled.record).toMatchObject({ status: 'failed', step: 'done', outcomeMessage: expect.stringMatching(/nothing was charged/) });
    // A cancel that keeps failing is retried with backoff; the payment still ends (no session ever used the intent).
    let record = found.record;
    for (let i = 0; i < 10 && record.status === 'starting'; i++) {
      record = transition(record, { kind: 'failed', call: 'cancelIntent', error: { code: 'NETWORK', message: 'x', outcomeUnknown: true } }, 10 + i, DEFAULT_POLLING).record;
    }
    expect(record.status).toBe('failed');
  });
});

describe('background re-checks (issue 13): Dojo first, with backoff', () => {
  const waiting = (): PaymentRecord => ({ ...base(), status: 'needs_attention', attention: { reason: 'r', instruction: 'i' } });
  const silent = { kind: 'failed' as const, call: 'checkDojo' as const, error: { code: 'NETWORK', message: 'no answer', outcomeUnknown: true } };

  it('asks Dojo again twice as long after each silence (10 s, 20 s, … up to 5 minutes); never gives up while Dojo can tell', () => {
    let record = waiting();
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = transition(record, silent, 1_000 * i, DEFAULT_POLLING);
      const check = t.effects.find((e) => e.kind === 'checkDojo');
      delays.push(check && 'delayMs' in check ? check.delayMs : -1);
      record = t.record;
      expect(record.status).toBe('needs_attention');
      expect(record.recheck.nextAt).toBe(1_000 * i + delays[i]!);
    }
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000, 300_000, 300_000]);
    // Time to ask (start-up, Dojo back, the backoff's timer): at once.
    expect(transition(record, { kind: 'recheck' }, 0, DEFAULT_POLLING).effects).toEqual([{ kind: 'checkDojo', delayMs: 0 }]);
  });

  it('does not re-check what Dojo cannot tell (an unlinked refund with neither session nor intent): a person is asked instead', () => {
    const refund: PaymentRecord = { ...waiting(), type: 'UnlinkedRefund', intentId: null, sessionId: null };
    expect(transition(refund, { kind: 'recheck' }, 0, DEFAULT_POLLING).effects).toEqual([]);
    expect(toView(refund).dojoCheck).toMatchObject({ canTell: false, nextCheckAt: null });
  });

  it('the watch for a late signature check ends at its bound: nothing more is read, and the sale says it is settled', () => {
    const watched: PaymentRecord = { ...base(), step: 'done', status: 'approved', sessionStatus: 'Captured', outcomeMessage: 'Approved.', signatureWatchUntil: 100_000 };
    expect(toView(watched, 50_000).dojoCheck).not.toBeNull();
    const before = transition(watched, { kind: 'sessionWatched', session: session({ status: 'Captured' }) }, 50_000, DEFAULT_POLLING);
    expect(before.effects).toEqual([{ kind: 'watchSession', delayMs: DEFAULT_POLLING.watchMs }]);
    const after = transition(watched, { kind: 'sessionWatched', session: session({ status: 'Captured' }) }, 100_000, DEFAULT_POLLING);
    expect(after.effects).toEqual([]);
    expect(after.record).toMatchObject({ status: 'approved', signatureWatchUntil: null });
    expect(toView(after.record, 100_000).dojoCheck).toBeNull();
  });

  it('a decline on the session\'s word is asked about for a week at most; an intent still Authorized then stops the asking, never flips it', () => {
    const week = DEFAULT_POLLING.verifyVerdictMs;
    const declined: PaymentRecord = { ...base(), step: 'done', status: 'declined', sessionStatus: 'SignatureVerificationRejected', sessionWord: { at: 0, dojo: 'pending' } };
    const authorised = { id: 'pi_1', status: 'Authorized', terminalSessionHistory: [] } as never;
    const early = transition(declined, { kind: 'dojoRecord', session: null, intent: authorised }, 60_000, DEFAULT_POLLING);
    expect(early.record).toMatchObject({ status: 'declined', sessionWord: { dojo: 'pending' } });
    expect(early.effects[0]).toMatchObject({ kind: 'checkDojo' });
    const late = transition(declined, { kind: 'dojoRecord', session: null, intent: authorised }, week + 1, DEFAULT_POLLING);
    expect(late.record).toMatchObject({ status: 'declined', sessionWord: { dojo: 'cannot_tell' }, contradiction: null });
    expect(toView(late.record).message).toMatch(/never showed the reversal/);
    expect(late.effects).toEqual([]);
  });
});
