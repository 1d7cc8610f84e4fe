import { afterEach, describe, expect, it } from 'vitest';
import type { FaultInput } from '../../src/simulator/faults';
import type { PaymentView } from '../../src/shared/payments';
import { auditAgainstSimulator, engineHarness, isEnded, type EngineHarness } from '../support/engine-harness';

/**
 * A crash at every step of every flow: the process dies (no clean shutdown) at a known point, the journal is
 * reopened by a new engine, recovery runs, and the outcome must match Dojo's own record with nothing lost and
 * nothing charged twice.
 */
type Flow = 'sale' | 'matchedRefund' | 'unlinkedRefund';
/**
 * Crash points are states that last, not moments: a state that lasts a few ms of real time (a prompt at 40x speed)
 * can be polled past on a loaded machine, so each "when" also accepts any later state (a crash after it).
 */
const past = (v: PaymentView, status: string) => (v.sessionStatus !== null && v.sessionStatus !== status) || isEnded(v);
interface CrashCase {
  flow: Flow;
  point: string;
  /** A fault that freezes the flow at the crash point (the request hangs; `apply` = Dojo made the change). */
  freeze?: FaultInput;
  /** Or: crash once the payment looks like this. */
  when?: (view: PaymentView) => boolean;
  expected: PaymentView['status'];
  tid?: string;
}

