// The folder exchange, black-box: real files in a temporary folder, the real service graph, the simulator over
// real HTTP. The test plays an EPOS that can only write files. Every wait is for a file or a state, with a
// generous bound; nothing asserts on elapsed time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices, type Services } from '../../src/main/services';
import { startSimulator, type Simulator } from '../../src/simulator';
import { reportSlip } from '../../src/shared/report-slip';
import { FileEpos, kv, waitUntil } from '../support/exchange-files';

const PIN = '246813';
let sim: Simulator;
let services: Services;
let dir: string;
let epos: FileEpos;
const ended = (a: Record<string, any>) => !['starting', 'in_progress', 'signature_required'].includes(a['status']);

async function startServices(options: { dataDir: string; exchangeDir: string; env?: Record<string, string> }): Promise<Services> {
  const started = await createServices(
    nodeAdapters({
      host: 'test',
      dataDir: options.dataDir,
      secrets: new MemorySecretStore({ 'dojo-api-key': 'sk_sandbox_exchange_tests_key' }),
      env: { DOJO_API_BASE_URL: sim.url, TILL_EPOS_PORT: '0', TILL_EXCHANGE_DIR: options.exchangeDir, TILL_EXCHANGE_SCAN_MS: '250', ...options.env },
    }),
  );
  await started.authority.setPin({ next: PIN, confirm: PIN });
  await started.updateSettings({ terminalId: sim.admin.terminalByTid('VCMTILLSIP0')!.id });
  return started;
}

/** Dojo's own record of a till payment: its intents (by our payment id) and their sessions. */
function onDojo(paymentId: string) {
  const snapshot = sim.admin.snapshot();
  const intents = snapshot.intents.filter((i) => i.metadata?.['tillPaymentId'] === paymentId);
  const sessions = snapshot.sessions.filter((s) => intents.some((i) => i.id === s.intentId));
  return { intents, sessions };
}

