import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices, type Services } from '../../src/main/services';
import { ReportSchema } from '../../src/shared/reports';
import { startSimulator, type Simulator } from '../../src/simulator';
import { movableDays } from '../support/eod';
import { eposConforms } from '../support/epos-openapi';

const TOKEN = 'epos-reports-token-7c1d2e3f4a5b';
let sim: Simulator;
let services: Services;
let base: string;
let dir: string;
const { days, names } = movableDays();

const conforms = eposConforms;
async function api(method: string, url: string, route: string, options: { body?: unknown; token?: string | null } = {}) {
  const headers: Record<string, string> = { ...(options.token === null ? {} : { authorization: `Bearer ${options.token ?? TOKEN}` }), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) };
  const response = await fetch(`${base}${url}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const body: any = await response.json();
  conforms(method, route, response.status, body);
  return { status: response.status, body, headers: response.headers };
}

function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), 'src/main/integration/cli-main.ts', ...args], {
      env: { ...process.env, TILL_EPOS_PORT: String(services.epos.info().port), TILL_EPOS_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout: out }));
  });
}

const ended = async (id: string) => {
  for (let i = 0; i < 400; i++) {
    const p = services.payments().payment(id);
    if (!['starting', 'in_progress', 'signature_required'].includes(p.status)) return p;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('payment did not end');
};

beforeAll(async () => {
  sim = await startSimulator({ speed: 40 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-epos-reports-'));
  services = await createServices({
    ...nodeAdapters({ host: 'test', dataDir: dir, secrets: new MemorySecretStore({ 'dojo-api-key': 'sk_sandbox_epos_reports_key' }), env: { DOJO_API_BASE_URL: sim.url, TILL_DOJO_SPEED: '40', TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: TOKEN } }),
    tradingDays: days,
  });
  base = services.epos.info().url!;
  const terminal = sim.admin.terminalByTid('VCMTILLSIP0')!.id;
  await services.authority.setPin({ next: '246813', confirm: '246813' });
  await services.updateSettings({ terminalId: terminal });
  await ended(services.payments().startSale({ amount: 1250, currency: 'GBP', terminalId: terminal }).id);
});
afterAll(async () => {
  await services.close();
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('EPOS API: end-of-day reports', () => {
  it('GET /v1/reports/x: the X report, valid against the OpenAPI document; a bare 401 without the token', async () => {
    const x = await api('GET', '/v1/reports/x', '/v1/reports/x');
    expect(x.status).toBe(200);
    expect(ReportSchema.parse(x.body)).toMatchObject({ kind: 'X', number: null, tradingDay: names[0], environment: 'sandbox', currencies: [{ currency: 'GBP', netCardTakings: 1250 }] });
    expect((await api('GET', '/v1/reports/x', '/v1/reports/x', { token: null })).status).toBe(401);
    expect((await api('POST', '/v1/reports/z', '/v1/reports/z', { token: 'nope' })).status).toBe(401);
  });

  it('POST /v1/reports/z: refused with SUPERVISOR_REQUIRED while a payment needs attention (the EPOS never sends the PIN)', async () => {
    sim.admin.injectFault({ kind: 'drop', method: 'POST', path: '/terminal-sessions', count: 1 });
    const refund = services.payments().startUnlinkedRefund({ amount: 300, currency: 'GBP', terminalId: sim.admin.terminalByTid('VCMTILLSCP0')!.id });
    for (let i = 0; i < 400 && services.payments().payment(refund.id).status !== 'needs_attention'; i++) await new Promise((r) => setTimeout(r, 25));
    const refused = await api('POST', '/v1/reports/z', '/v1/reports/z');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'SUPERVISOR_REQUIRED', detail: expect.stringContaining('1 payment still needs attention') });
    expect((await api('POST', '/v1/reports/z', '/v1/reports/z', { body: { supervisorPin: '246813' } })).status).toBe(400);
    const cliRefused = await cli(['report', 'z']);
    expect(cliRefused.code).toBe(3);
    await services.payments().resolve(refund.id, 'approved', 'The terminal showed it approved.');
  });

  it('POST /v1/reports/z: 201 with the number, then the same Z (200, replayed) even for concurrent requests; GET /v1/reports/z/{number} reprints it', async () => {
    const bad = await api('POST', '/v1/reports/z', '/v1/reports/z', { body: { tradingDay: 'yesterday' } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION', errors: { tradingDay: expect.any(Array) } } });
    const answers = await Promise.all(Array.from({ length: 10 }, () => api('POST', '/v1/reports/z', '/v1/reports/z')));
    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200).every((a) => a.headers.get('idempotent-replayed') === 'true')).toBe(true);
    const z = created[0]!.body;
    expect(z).toMatchObject({ kind: 'Z', number: 1, tradingDay: names[0], reconciliation: { status: 'reconciled' } });
    for (const answer of answers) expect(answer.body).toEqual(z);
    const reprint = await api('GET', '/v1/reports/z/1', '/v1/reports/z/{number}');
    expect(reprint).toMatchObject({ status: 200, body: z });
    expect((await api('GET', '/v1/reports/z/2', '/v1/reports/z/{number}')).status).toBe(404);
    expect((await api('GET', '/v1/reports/z/first', '/v1/reports/z/{number}')).status).toBe(400);
    expect(services.reports().list(10, 0).total).toBe(1);
  });

  it('reconciliation through the services: recording Dojo\'s record needs the PIN (main\'s guard) and is in the audit', async () => {
    const terminal = sim.admin.terminalByTid('VCMTILLDIP0')!.id;
    const declined = await ended(services.payments().startSale({ amount: 700, currency: 'GBP', terminalId: terminal }).id);
    sim.admin.amendIntent(services.payments().payment(declined.id).intentId!, { status: 'Captured' });
    const result = await services.reconciler().run(names[0]!, names[0]!);
    const exception = result.exceptions.find((e) => e.paymentId === declined.id)!;
    expect(exception.kind).toBe('captured_not_approved');
    const request = { exceptionId: exception.id, action: 'record_dojo' as const, note: 'The terminal showed it approved.' };
    await expect(services.reconciler().act(request)).rejects.toMatchObject({ code: 'SUPERVISOR_REQUIRED' });
    await expect(services.reconciler().act({ ...request, supervisorPin: '135790' })).rejects.toMatchObject({ code: 'VALIDATION' });
    const done = await services.reconciler().act({ ...request, supervisorPin: '246813' });
    expect(done.payment).toMatchObject({ id: declined.id, status: 'approved' });
    const audit = services.audit.list({ limit: 50 });
    expect(audit.intact).toBe(true);
    const entries = audit.entries.filter((e) => e.action === 'reconciliation.record_dojo');
    expect(entries.map((e) => [e.outcome, e.actor])).toEqual([
      ['ok', 'supervisor'],
      ['refused', 'cashier'],
      ['refused', 'cashier'],
    ]);
    expect(entries[0]).toMatchObject({ subject: declined.id, detail: { kind: 'captured_not_approved', note: 'The terminal showed it approved.' } });
  });

  it('CLI: report x and report z (JSON or CSV, --output FILE), exit codes', async () => {
    const x = await cli(['report', 'x']);
    expect(x.code).toBe(5); // written, from the sandbox: not real money
    const xr = JSON.parse(x.stdout);
    conforms('GET', '/v1/reports/x', 200, xr);
    expect(xr.kind).toBe('X');

    const file = path.join(dir, 'z1.csv');
    const z = await cli(['report', 'z', '--number', '1', '--format', 'csv', '--output', file]);
    expect(z.code).toBe(5);
    const csv = fs.readFileSync(file, 'utf8');
    expect(csv).toBe(z.stdout);
    expect(csv).toMatch(/^section,currency,item,count,amount,detail\r\n/);
    expect(csv).toContain('report,,report,,,Z report 1\r\n');
    expect(csv).toContain('sales,GBP,total,1,12.50,\r\n');
    expect(csv).toContain('by_hand,GBP,refunds,1,-3.00,\r\n');

    const again = await cli(['report', 'z']);
    expect(again.code).toBe(5);
    conforms('POST', '/v1/reports/z', 200, JSON.parse(again.stdout));
    expect(JSON.parse(again.stdout).number).toBe(1);

    expect((await cli(['report', 'y'])).code).toBe(4);
    expect((await cli(['report', 'x', '--number', '2'])).code).toBe(4);
  });
});
