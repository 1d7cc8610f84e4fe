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

/** A signature-check sale whose signature the cashier rejects; returns the payment as first reported. */
async function rejectSignature(tid: string): Promise<PaymentView> {
  const id = sale(tid).id;
  expect((await h.waitFor(id, (v) => v.status === 'signature_required' || isEnded(v))).status).toBe('signature_required');
  await h.engine.answerSignature(id, false);
  return h.waitFor(id, isEnded);
}

describe('a decline on the session\'s word is confirmed with Dojo\'s payment record', () => {
  it('the reversal reaches the intent late: declined at once, "confirming with Dojo", then confirmed (no contradiction)', async () => {
    h.sim.admin.setReadings({ reversalLagMs: 30_000 });
    const first = await rejectSignature('VCMTILLAIS0');
    expect(first).toMatchObject({ status: 'declined', sessionStatus: 'SignatureVerificationRejected' });
    // Reported at once (the customer is at the counter), but not as a fact Dojo's record has confirmed.
    expect(first.message).toBe(outcome.signatureRejectedUnconfirmed);
    expect(first.dojoCheck).toMatchObject({ canTell: true });
    expect(intentOf(first.id).status).toBe('Authorized');
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
    expect(flagged).toMatchObject({ status: 'approved', contradiction: { verdict: 'not_charged', dojoSays: 'approved', acknowledged: false }, result: { totalAmount: 1250 } });
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