beforeAll(async () => {
  sim = await startSimulator({ speed: 40 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-exchange-'));
  epos = new FileEpos(path.join(dir, 'exchange'));
  services = await startServices({ dataDir: path.join(dir, 'data'), exchangeDir: epos.folder, env: { TILL_EXCHANGE_COMMIT_TIMEOUT_MS: '1000', TILL_EXCHANGE_MAX_PENDING: '150' } });
});
afterAll(async () => {
  await services?.close();
  await sim?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('folder exchange: sales', () => {
  it('creates its sub-folders user-only and reports itself running', () => {
    for (const sub of ['requests', 'responses', 'archive', 'rejected']) {
      const stat = fs.statSync(path.join(epos.folder, sub));
      expect(stat.isDirectory()).toBe(true);
      if (process.platform !== 'win32') expect(stat.mode & 0o077).toBe(0);
    }
    expect(services.exchange.status()).toMatchObject({ source: 'environment', folder: epos.folder, running: true, error: null });
  });

  it('approved sale: ack, progress, result with amounts read back from Dojo, then commit archives everything', async () => {
    epos.sale('S1');
    const ack = await epos.waitFor('responses', 'S1.ack');
    expect(ack).toMatchObject({ id: 'S1', status: 'received', environment: 'sandbox', replayed: 'no' });
    expect(ack['payment']).toMatch(/^pay_/);
    const result = await epos.waitFor('responses', 'S1.res');
    expect(result).toMatchObject({ id: 'S1', status: 'approved', type: 'sale', environment: 'sandbox', training: 'no', amount: '1250', total: '1250', currency: 'GBP', reference: 'Order S1', card_scheme: 'VISA', last4: '1013', payment: ack['payment'] });
    expect(result['auth_code']).toBeTruthy();
    expect(result['receipt_customer'].length).toBeGreaterThan(5);
    expect(epos.read('responses', 'S1.status')).toMatchObject({ status: 'approved', payment: ack['payment'] });
    if (process.platform !== 'win32') expect(fs.statSync(epos.path('responses', 'S1.res')).mode & 0o777).toBe(0o600);
    // Dojo agrees: one intent, captured, for exactly this amount.
    const dojo = onDojo(ack['payment']);
    expect(dojo.intents).toHaveLength(1);
    expect(dojo.intents[0]).toMatchObject({ status: 'Captured', amount: { value: 1250, currencyCode: 'GBP' } });

    epos.commit('S1', 'status=approved\r\n');
    await epos.waitFor('archive', 'S1.res');
    for (const name of ['S1.req', 'S1.commit', 'S1.ack', 'S1.status']) expect(epos.has('archive', name)).toBe(true);
    await waitUntil('responses cleared', () => !epos.has('responses', 'S1.res') && !epos.has('requests', 'S1.req'));
  });

  it('declined sale: status declined, nothing charged', async () => {
    epos.sale('S2', { terminal: sim.admin.terminalByTid('VCMTILLDIP0')!.id });
    const result = await epos.waitFor('responses', 'S2.res');
    expect(result).toMatchObject({ status: 'declined', type: 'sale' });
    expect(onDojo(result['payment']).intents[0]!.status).not.toBe('Captured');
  });

  it('sale cancelled on the terminal: status cancelled', async () => {
    epos.sale('S3', { terminal: sim.admin.terminalByTid('VCMTILLCIP0')!.id });
    expect(await epos.waitFor('responses', 'S3.res')).toMatchObject({ status: 'cancelled' });
  });

  it('a JSON request gets JSON answers', async () => {
    epos.send('J1', { type: 'sale', amount: 990, currency: 'GBP', reference: 'Json 1', environment: 'sandbox' });
    const result = await epos.waitFor('responses', 'J1.res');
    expect(result).toMatchObject({ id: 'J1', status: 'approved', amount: 990, total: 990, training: false });
    expect(Array.isArray(result['receipt_customer'])).toBe(true);
    expect(fs.readFileSync(epos.path('responses', 'J1.ack'), 'utf8').trimStart().startsWith('{')).toBe(true);
  });

  it('accepts what Windows tools write: UTF-16 with a byte-order mark (PowerShell 5 Out-File) and upper-case .REQ', async () => {
    const text = `\uFEFF${kv({ type: 'sale', amount: 300, currency: 'GBP', reference: 'PS5', environment: 'sandbox' })}`;
    fs.writeFileSync(epos.path('requests', 'W1.tmp'), Buffer.from(text, 'utf16le'));
    fs.renameSync(epos.path('requests', 'W1.tmp'), epos.path('requests', 'W1.REQ'));
    expect(await epos.waitFor('responses', 'W1.res')).toMatchObject({ status: 'approved', amount: '300', reference: 'PS5' });
  });
});

describe('folder exchange: refunds', () => {
  it('matched refund of a sale by its payment id', async () => {
    epos.sale('R0', { amount: 2000 });
    const sale = await epos.waitFor('responses', 'R0.res');
    expect(sale['status']).toBe('approved');
    epos.send('R1', kv({ type: 'refund', amount: 500, payment: sale['payment'], environment: 'sandbox' }));
    const refund = await epos.waitFor('responses', 'R1.res');
    expect(refund).toMatchObject({ status: 'approved', type: 'refund', amount: '500' });
    expect(onDojo(sale['payment']).intents[0]!.refundedAmount).toBe(500);
  });

  it('unlinked refund waits for the supervisor PIN on the till, then runs', async () => {
    epos.send('U1', kv({ type: 'unlinked_refund', amount: 700, currency: 'GBP', reference: 'Return 88', environment: 'sandbox' }));
    const ack = await epos.waitFor('responses', 'U1.ack');
    expect(ack['refund_request']).toMatch(/^rr_/);
    expect(await epos.waitFor('responses', 'U1.status')).toMatchObject({ status: 'awaiting_confirmation' });
    const pending = await waitUntil('the request on the till', () => services.epos.pendingRequests().find((r) => r.requestId === ack['refund_request']));
    expect(pending).toMatchObject({ amount: 700, reference: 'Return 88' });
    // Nothing moves without the PIN: a wrong one is refused, in main.
    await expect(services.epos.confirmRequest({ requestId: pending.requestId, amount: 700, currency: 'GBP', supervisorPin: '111111' })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(epos.has('responses', 'U1.res')).toBe(false);
    await services.epos.confirmRequest({ requestId: pending.requestId, amount: 700, currency: 'GBP', supervisorPin: PIN });
    const result = await epos.waitFor('responses', 'U1.res');
    expect(result).toMatchObject({ status: 'approved', type: 'unlinked_refund', amount: '700' });
    expect(sim.admin.snapshot().sessions.filter((s) => s.sessionType === 'UnlinkedRefund' && s.amount.value === 700)).toHaveLength(1);
  });

  it('a matched refund above the PIN threshold waits for the supervisor too, as from HTTP', async () => {
    epos.sale('R5', { amount: 8000 });
    const sale = await epos.waitFor('responses', 'R5.res');
    epos.send('R6', kv({ type: 'refund', amount: 6000, reference: 'Order R5', environment: 'sandbox' }));
    const ack = await epos.waitFor('responses', 'R6.ack');
    expect(await epos.waitFor('responses', 'R6.status')).toMatchObject({ status: 'awaiting_confirmation' });
    const pending = await waitUntil('the request on the till', () => services.epos.pendingRequests().find((r) => r.requestId === ack['refund_request']));
    expect(pending).toMatchObject({ kind: 'matched', amount: 6000, saleId: sale['payment'] });
    await services.epos.confirmRequest({ requestId: pending.requestId, amount: 6000, currency: 'GBP', supervisorPin: PIN });
    expect(await epos.waitFor('responses', 'R6.res')).toMatchObject({ status: 'approved', type: 'refund', amount: '6000' });
    expect(onDojo(sale['payment']).intents[0]!.refundedAmount).toBe(6000);
  });

  it('needs_attention is not final: the result is rewritten when the cashier settles it; a commit before that is refused', async () => {
    epos.send('U3', kv({ type: 'unlinked_refund', amount: 702, currency: 'GBP', reference: 'Lost answer', environment: 'sandbox' }));
    const ack = await epos.waitFor('responses', 'U3.ack');
    // Dojo's answer to the terminal session is lost: an unlinked refund has no intent, so Dojo cannot tell.
    sim.admin.injectFault({ kind: 'drop', method: 'POST', path: '/terminal-sessions', count: 1 });
    await services.epos.confirmRequest({ requestId: ack['refund_request'], amount: 702, currency: 'GBP', supervisorPin: PIN });
    const waiting = await epos.waitFor('responses', 'U3.res', { until: (a) => a['status'] === 'needs_attention' });
    expect(waiting).toMatchObject({ type: 'unlinked_refund', amount: '702' });
    expect(waiting['attention']).toBeTruthy();
    epos.commit('U3');
    expect((await epos.waitFor('rejected', 'U3.commit.err'))['message']).toMatch(/not known yet \(needs_attention\)/);
    expect(epos.has('archive', 'U3.res')).toBe(false);
    await services.payments().resolve(waiting['payment'], 'approved', 'The terminal printed an approved refund.', 'Sam');
    const settled = await epos.waitFor('responses', 'U3.res', { until: (a) => a['status'] !== 'needs_attention' });
    expect(settled).toMatchObject({ status: 'approved', payment: waiting['payment'], amount: '702' });
    epos.commit('U3', 'status=approved\r\n');
    await epos.waitFor('archive', 'U3.res');
  });

  it('an unlinked refund declined on the till ends cancelled, nothing refunded', async () => {
    epos.send('U2', kv({ type: 'unlinked_refund', amount: 701, currency: 'GBP', environment: 'sandbox' }));
    const ack = await epos.waitFor('responses', 'U2.ack');
    services.epos.declineRequest(ack['refund_request']);
    expect(await epos.waitFor('responses', 'U2.res')).toMatchObject({ status: 'cancelled', type: 'unlinked_refund' });
    expect(sim.admin.snapshot().sessions.some((s) => s.sessionType === 'UnlinkedRefund' && s.amount.value === 701)).toBe(false);
  });
});

describe('folder exchange: idempotency', () => {
  it('the same id twice (at once, again after the result, and again after the commit) is one payment', async () => {
    epos.sale('D1');
    epos.sale('D1'); // rewritten before the first was even seen
    const first = await epos.waitFor('responses', 'D1.res');
    epos.sale('D1', { amount: 9999 }); // a changed body under a used id is still the same request
    await waitUntil('the second file handled', async () => {
      await services.exchange.idle();
      return epos.has('requests', 'D1.req');
    });
    epos.commit('D1');
    await epos.waitFor('archive', 'D1.res');
    epos.sale('D1'); // after the archive: the result again, never a second charge
    const again = await epos.waitFor('responses', 'D1.res');
    expect(again).toMatchObject({ status: 'approved', payment: first['payment'], amount: '1250' });
    expect(onDojo(first['payment']).intents).toHaveLength(1);
    const intents = sim.admin.snapshot().intents.filter((i) => i.reference === 'Order D1');
    expect(intents).toHaveLength(1);
  });

  it('ignores a file written slowly under a temporary name and never renamed', async () => {
    const temp = epos.path('requests', 'SLOW.req.tmp');
    const handle = fs.openSync(temp, 'w');
    fs.writeSync(handle, 'type=sale\r\namount=12');
    // Other requests come and go meanwhile: the exchange has scanned the folder several times.
    for (const id of ['SL1', 'SL2']) {
      epos.sale(id);
      await epos.waitFor('responses', `${id}.res`);
    }
    fs.writeSync(handle, '50\r\n');
    fs.closeSync(handle);
    await services.exchange.idle();
    expect(epos.list('responses').filter((n) => n.startsWith('SLOW'))).toEqual([]);
    expect(epos.list('rejected').filter((n) => n.startsWith('SLOW'))).toEqual([]);
    expect(sim.admin.snapshot().intents.filter((i) => i.reference?.startsWith('SLOW'))).toHaveLength(0);
    expect(fs.existsSync(temp)).toBe(true);
  });
});

describe('folder exchange: invalid files', () => {
  const cases: { id: string; name?: string; content: string | Buffer; field?: string; code?: string; message: RegExp }[] = [
    { id: 'BAD1', content: kv({ type: 'sale', amount: '12.50', currency: 'GBP', reference: 'x', environment: 'sandbox' }), field: 'amount', message: /not valid/ },
    { id: 'BAD2', content: kv({ type: 'sale', ammount: 1250, currency: 'GBP', reference: 'x', environment: 'sandbox' }), message: /not valid/ },
    { id: 'BAD3', content: kv({ type: 'gift', amount: 1, currency: 'GBP', environment: 'sandbox' }), message: /not valid/ },
    { id: 'BAD4', content: 'type=sale\r\namount=1250\r\ncurrency=GBP\r\nreference=cut\r\nenvironment=sandbox', message: /line break/ },
    { id: 'BAD5', content: '{"type": "sale", "amount": 1250', message: /not valid JSON/ },
    { id: 'BAD6', content: `${kv({ type: 'sale', amount: 100, currency: 'GBP', environment: 'sandbox' })}reference=${'x'.repeat(9000)}\r\n`, message: /larger than/ },
    { id: 'BAD7', content: Buffer.from([0x74, 0x79, 0x70, 0x65, 0x3d, 0xff, 0xfe, 0xfd, 0x0a]), message: /not UTF-8/ },
    { id: 'BAD8', content: kv({ type: 'sale', amount: 1250, currency: 'GBP', reference: 'no environment line' }), field: 'environment', code: 'ENVIRONMENT_NOT_CONFIRMED', message: /sandbox.*environment=sandbox/ },
    { id: 'BAD9', content: kv({ type: 'refund', amount: 100, reference: 'No such sale', environment: 'sandbox' }), message: /No approved sale/ },
    { id: 'BAD10', content: kv({ type: 'unlinked_refund', amount: 9_999_999, currency: 'GBP', environment: 'sandbox' }), field: 'amount', code: 'LIMIT_EXCEEDED', message: /limited to £50\.00 each/ },
    { id: 'bad id!', content: kv({ type: 'sale', amount: 1, currency: 'GBP', reference: 'x', environment: 'sandbox' }), message: /request id/ },
  ];
  for (const c of cases) {
    it(`${c.id}: .err with a clear message, original kept in rejected/`, async () => {
      const temp = epos.path('requests', `${c.id}.tmp`);
      fs.writeFileSync(temp, c.content);
      fs.renameSync(temp, epos.path('requests', `${c.id}.req`));
      const err = await epos.waitFor('responses', `${c.id}.err`);
      expect(err['message']).toMatch(c.message);
      if (c.field) expect(String(err['field'])).toContain(c.field);
      expect(err['code']).toBe(c.code ?? (c.id === 'BAD9' ? 'NOT_FOUND' : 'VALIDATION'));
      await waitUntil('moved to rejected/ with the reason beside it', () => epos.has('rejected', `${c.id}.req.err`) && !epos.has('requests', `${c.id}.req`));
      expect(fs.readFileSync(epos.path('rejected', `${c.id}.req`))).toEqual(Buffer.from(c.content));
      expect(epos.read('rejected', `${c.id}.req.err`)['message']).toMatch(c.message);
      expect(epos.has('responses', `${c.id}.ack`)).toBe(false);
    });
  }

  it('a link, a folder, an empty file and a 1 GB file named .req: refused with an .err, each kept in rejected/', async () => {
    const target = path.join(dir, 'elsewhere.txt');
    fs.writeFileSync(target, kv({ type: 'sale', amount: 1250, currency: 'GBP', reference: 'via a link', environment: 'sandbox' }));
    fs.symlinkSync(target, epos.path('requests', 'LINK1.req'));
    fs.mkdirSync(epos.path('requests', 'DIR1.req'));
    fs.writeFileSync(epos.path('requests', 'EMPTY1.req'), '');
    const huge = epos.path('requests', 'HUGE1.tmp');
    fs.closeSync(fs.openSync(huge, 'w'));
    fs.truncateSync(huge, 1024 ** 3); // sparse: no disk used, but a reader that loads it whole would
    fs.renameSync(huge, epos.path('requests', 'HUGE1.req'));
    for (const [id, message] of [['LINK1', /not a plain file/], ['DIR1', /not a plain file/], ['EMPTY1', /empty/], ['HUGE1', /larger than 8192 bytes/]] as const) {
      expect((await epos.waitFor('responses', `${id}.err`))['message']).toMatch(message);
      await waitUntil(`${id} moved to rejected/`, () => epos.has('rejected', `${id}.req`) && epos.has('rejected', `${id}.req.err`));
    }
    expect(fs.lstatSync(epos.path('rejected', 'LINK1.req')).isSymbolicLink()).toBe(true);
    expect(fs.statSync(epos.path('rejected', 'HUGE1.req')).size).toBe(1024 ** 3);
    expect(sim.admin.snapshot().intents.filter((i) => i.reference === 'via a link')).toHaveLength(0);
  });

  it('a commit before the result, or for an unknown id, is refused and kept', async () => {
    epos.commit('NOPE');
    await epos.waitFor('rejected', 'NOPE.commit.err');
    expect(epos.has('rejected', 'NOPE.commit')).toBe(true);
  });

  it('after an .err the same id can be sent again, fixed', async () => {
    epos.sale('BAD8');
    expect(await epos.waitFor('responses', 'BAD8.res')).toMatchObject({ status: 'approved' });
    expect(epos.has('responses', 'BAD8.err')).toBe(false); // the old answer moved to rejected/, not deleted
    expect(epos.list('rejected').filter((n) => n.startsWith('BAD8'))).toEqual(['BAD8.err', 'BAD8.req', 'BAD8.req.err']);
  });
});

describe('folder exchange: load and limits', () => {
  it('100 requests at once: each acknowledged, each paid once', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `BULK${String(i).padStart(3, '0')}`);
    const terminals = ids.map((id) => sim.admin.addTerminal({ tid: `VCM${id}SIP0` }).id);
    const written = new Map<string, number>();
    const acked = new Map<string, number>();
    ids.forEach((id, i) => {
      epos.sale(id, { terminal: terminals[i]!, amount: 100 + i });
      written.set(id, performance.now());
    });
    await waitUntil('100 acknowledgements', () => {
      for (const id of ids) if (!acked.has(id) && epos.has('responses', `${id}.ack`)) acked.set(id, performance.now());
      return acked.size === ids.length;
    }, 60_000);
    const results = await Promise.all(ids.map((id) => epos.waitFor('responses', `${id}.res`, { timeoutMs: 120_000 })));
    expect(results.map((r) => r['status'])).toEqual(ids.map(() => 'approved'));
    const payments = new Set(results.map((r) => r['payment']));
    expect(payments.size).toBe(100);
    for (const payment of payments) expect(onDojo(payment).intents).toHaveLength(1);
    const latencies = ids.map((id) => acked.get(id)! - written.get(id)!).sort((a, b) => a - b);
    // A figure for the closing note, not an assertion (timing is never asserted).
    console.log(`exchange ack latency, 100 requests at once: p50 ${latencies[49]!.toFixed(0)} ms, p95 ${latencies[94]!.toFixed(0)} ms, max ${latencies[99]!.toFixed(0)} ms`);
  }, 180_000);
});

describe('folder exchange: commit', () => {
  it('no commit after an approved payment: needs attention (never a refund); a person resolves it with the PIN', async () => {
    epos.sale('NC1', { amount: 4321 });
    const result = await epos.waitFor('responses', 'NC1.res');
    const item = await waitUntil('needs attention', () => services.exchange.status().attention.find((a) => a.requestId === 'NC1'));
    expect(item).toMatchObject({ paymentId: result['payment'], amount: 4321, reason: 'The EPOS did not confirm it recorded this payment.' });
    // The money stays where it is: still approved, still captured, nothing refunded.
    expect(services.payments().payment(result['payment']).status).toBe('approved');
    expect(onDojo(result['payment']).intents[0]).toMatchObject({ status: 'Captured', refundedAmount: 0 });
    // The manager sees it at the end of the day: on the X report's attention list, and the Z needs the PIN.
    const x = services.reports().x();
    expect(x.open).toContainEqual(expect.objectContaining({ paymentId: result['payment'], status: 'approved', amount: 4321, reason: 'The EPOS did not confirm it recorded this payment.' }));
    expect(reportSlip(x, 80).map((l) => l.text?.value ?? '').join(' ').replace(/\s+/g, ' ')).toMatch(/NEEDS ATTENTION \([1-9]\d*\)[\s\S]*The EPOS did not confirm it recorded this payment\./);
    await expect(services.reports().closeDay({})).rejects.toMatchObject({ code: 'SUPERVISOR_REQUIRED' });
    expect(services.reports().list(1, 0).total).toBe(0);
    await expect(services.exchange.resolveAttention('NC1', 'Entered by hand on the EPOS', '111111')).rejects.toMatchObject({ code: 'VALIDATION' });
    await services.exchange.resolveAttention('NC1', 'Entered by hand on the EPOS', PIN);
    expect(services.exchange.status().attention.some((a) => a.requestId === 'NC1')).toBe(false);
    expect(epos.read('archive', 'NC1.resolved')).toMatchObject({ id: 'NC1', note: 'Entered by hand on the EPOS' });
    expect(epos.has('archive', 'NC1.res')).toBe(true);
  });

  it('a late commit clears the attention by itself', async () => {
    epos.sale('NC2');
    await epos.waitFor('responses', 'NC2.res');
    await waitUntil('needs attention', () => services.exchange.status().attention.find((a) => a.requestId === 'NC2'));
    epos.commit('NC2');
    await epos.waitFor('archive', 'NC2.res');
    await waitUntil('attention cleared', () => !services.exchange.status().attention.some((a) => a.requestId === 'NC2'));
  });

  it('a declined payment never needs attention for a missing commit', async () => {
    epos.sale('NC3', { terminal: sim.admin.terminalByTid('VCMTILLDIP0')!.id });
    await epos.waitFor('responses', 'NC3.res', { until: ended });
    // Let the approved NC4 pass its commit deadline: by then NC3 would have been flagged too.
    epos.sale('NC4');
    await epos.waitFor('responses', 'NC4.res');
    await waitUntil('NC4 flagged', () => services.exchange.status().attention.find((a) => a.requestId === 'NC4'));
    expect(services.exchange.status().attention.some((a) => a.requestId === 'NC3')).toBe(false);
  });
});
