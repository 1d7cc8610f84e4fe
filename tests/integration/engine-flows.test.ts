import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator';
import { auditAgainstSimulator, engineHarness, isEnded, type EngineHarness } from '../support/engine-harness';

let h: EngineHarness;
beforeEach(async () => (h = await engineHarness()));
afterEach(() => h.close());

const sale = (tid: string, amount = 1250, reference?: string) =>
  h.engine.startSale({ amount, currency: 'GBP', terminalId: h.terminal(tid), ...(reference ? { reference } : {}) });

describe('sales against the simulator over HTTP', () => {
  it('chip & PIN: approved, amounts and card read back, receipts, events journalled, terminal free again', async () => {
    const started = sale('VCMTILLSIP0', 1250, 'Order 42');
    expect(started.status).toBe('starting');
    const done = await h.waitFor(started.id, isEnded);
    expect(done).toMatchObject({ status: 'approved', sessionStatus: 'Captured', reference: 'Order 42', message: 'Approved.' });
    expect(done.result).toMatchObject({ totalAmount: 1250, tipsAmount: 0, cashbackAmount: 0, cardScheme: 'VISA', last4: '1013', entryMode: 'ContactChip', verification: 'Pin' });
    expect(done.result!.authCode).toMatch(/^[0-9A-F]{6}$/);
    expect(done.receipts.customer!.some((l) => l.text?.value === 'CUSTOMER COPY')).toBe(true);
    expect(done.receipts.merchant!.some((l) => l.text?.value === 'MERCHANT COPY')).toBe(true);
    const kinds = h.engine.get(started.id).events.map((e) => e.kind);
    expect(kinds[0]).toBe('created');
    expect(kinds).toContain('dojo_request');
    expect(kinds.at(-1)).toBe('finished');
    expect((await h.client.getTerminal(h.terminal('VCMTILLSIP0'))).status).toBe('Available');
    expect(auditAgainstSimulator(h)).toEqual([]);
  });

  it('pushes the terminal prompts as they change, and only when something changed', async () => {
    // Dojo's clock moves only when the test says, half a second at a time, each step seen by at least two polls:
    // every prompt is there to be seen however loaded the machine is (at 40x a prompt lasts a few ms).
    await h.close();
    const sim = await startSimulator({ clock: 'manual' });
    h = await engineHarness({ sim });
    const harness = h;
    const started = sale('VCMTILLSIP0');
    const pollCount = () => harness.sim.admin.counts()['GET /terminal-sessions/{id}'] ?? 0;
    for (let step = 0; step < 60 && !isEnded(harness.engine.payment(started.id)); step++) {
      const before = pollCount();
      harness.sim.admin.advance(500);
      await harness.waitFor(started.id, (v) => pollCount() >= before + 2 || isEnded(v));
    }
    await h.waitFor(started.id, isEnded);
    await sim.close();
    const mine = h.updates.filter((u) => u.id === started.id);
    const prompts = [...new Set(mine.map((u) => u.prompt).filter(Boolean))];
    expect(prompts).toEqual(expect.arrayContaining(['PresentCard', 'EnterPin', 'RemoveCard']));
    const polls = h.sim.admin.counts()['GET /terminal-sessions/{id}']!;
    expect(mine.length).toBeLessThan(polls + 4);
    const keys = mine.map(({ updatedAt: _u, ...rest }) => JSON.stringify(rest));
    // Consecutive pushes always differ (the terminal may show the same prompt twice, e.g. PleaseWait).
    keys.slice(1).forEach((key, i) => expect(key).not.toBe(keys[i]));
  });

  it('contactless, gratuity and cashback read back from the intent', async () => {
    const contactless = await h.waitFor(sale('VCMTILLSCP0').id, isEnded);
    expect(contactless.result).toMatchObject({ entryMode: 'Contactless', verification: 'Device' });
    const tipped = await h.waitFor(sale('VCMTIPSSIP0', 1000).id, isEnded);
    expect(tipped.result).toMatchObject({ totalAmount: 1150, tipsAmount: 150 });
    const cashback = await h.waitFor(sale('VCMCASHSIP0', 1000).id, isEnded);
    expect(cashback.result).toMatchObject({ totalAmount: 3000, cashbackAmount: 2000 });
  });

  it('declined, expired (no card), the terminal never responds, cancelled on the terminal', async () => {
    const outcomes = await Promise.all(
      [
        ['VCMTILLDIP0', 'declined'],
        ['VCMTILLVIP0', 'expired'],
        ['VCMTILLTIP0', 'failed'],
        ['VCMTILLCIP0', 'cancelled'],
      ].map(async ([tid, expected]) => ({ expected, view: await h.waitFor(sale(tid!).id, isEnded) })),
    );
    for (const { expected, view } of outcomes) {
      expect(view.status).toBe(expected);
      expect(view.message).toMatch(/Nothing was charged/);
    }
    expect(auditAgainstSimulator(h)).toEqual([]);
  });

  it('signature: accepted, rejected, and unanswered (Dojo accepts after 80 s)', async () => {
    const ask = async () => {
      const id = sale('VCMTILLSIS0').id;
      const waiting = await h.waitFor(id, (v) => v.status === 'signature_required');
      // The deadline lies after the moment the check reached the cashier (both the engine's clock, not the test's).
      const asked = h.updates.find((u) => u.id === id && u.status === 'signature_required')!;
      expect(Date.parse(waiting.signatureDeadline!)).toBeGreaterThan(Date.parse(asked.updatedAt));
      expect(waiting.canCancel).toBe(false);
      return id;
    };
    const accepted = await ask();
    await h.engine.answerSignature(accepted, true);
    expect((await h.waitFor(accepted, isEnded)).status).toBe('approved');
    const rejected = await ask();
    await h.engine.answerSignature(rejected, false);
    const rejectedView = await h.waitFor(rejected, isEnded);
    expect(rejectedView.status).toBe('declined');
    expect(rejectedView.message).toMatch(/Signature rejected/);
    const unanswered = await ask();
    const auto = await h.waitFor(unanswered, isEnded);
    expect(auto).toMatchObject({ status: 'approved', sessionStatus: 'SignatureVerificationAccepted' });
    await expect(h.engine.answerSignature(unanswered, true)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(auditAgainstSimulator(h)).toEqual([]);
  });

  // The card never comes on VCMTILLVIP0, so the cancel always lands before it (no race with the clock).
  it('cancel before the card: cancelled, nothing charged', async () => {
    const id = sale('VCMTILLVIP0').id;
    await h.waitFor(id, (v) => v.sessionStatus === 'Initiated');
    const view = await h.engine.cancel(id);
    expect(view.canCancel).toBe(false);
    const done = await h.waitFor(id, isEnded);
    expect(done.status).toBe('cancelled');
    expect(auditAgainstSimulator(h)).toEqual([]);
  });

  it('cancel asked before the session exists is carried out as soon as it does', async () => {
    const id = sale('VCMTILLVIP0').id;
    await h.engine.cancel(id);
    expect((await h.waitFor(id, isEnded)).status).toBe('cancelled');
  });

  it('cancel after the card was presented: explained, and the payment goes on to its end', async () => {
    // A customer who takes a minute over the PIN: the card is in play long enough to be seen on a loaded machine.
    const id = sale('VCMTILLSLP0').id;
    const inPlay = await h.waitFor(id, (v) => v.prompt === 'EnterPin' || v.prompt === 'PleaseWait');
    expect(inPlay.canCancel).toBe(false);
    expect(inPlay.cancelNote).toMatch(/card has been presented/);
    await h.engine.cancel(id);
    const done = await h.waitFor(id, isEnded);
    expect(done.status).toBe('approved');
  });

  it('a 422 from Dojo on cancel (card presented between polls) is explained and the payment followed', async () => {
    const id = sale('VCMTILLSIP0').id;
    await h.waitFor(id, (v) => v.sessionStatus === 'Initiated');
    h.sim.admin.advance(3_500); // the customer taps the card before the next poll
    await h.engine.cancel(id);
    const note = await h.waitFor(id, (v) => !!v.cancelNote || isEnded(v));
    expect(note.cancelNote ?? note.message).toMatch(/card has been presented|Approved/);
    expect((await h.waitFor(id, isEnded)).status).toBe('approved');
  });

  it('one payment at a time per terminal', async () => {
    const first = sale('VCMTILLSIP0');
    expect(() => sale('VCMTILLSIP0')).toThrow(expect.objectContaining({ code: 'PAYMENT_IN_PROGRESS' }));
    await h.waitFor(first.id, isEnded);
    expect(sale('VCMTILLSIP0').status).toBe('starting');
  });

  it('busy and offline terminals: a clear failure, nothing charged, no live intent left behind', async () => {
    const busy = await h.waitFor(sale('VCMBUSYSIP0').id, isEnded);
    expect(busy.status).toBe('failed');
    expect(busy.message).toMatch(/busy/);
    const offline = await h.waitFor(sale('VCMOFFLSIP0').id, isEnded);
    expect(offline.message).toMatch(/offline/);
    // Reported only once Dojo has cancelled the unused intent: what the till says matches Dojo at that moment.
    expect(h.sim.admin.snapshot().intents.map((i) => i.status)).toEqual(['Canceled', 'Canceled']);
  });

  it('a bad API key: DOJO_AUTH message, nothing created', async () => {
    h.sim.admin.acceptKeys(['sk_sandbox_some_other_key']);
    const view = await h.waitFor(sale('VCMTILLSIP0').id, isEnded);
    expect(view.status).toBe('failed');
    expect(view.message).toMatch(/API key/);
    expect(h.sim.admin.snapshot().intents).toHaveLength(0);
  });
});

describe('faults', () => {
  it('5xx on GET session is retried and the payment still ends right', async () => {
    h.sim.admin.injectFault({ kind: 'status', status: 503, count: 3, method: 'GET', path: '/terminal-sessions/{id}' });
    const view = await h.waitFor(sale('VCMTILLSIP0').id, isEnded);
    expect(view.status).toBe('approved');
  });

  it('5xx on POST create-intent is not retried blindly: looked up, then failed with nothing charged', async () => {
    h.sim.admin.injectFault({ kind: 'status', status: 500, method: 'POST', path: '/payment-intents' });
    const view = await h.waitFor(sale('VCMTILLSIP0').id, isEnded);
    expect(view.status).toBe('failed');
    expect(view.message).toMatch(/nothing was charged/);
    expect(h.sim.admin.counts()['POST /payment-intents']).toBe(1);
    expect(h.sim.admin.snapshot().intents).toHaveLength(0);
  });

  it('dropped answer after create-intent: the intent is found by our id, no second intent, the sale completes', async () => {
    h.sim.admin.injectFault({ kind: 'drop', method: 'POST', path: '/payment-intents' });
    const view = await h.waitFor(sale('VCMTILLSIP0').id, isEnded);
    expect(view.status).toBe('approved');
    expect(h.sim.admin.snapshot().intents).toHaveLength(1);
    expect(h.sim.admin.counts()['POST /payment-intents']).toBe(1);
    expect(auditAgainstSimulator(h)).toEqual([]);
  });

  it('dropped answer after create-session: the session is found in the intent history, no second session', async () => {
    h.sim.admin.injectFault({ kind: 'drop', method: 'POST', path: '/terminal-sessions' });
    const view = await h.waitFor(sale('VCMTILLSIP0').id, isEnded);
    expect(view.status).toBe('approved');
    expect(h.sim.admin.snapshot().sessions).toHaveLength(1);
    expect(h.sim.admin.counts()['POST /terminal-sessions']).toBe(1);
  });

  it('a malformed answer to create-session is treated as unknown and recovered the same way', async () => {
    h.sim.admin.injectFault({ kind: 'malformed', method: 'POST', path: '/terminal-sessions' });
    const view = await h.waitFor(sale('VCMTILLSCP0').id, isEnded);
    expect(view.status).toBe('approved');
    expect(h.sim.admin.snapshot().sessions).toHaveLength(1);
  });

  it('a hung create-session (never reached the terminal) ends as failed with nothing charged, intent cancelled', async () => {
    h.sim.admin.injectFault({ kind: 'hang', method: 'POST', path: '/terminal-sessions' });
    const view = await h.waitFor(sale('VCMTILLSIP0').id, isEnded);
    expect(view.status).toBe('failed');
    expect(view.message).toMatch(/never asked/);
    expect(h.sim.admin.snapshot().intents[0]!.status).toBe('Canceled');
    expect(h.sim.admin.snapshot().sessions).toHaveLength(0);
  });

  it('Dojo unreachable while following: needs attention with an instruction once the grace runs out', async () => {
    await h.close();
    h = await engineHarness({ policy: { graceMs: 4_000 } });
    const id = sale('VCMTILLVIP0').id;
    await h.waitFor(id, (v) => v.sessionStatus === 'Initiated');
    h.sim.admin.injectFault({ kind: 'status', status: 503, count: 10_000, method: 'GET' });
    const view = await h.waitFor(id, (v) => v.status === 'needs_attention');
    expect(view.attention!.instruction).toMatch(/keeps asking Dojo/);
    h.sim.admin.clearFaults();
    const resolved = await h.engine.resolve(id, 'not_charged', 'Terminal showed nothing');
    expect(resolved).toMatchObject({ status: 'failed', resolution: { outcome: 'not_charged', note: 'Terminal showed nothing' } });
  });
});

describe('refunds', () => {
  it('matched refund: partial, then no more than what is left, and the sale shows what was refunded', async () => {
    const paid = await h.waitFor(sale('VCMTILLSIP0', 1000).id, isEnded);
    expect(paid.refundableAmount).toBe(1000);
    const refund = h.engine.startMatchedRefund({ paymentId: paid.id, amount: 600, terminalId: h.terminal('VCMTILLSCP0') });
    expect(() => h.engine.startMatchedRefund({ paymentId: paid.id, amount: 500, terminalId: h.terminal('VCMTILLSIP0') })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect((await h.waitFor(refund.id, isEnded)).status).toBe('approved');
    const sale1 = await h.waitFor(paid.id, (v) => v.refundedAmount === 600);
    expect(sale1.refundableAmount).toBe(400);
    const rest = h.engine.startMatchedRefund({ paymentId: paid.id, amount: 400, terminalId: h.terminal('VCMTILLSCP0') });
    expect((await h.waitFor(rest.id, isEnded)).status).toBe('approved');
    const intent = await h.client.getIntent(paid.intentId!);
    expect(intent).toMatchObject({ status: 'Refunded', refundedAmount: 1000 });
  });

  it('matched refund with a dropped create answer is found through the sale intent history', async () => {
    const paid = await h.waitFor(sale('VCMTILLSIP0', 1000).id, isEnded);
    h.sim.admin.injectFault({ kind: 'drop', method: 'POST', path: '/terminal-sessions' });
    const refund = h.engine.startMatchedRefund({ paymentId: paid.id, amount: 300, terminalId: h.terminal('VCMTILLSCP0') });
    expect((await h.waitFor(refund.id, isEnded)).status).toBe('approved');
    expect(h.sim.admin.snapshot().sessions.filter((s) => s.sessionType === 'MatchedRefund')).toHaveLength(1);
  });

  it('refunding a declined sale is refused', async () => {
    const declined = await h.waitFor(sale('VCMTILLDIP0').id, isEnded);
    expect(() => h.engine.startMatchedRefund({ paymentId: declined.id, amount: 100, terminalId: h.terminal('VCMTILLSIP0') })).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });

  it('unlinked refund: approved; with a lost create answer it needs attention (it cannot be looked up)', async () => {
    const ok = h.engine.startUnlinkedRefund({ amount: 800, currency: 'GBP', terminalId: h.terminal('VCMTILLSIP0') });
    expect((await h.waitFor(ok.id, isEnded)).status).toBe('approved');
    h.sim.admin.injectFault({ kind: 'drop', method: 'POST', path: '/terminal-sessions' });
    const lost = h.engine.startUnlinkedRefund({ amount: 500, currency: 'GBP', terminalId: h.terminal('VCMTILLSIP0') });
    const view = await h.waitFor(lost.id, isEnded);
    expect(view.status).toBe('needs_attention');
    expect(view.attention!.reason).toMatch(/unlinked refund cannot be looked up/);
    const resolved = await h.engine.resolve(lost.id, 'approved', 'Terminal printed an approved refund receipt');
    expect(resolved.status).toBe('approved');
    expect(h.engine.get(lost.id).events.map((e) => e.kind)).toContain('resolved');
  });
});
