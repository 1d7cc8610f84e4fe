import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outcome } from '../../src/main/payments/messages';
import type { PaymentView } from '../../src/shared/payments';
import { auditAgainstSimulator, engineHarness, isEnded, type EngineHarness } from '../support/engine-harness';

/**
 * What the terminal's session says before Dojo's payment record does (docs/dojo-api.md §13, A2 and A5), played
 * both ways by the simulator: a rejected signature whose reversal reaches the intent late or never, and a
 * signature check that comes after the till's settle window. Each test failed before its fix.
 */
let h: EngineHarness;
beforeEach(async () => (h = await engineHarness()));
afterEach(() => h.close());

const sale = (tid: string, amount = 1250) => h.engine.startSale({ amount, currency: 'GBP', terminalId: h.terminal(tid) });
const pushed = (id: string) => h.updates.filter((u) => u.id === id);
const intentOf = (id: string) => h.sim.admin.snapshot().intents.find((i) => i.metadata?.['tillPaymentId'] === id)!;
const kinds = (id: string) => h.engine.get(id).events.map((e) => e.kind);

/** A signature-check sale whose signature the cashier rejects; returns the payment as first reported (pushed) once it ended. */
async function rejectSignature(tid: string): Promise<PaymentView> {
  const id = sale(tid).id;
  expect((await h.waitFor(id, (v) => v.status === 'signature_required' || isEnded(v))).status).toBe('signature_required');
  await h.engine.answerSignature(id, false);
  await h.waitFor(id, isEnded);
  return pushed(id).find(isEnded)!;
}

