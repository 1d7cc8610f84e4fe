// Every Dojo call in every flow x every fault the simulator can inject: the payment must end in a correct known
// state (or needs attention with an instruction), the journal must agree with Dojo's record, and no intent or
// session may be duplicated.
import type { FaultInput } from '../../src/simulator/faults';
import type { PaymentView } from '../../src/shared/payments';
import { auditAgainstSimulator, engineHarness, isEnded, type EngineHarness } from '../support/engine-harness';
import { runStandalone, type CheckResult } from './report';

type Flow = 'sale' | 'matchedRefund' | 'unlinkedRefund' | 'cancel' | 'signature';
const CALLS: Record<Flow, { name: string; method: FaultInput['method']; path: string }[]> = {
  sale: [
    { name: 'create intent', method: 'POST', path: '/payment-intents' },
    { name: 'create session', method: 'POST', path: '/terminal-sessions' },
    { name: 'poll session', method: 'GET', path: '/terminal-sessions/{id}' },
    { name: 'confirm intent', method: 'GET', path: '/payment-intents/{id}' },
  ],
  matchedRefund: [
    { name: 'create session', method: 'POST', path: '/terminal-sessions' },
    { name: 'poll session', method: 'GET', path: '/terminal-sessions/{id}' },
    { name: 'confirm intent', method: 'GET', path: '/payment-intents/{id}' },
  ],
  unlinkedRefund: [
    { name: 'create session', method: 'POST', path: '/terminal-sessions' },
    { name: 'poll session', method: 'GET', path: '/terminal-sessions/{id}' },
  ],
  cancel: [{ name: 'cancel session', method: 'PUT', path: '/terminal-sessions/{id}/cancel' }],
  signature: [{ name: 'answer signature', method: 'PUT', path: '/terminal-sessions/{id}/signature' }],
};

type Fault = { name: string; inject(h: EngineHarness, call: (typeof CALLS)[Flow][number]): void | Promise<void> };
const FAULTS: Fault[] = [
  { name: '500', inject: (h, c) => void h.sim.admin.injectFault({ kind: 'status', status: 500, method: c.method, path: c.path }) },
  { name: '502', inject: (h, c) => void h.sim.admin.injectFault({ kind: 'status', status: 502, method: c.method, path: c.path }) },
  { name: '503', inject: (h, c) => void h.sim.admin.injectFault({ kind: 'status', status: 503, method: c.method, path: c.path }) },
  { name: '401', inject: (h, c) => void h.sim.admin.injectFault({ kind: 'status', status: 401, method: c.method, path: c.path }) },
  { name: 'dropped answer', inject: (h, c) => void h.sim.admin.injectFault({ kind: 'drop', method: c.method, path: c.path }) },
  { name: 'hang', inject: (h, c) => void h.sim.admin.injectFault({ kind: 'hang', method: c.method, path: c.path }) },
  { name: 'malformed body', inject: (h, c) => void h.sim.admin.injectFault({ kind: 'malformed', method: c.method, path: c.path }) },
  // Latency beyond the client's timeout: the till gives up, Dojo makes the change later anyway.
  { name: 'latency beyond timeout', inject: (h, c) => void h.sim.admin.injectFault({ kind: 'hang', apply: true, method: c.method, path: c.path }) },
  { name: 'terminal offline', inject: (h) => void h.sim.admin.setTerminalStatus(h.terminal(TID), 'Offline') },
];
const TID = 'VCMTILLSIP0';

async function cell(flow: Flow, call: (typeof CALLS)[Flow][number], fault: Fault): Promise<string | null> {
  const h = await engineHarness({ policy: { graceMs: 8_000 } });
  try {
    let saleId: string | undefined;
    if (flow === 'matchedRefund') {
      saleId = h.engine.startSale({ amount: 3000, currency: 'GBP', terminalId: h.terminal('VCMTILLSCP0') }).id;
      if ((await h.waitFor(saleId, isEnded)).status !== 'approved') return 'setup sale not approved';
    }
    const terminal = h.terminal(flow === 'cancel' ? 'VCMTILLVIP0' : flow === 'signature' ? 'VCMTILLSIS0' : TID);
    const lateFault = flow === 'cancel' || flow === 'signature' || call.method === 'GET';
    if (!lateFault) await fault.inject(h, call);
    const started =
      flow === 'matchedRefund'
        ? h.engine.startMatchedRefund({ paymentId: saleId!, amount: 1000, terminalId: terminal })
        : flow === 'unlinkedRefund'
          ? h.engine.startUnlinkedRefund({ amount: 800, currency: 'GBP', terminalId: terminal })
          : h.engine.startSale({ amount: 1500, currency: 'GBP', terminalId: terminal });
    if (flow === 'cancel') {
      await h.waitFor(started.id, (v) => v.prompt === 'PresentCard');
      await fault.inject(h, call);
      await h.engine.cancel(started.id);
    } else if (flow === 'signature') {
      await h.waitFor(started.id, (v) => v.status === 'signature_required');
      await fault.inject(h, call);
      await h.engine.answerSignature(started.id, true);
    } else if (lateFault) {
      await fault.inject(h, call);
    }
    let final: PaymentView;
    try {
      final = await h.waitFor(started.id, isEnded, 30_000);
    } catch (error) {
      return `never ended: ${String(error)}`;
    }
    await h.engine.settled();
    if (final.status === 'needs_attention' && !/terminal/i.test(final.attention?.instruction ?? '')) return 'needs attention without an instruction';
    const problems = auditAgainstSimulator(h);
    const snapshot = h.sim.admin.snapshot();
    const perIntent = new Map<string, number>();
    for (const s of snapshot.sessions) if (s.intentId && s.sessionType === 'Sale') perIntent.set(s.intentId, (perIntent.get(s.intentId) ?? 0) + 1);
    if ([...perIntent.values()].some((n) => n > 1)) problems.push('two sale sessions on one intent');
    const refundSessions = snapshot.sessions.filter((s) => s.sessionType !== 'Sale').length;
    if (refundSessions > 1) problems.push(`${refundSessions} refund sessions for one refund`);
    // A refund Dojo completed must not be recorded as anything but approved (or left for a person).
    const refundSession = snapshot.sessions.find((s) => s.sessionType !== 'Sale');
    if (flow.endsWith('Refund') && refundSession?.status === 'Captured' && !['approved', 'needs_attention'].includes(final.status)) problems.push(`refund done on Dojo but ${final.status} in the journal`);
    return problems.length ? problems.join('; ') : null;
  } finally {
    await h.close();
  }
}

export async function run(): Promise<CheckResult> {
  const failures: string[] = [];
  let total = 0;
  for (const flow of Object.keys(CALLS) as Flow[]) {
    for (const call of CALLS[flow]) {
      for (const fault of FAULTS) {
        total++;
        const problem = await cell(flow, call, fault).catch((error: unknown) => `crashed: ${String(error)}`);
        if (problem) failures.push(`${flow} / ${call.name} / ${fault.name}: ${problem}`);
      }
    }
  }
  return { name: 'fault matrix', passed: total - failures.length, total, figures: { cells: `${total - failures.length}/${total}` }, failures };
}

if (require.main === module) runStandalone(() => run());