const CASES: CrashCase[] = [
  { flow: 'sale', point: 'create-intent sent, Dojo never got it', freeze: { kind: 'hang', method: 'POST', path: '/payment-intents' }, expected: 'failed' },
  { flow: 'sale', point: 'intent created on Dojo, answer lost', freeze: { kind: 'hang', apply: true, method: 'POST', path: '/payment-intents' }, expected: 'failed' },
  { flow: 'sale', point: 'create-session sent, Dojo never got it', freeze: { kind: 'hang', method: 'POST', path: '/terminal-sessions' }, expected: 'failed' },
  { flow: 'sale', point: 'session created on Dojo, answer lost', freeze: { kind: 'hang', apply: true, method: 'POST', path: '/terminal-sessions' }, expected: 'approved' },
  { flow: 'sale', point: 'following the session', when: (v) => past(v, 'InitiateRequested'), expected: 'approved' },
  { flow: 'sale', point: 'card being read', when: (v) => v.cancelNote !== null || isEnded(v), expected: 'approved' },
  { flow: 'sale', point: 'session ended, confirming the intent', freeze: { kind: 'hang', method: 'GET', path: '/payment-intents/{id}' }, expected: 'approved' },
  { flow: 'sale', point: 'waiting for the signature', tid: 'VCMTILLSIS0', when: (v) => v.status === 'signature_required', expected: 'approved' },
  { flow: 'sale', point: 'the card declined on the terminal', tid: 'VCMTILLDIP0', when: (v) => v.prompt === 'Declined' || v.prompt === 'RemoveCard' || isEnded(v), expected: 'declined' },
  { flow: 'sale', point: 'authorised, capture still to come', tid: 'VCMTILLAIP0', when: (v) => v.sessionStatus === 'Authorized' || isEnded(v), expected: 'approved' },
  { flow: 'matchedRefund', point: 'create-session sent, Dojo never got it', freeze: { kind: 'hang', method: 'POST', path: '/terminal-sessions' }, expected: 'failed' },
  { flow: 'matchedRefund', point: 'session created on Dojo, answer lost', freeze: { kind: 'hang', apply: true, method: 'POST', path: '/terminal-sessions' }, expected: 'approved' },
  { flow: 'matchedRefund', point: 'following the session', when: (v) => past(v, 'InitiateRequested'), expected: 'approved' },
  { flow: 'matchedRefund', point: 'session ended, confirming the intent', freeze: { kind: 'hang', method: 'GET', path: '/payment-intents/{id}' }, expected: 'approved' },
  { flow: 'unlinkedRefund', point: 'create-session sent, Dojo never got it', freeze: { kind: 'hang', method: 'POST', path: '/terminal-sessions' }, expected: 'needs_attention' },
  { flow: 'unlinkedRefund', point: 'session created on Dojo, answer lost', freeze: { kind: 'hang', apply: true, method: 'POST', path: '/terminal-sessions' }, expected: 'needs_attention' },
  { flow: 'unlinkedRefund', point: 'following the session', when: (v) => past(v, 'InitiateRequested'), expected: 'approved' },
];

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function waitForRequest(harness: EngineHarness, key: string, count: number) {
  // A generous bound: the request comes within milliseconds on an idle machine; a loaded CI box is slow, not stuck.
  const deadline = Date.now() + 60_000;
  while ((harness.sim.admin.counts()[key] ?? 0) < count) {
    if (Date.now() > deadline) throw new Error(`no ${key} request`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('crash at every step, then recovery from the journal', () => {
  it.each(CASES)('$flow: $point -> $expected', async (c) => {
    h = await engineHarness();
    const harness = h;
    const terminal = harness.terminal(c.tid ?? 'VCMTILLSIP0');
    let saleId: string | undefined;
    if (c.flow === 'matchedRefund') {
      saleId = harness.engine.startSale({ amount: 2000, currency: 'GBP', terminalId: harness.terminal('VCMTILLSCP0') }).id;
      expect((await harness.waitFor(saleId, isEnded)).status).toBe('approved');
    }
    const freezeKey = c.freeze ? `${c.freeze.method} ${c.freeze.path}` : undefined;
    const before = freezeKey ? (harness.sim.admin.counts()[freezeKey] ?? 0) : 0;
    if (c.freeze) harness.sim.admin.injectFault({ ...c.freeze, count: 1 });

    const started =
      c.flow === 'sale'
        ? harness.engine.startSale({ amount: 1500, currency: 'GBP', terminalId: terminal })
        : c.flow === 'matchedRefund'
          ? harness.engine.startMatchedRefund({ paymentId: saleId!, amount: 700, terminalId: terminal })
          : harness.engine.startUnlinkedRefund({ amount: 900, currency: 'GBP', terminalId: terminal });

    if (freezeKey) await waitForRequest(harness, freezeKey, before + 1);
    else await harness.waitFor(started.id, c.when!);

    // Crash: the engine disappears mid-flight; whatever was not written is gone.
    harness.sim.admin.clearFaults();
    await harness.restart();
    const final = await harness.waitFor(started.id, isEnded);
    expect(final.status).toBe(c.expected);
    if (final.status === 'signature_required') throw new Error('unreachable');

    // If the signature case resumed into a signature request, answer it like the cashier would.
    expect(auditAgainstSimulator(harness)).toEqual([]);
    const snapshot = harness.sim.admin.snapshot();
    if (c.flow === 'sale') {
      const intents = snapshot.intents.filter((i) => i.metadata?.['tillPaymentId'] === started.id);
      expect(intents.length).toBeLessThanOrEqual(1);
      if (final.status === 'failed') expect(intents.every((i) => i.status === 'Canceled')).toBe(true);
      expect(snapshot.sessions.filter((s) => s.intentId === intents[0]?.id).length).toBeLessThanOrEqual(1);
    } else {
      expect(snapshot.sessions.filter((s) => s.sessionType === (c.flow === 'matchedRefund' ? 'MatchedRefund' : 'UnlinkedRefund')).length).toBeLessThanOrEqual(1);
    }
    if (c.flow === 'matchedRefund' && final.status === 'approved') {
      expect((await harness.waitFor(saleId!, (v) => v.refundedAmount === 700)).refundableAmount).toBe(1300);
    }
    if (final.status === 'needs_attention') {
      expect(final.attention!.instruction).toMatch(/terminal/);
      const session = snapshot.sessions.find((s) => s.sessionType === 'UnlinkedRefund');
      const resolved = await harness.engine.resolve(started.id, session ? 'approved' : 'not_charged', session ? 'Terminal showed the refund approved' : 'Terminal showed nothing');
      expect(resolved.resolution).not.toBeNull();
    }
  });
});