describe('a decline on the session\'s word is confirmed with Dojo\'s payment record', () => {
  it('the reversal reaches the intent late: declined at once, "confirming with Dojo", then confirmed (no contradiction)', async () => {
    h.sim.admin.setReadings({ reversalLagMs: 30_000 });
    const first = await rejectSignature('VCMTILLAIS0');
    expect(first).toMatchObject({ status: 'declined', sessionStatus: 'SignatureVerificationRejected' });
    // Reported at once (the customer is at the counter), but not as a fact Dojo's record has confirmed.
    expect(first.message).toBe(outcome.signatureRejectedUnconfirmed);
    expect(first.dojoCheck).toMatchObject({ canTell: true });
    const confirmed = await h.waitFor(first.id, (v) => v.message === outcome.signatureRejected);
    expect(confirmed).toMatchObject({ status: 'declined', contradiction: null, dojoCheck: null });
    expect(intentOf(first.id).status).toBe('Reversed');
    expect(kinds(first.id)).toContain('decline_confirmed');
    expect(pushed(first.id).some((u) => u.status === 'approved')).toBe(false);
    expect(auditAgainstSimulator(h)).toEqual([]);
  });

  it('the reversal never happens (the intent ends Captured): flagged as a contradiction at once, status follows Dojo', async () => {
    h.sim.admin.setReadings({ reversalLagMs: 30_000, rejectedSignature: 'notReversed' });
    const first = await rejectSignature('VCMTILLAIS0');
    expect(first).toMatchObject({ status: 'declined', message: outcome.signatureRejectedUnconfirmed });
    const flagged = await h.waitFor(first.id, (v) => v.contradiction !== null);
    expect(flagged).toMatchObject({ status: 'approved', contradiction: { verdict: 'not_charged', dojoSays: 'approved', acknowledged: false, source: 'terminal' }, result: { totalAmount: 1250 } });
    expect(flagged.contradiction!.message).toMatch(/terminal reported the signature rejected/);
    expect(flagged.contradiction!.message).toMatch(/Dojo's record shows the money was taken/);
    // Screen and EPOS: pushed, listed with what needs a supervisor, until acknowledged (PIN checked by the caller).
    expect(pushed(first.id).some((u) => u.contradiction !== null && u.status === 'approved')).toBe(true);
    expect(h.engine.activeAndAttention().map((p) => p.id)).toContain(first.id);
    expect(kinds(first.id)).toContain('session_contradicted');
    h.engine.acknowledgeContradiction(first.id, 'Customer refunded', 'Alex');
    expect(h.engine.activeAndAttention().map((p) => p.id)).not.toContain(first.id);
    expect(auditAgainstSimulator(h)).toEqual([]);
  });

  it('Dojo unreachable when the signature is rejected: declined on the session\'s word, confirmed once Dojo answers', async () => {
    h.sim.admin.injectFault({ kind: 'status', status: 503, count: 100_000, method: 'GET', path: '/payment-intents/{id}' });
    const first = await rejectSignature('VCMTILLSIS0');
    expect(first).toMatchObject({ status: 'declined', message: outcome.signatureRejectedUnconfirmed });
    h.sim.admin.clearFaults();
    expect(await h.waitFor(first.id, (v) => v.message === outcome.signatureRejected)).toMatchObject({ status: 'declined', contradiction: null });
  });

  it('the intent passes through Captured on its way to Reversed (it lags the session): no false contradiction', async () => {
    // Captured before the check, the intent 8 s behind, the reversal 10 s more: a re-check sees Captured first.
    h.sim.admin.setReadings({ intentLagMs: 8_000, reversalLagMs: 10_000 });
    const first = await rejectSignature('VCMTILLCIS0');
    expect(first.status).toBe('declined');
    await h.waitFor(first.id, (v) => v.message === outcome.signatureRejected);
    expect(pushed(first.id).some((u) => u.status === 'approved' || u.contradiction !== null)).toBe(false);
    expect(intentOf(first.id).status).toBe('Reversed');
    expect(auditAgainstSimulator(h)).toEqual([]);
  });
});

describe('a signature check that comes after the settle window', () => {
  /**
   * At the moment a …LIS0 sale is pushed as approved (a synchronous hook), Dojo starts failing session reads: the
   * approval is a state that lasts until the test releases Dojo, so no step of the test races the 40x clock.
   */
  const held = new Set<string>();
  beforeEach(async () => {
    await h.close();
    held.clear();
    h = await engineHarness({
      onUpdate: (view) => {
        if (view.status !== 'approved' || view.dojoCheck === null || held.has(view.id)) return;
        held.add(view.id);
        h.sim.admin.injectFault({ kind: 'status', status: 503, count: 1_000_000, method: 'GET', path: '/terminal-sessions/{id}' });
      },
    });
  });

  /** The sale ends approved (Captured, no signature step within the settle window), then the terminal asks for a signature. */
  async function approvedThenLateSignature(): Promise<string> {
    const id = sale('VCMTILLLIS0').id;
    const approved = await h.waitFor(id, (v) => v.status === 'approved' || v.status === 'signature_required' || v.status === 'needs_attention');
    expect(approved).toMatchObject({ status: 'approved', dojoCheck: { canTell: true } });
    // An EPOS long-polling the approved sale (it may still change) is answered by the signature request itself.
    const epos = h.engine.nextChange(id, 60_000);
    h.sim.admin.clearFaults();
    const late = await epos;
    expect(late).toMatchObject({ status: 'signature_required', sessionStatus: 'SignatureVerificationRequired', lateSignature: true, message: 'Approved by the card, but the terminal now asks for a signature check: compare the signature with the card, then accept or reject it.' });
    expect(late.signatureDeadline).not.toBeNull();
    return id;
  }

  it('the check is brought back to the cashier; rejected -> declined through the normal path (the EPOS long-poll sees each change)', async () => {
    const id = await approvedThenLateSignature();
    // An EPOS long-polling from the signature request sees the rejection's result.
    const epos = h.engine.nextChange(id, 60_000);
    await h.engine.answerSignature(id, false);
    expect((await epos).status).not.toBe('signature_required');
    const done = await h.waitFor(id, isEnded);
    expect(done).toMatchObject({ status: 'declined', sessionStatus: 'SignatureVerificationRejected', message: outcome.signatureRejected });
    expect(pushed(id).map((u) => u.status)).toEqual(expect.arrayContaining(['approved', 'signature_required', 'declined']));
    expect(kinds(id)).toContain('late_signature');
    expect(intentOf(id).status).toBe('Reversed');
    expect(auditAgainstSimulator(h)).toEqual([]);
  });

  it('accepted -> approved again; and unanswered, Dojo accepts it by itself after 80 s -> approved, said so', async () => {
    const accepted = await approvedThenLateSignature();
    await h.engine.answerSignature(accepted, true);
    expect(await h.waitFor(accepted, isEnded)).toMatchObject({ status: 'approved', sessionStatus: 'SignatureVerificationAccepted', message: outcome.approved('Sale') });
    const unanswered = await approvedThenLateSignature();
    expect(await h.waitFor(unanswered, isEnded)).toMatchObject({ status: 'approved', sessionStatus: 'SignatureVerificationAccepted', message: outcome.approvedSignatureAutomatically });
    expect(auditAgainstSimulator(h)).toEqual([]);
  });

  it('the other ordering (the check within the settle window) and a PIN sale are not watched: never reported approved before the answer', async () => {
    const early = sale('VCMTILLCIS0').id;
    expect((await h.waitFor(early, (v) => v.status === 'signature_required' || isEnded(v))).status).toBe('signature_required');
    expect(pushed(early).some((u) => u.status === 'approved')).toBe(false);
    await h.engine.answerSignature(early, false);
    expect((await h.waitFor(early, isEnded)).status).toBe('declined');
    const pin = await h.waitFor(sale('VCMTILLSIP0').id, isEnded);
    expect(pin.status).toBe('approved');
    expect(kinds(pin.id)).not.toContain('watching_for_signature');
  });

  it('the watch survives a restart, and the sale cannot be refunded while the check may still come', async () => {
    const id = sale('VCMTILLLIS0').id;
    expect((await h.waitFor(id, (v) => v.status === 'approved' || v.status === 'signature_required' || v.status === 'needs_attention')).status).toBe('approved');
    expect(() => h.engine.startMatchedRefund({ paymentId: id, amount: 500, terminalId: h.terminal('VCMTILLSIP0') })).toThrow(/may still ask for a signature check/);
    // Until the restart the watch reads nothing (the hook has Dojo fail them): only the watch resumed at start-up can see the check.
    await h.restart();
    h.sim.admin.clearFaults();
    expect(await h.waitFor(id, (v) => v.status !== 'approved')).toMatchObject({ status: 'signature_required', sessionStatus: 'SignatureVerificationRequired' });
    await h.engine.answerSignature(id, false);
    expect(await h.waitFor(id, isEnded)).toMatchObject({ status: 'declined' });
    expect(auditAgainstSimulator(h)).toEqual([]);
  });
});
