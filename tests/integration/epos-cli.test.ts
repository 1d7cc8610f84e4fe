import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exitCodeFor, parseAmount, runCli } from '../../src/main/integration/cli';
import { nodeAdapters } from '../../src/main/node-adapters';
import { createLogger } from '../../src/main/logging/logger';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { BuildConfigSchema } from '../../src/main/settings/build-config';
import { createServices, type Services } from '../../src/main/services';
import { startSimulator, type Simulator } from '../../src/simulator';

const TOKEN = 'cli-test-token-1234567890abcdef';
let sim: Simulator;
let services: Services;
let dir: string;
let port: number;
/** A second companion on Dojo's sandbox: its results are not real money. */
let sandboxSim: Simulator;
let sandbox: Services;

function cli(args: string[], env: Record<string, string | undefined> = {}, stdin?: string): Promise<{ code: number; json: any; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), 'src/main/integration/cli-main.ts', ...args], {
      env: Object.fromEntries(Object.entries({ ...process.env, TILL_EPOS_PORT: String(port), TILL_EPOS_TOKEN: TOKEN, ...env }).filter(([, v]) => v !== undefined)),
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    // 'close', not 'exit': the output is complete only once the pipes are closed.
    child.on('close', (code) => resolve({ code: code ?? -1, json: out.trim() ? JSON.parse(out) : null, stderr: err }));
  });
}

beforeAll(async () => {
  // The exit codes per outcome are those of a production till (real money); a sandbox companion is tested apart.
  sim = await startSimulator({ speed: 40, environment: 'production' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-cli-'));
  const buildConfig = BuildConfigSchema.parse({ softwareHouseId: 'SH-TEST', resellerId: 'RS-TEST' });
  services = await createServices(
    nodeAdapters({ host: 'test', dataDir: dir, buildConfig, secrets: new MemorySecretStore({ 'dojo-api-key': 'sk_prod_cli_tests_key' }), env: { DOJO_API_BASE_URL: sim.url, TILL_DOJO_SPEED: '40', TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: TOKEN } }),
  );
  port = services.epos.info().port;
  await services.updateSettings({ terminalId: sim.admin.terminalByTid('VCMTILLSIP0')!.id });
  sandboxSim = await startSimulator({ speed: 40 });
  sandbox = await createServices(
    nodeAdapters({ host: 'test', dataDir: path.join(dir, 'sandbox'), secrets: new MemorySecretStore({ 'dojo-api-key': 'sk_sandbox_cli_tests_key' }), env: { DOJO_API_BASE_URL: sandboxSim.url, TILL_DOJO_SPEED: '40', TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: TOKEN } }),
  );
  await sandbox.updateSettings({ terminalId: sandboxSim.admin.terminalByTid('VCMTILLSIP0')!.id });
});
afterAll(async () => {
  await services.close();
  await sandbox.close();
  await sim.close();
  await sandboxSim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('EPOS command line', () => {
  it('parses amounts exactly and maps outcomes to exit codes', () => {
    expect(parseAmount('12.50')).toBe(1250);
    expect(parseAmount('0.07')).toBe(7);
    expect(parseAmount('3')).toBe(300);
    expect(parseAmount('12.5')).toBe(1250);
    for (const bad of ['12.505', '-1', '1e3', '', '0', '0.00', '12,50']) expect(parseAmount(bad)).toBeNull();
    expect(['approved', 'declined', 'cancelled', 'expired', 'needs_attention', 'failed'].map(exitCodeFor)).toEqual([0, 1, 2, 2, 3, 4]);
  });

  it('pay --wait: approved -> exit 0 with the payment as JSON, also written to --output', async () => {
    const output = path.join(dir, 'result.json');
    const { code, json } = await cli(['pay', '--amount', '12.50', '--currency', 'GBP', '--reference', 'CLI-1', '--wait', '--output', output]);
    expect(code).toBe(0);
    expect(json).toMatchObject({ status: 'approved', amount: 1250, reference: 'CLI-1', result: { totalAmount: 1250 } });
    expect(JSON.parse(fs.readFileSync(output, 'utf8')).paymentId).toBe(json.paymentId);
  });

  it('declined -> 1, cancelled on the terminal -> 2', async () => {
    const declined = await cli(['pay', '--amount', '3.00', '--reference', 'CLI-2', '--terminal', sim.admin.terminalByTid('VCMTILLDIP0')!.id, '--wait']);
    expect([declined.code, declined.json.status]).toEqual([1, 'declined']);
    const cancelled = await cli(['pay', '--amount', '3.00', '--reference', 'CLI-3', '--terminal', sim.admin.terminalByTid('VCMTILLCIP0')!.id, '--wait']);
    expect([cancelled.code, cancelled.json.status]).toEqual([2, 'cancelled']);
  });

  it('status of a payment that needs attention -> 3; by reference', async () => {
    sim.admin.injectFault({ kind: 'drop', method: 'POST', path: '/terminal-sessions' });
    const refund = services.payments().startUnlinkedRefund({ amount: 400, currency: 'GBP', reference: 'CLI-ATTN', terminalId: sim.admin.terminalByTid('VCMTILLSCP0')!.id });
    for (let i = 0; i < 200 && services.payments().get(refund.id).payment.status !== 'needs_attention'; i++) await new Promise((r) => setTimeout(r, 20));
    const { code, json } = await cli(['status', '--reference', 'CLI-ATTN']);
    expect(code).toBe(3);
    expect(json).toMatchObject({ paymentId: refund.id, status: 'needs_attention', attention: { instruction: expect.any(String) } });
  });

  it('without --wait: started -> 0 with the payment id; then refund and status', async () => {
    const started = await cli(['pay', '--amount', '20.00', '--reference', 'CLI-4', '--key', 'cli-key-4']);
    expect(started.code).toBe(0);
    expect(started.json).toEqual({ paymentId: expect.stringMatching(/^pay_/), status: 'starting', environment: 'production' });
    const done = await cli(['status', '--payment', started.json.paymentId, '--wait']);
    expect(done.code).toBe(0);
    const refund = await cli(['refund', '--reference', 'CLI-4', '--amount', '5.00', '--wait']);
    expect([refund.code, refund.json.type, refund.json.amount]).toEqual([0, 'MatchedRefund', 500]);
    // --terminal works for refunds as for sales (a till with no terminal chosen, or the card on another one).
    const other = sim.admin.terminalByTid('VCMTILLSCP0')!.id;
    const elsewhere = await cli(['refund', '--reference', 'CLI-4', '--amount', '1.00', '--terminal', other, '--wait']);
    expect([elsewhere.code, elsewhere.json.type, elsewhere.json.terminalId]).toEqual([0, 'MatchedRefund', other]);
  });

  it('refund above the supervisor threshold with --wait: waits for the PIN on the till, then follows the refund; declined there -> 1', async () => {
    await services.authority.setPin({ next: '246813', confirm: '246813' });
    const sale = await cli(['pay', '--amount', '150.00', '--reference', 'CLI-BIG', '--wait']);
    expect(sale.code).toBe(0);
    const waiting = cli(['refund', '--reference', 'CLI-BIG', '--amount', '60.00', '--wait']);
    // The supervisor answers on the till once the request shows (the CLI is still waiting).
    const pending = async () => {
      for (let i = 0; i < 500 && !services.epos.pendingRequests().length; i++) await new Promise((r) => setTimeout(r, 20));
      return services.epos.pendingRequests()[0]!;
    };
    const request = await pending();
    expect(request).toMatchObject({ kind: 'matched', amount: 6000 });
    await services.epos.confirmRequest({ requestId: request.requestId, amount: 6000, currency: 'GBP', supervisorPin: '246813' });
    const refund = await waiting;
    expect([refund.code, refund.json.type, refund.json.status, refund.json.amount]).toEqual([0, 'MatchedRefund', 'approved', 6000]);
    const declinedRun = cli(['refund', '--reference', 'CLI-BIG', '--amount', '60.00', '--wait']);
    services.epos.declineRequest((await pending()).requestId);
    const declined = await declinedRun;
    expect([declined.code, declined.json.status]).toEqual([1, 'declined']);
  });

  it('errors -> 4 with a message: bad amount, wrong token, companion not running', async () => {
    const badAmount = await cli(['pay', '--amount', '12.345', '--reference', 'X']);
    expect([badAmount.code, badAmount.json.error]).toEqual([4, expect.stringMatching(/--amount/)]);
    // A wrong token cannot verify the companion's proof either: nothing is sent, and the message names both causes.
    const badToken = await cli(['pay', '--amount', '1.00', '--reference', 'X'], { TILL_EPOS_TOKEN: 'wrong-token-000000000000000000' });
    expect([badToken.code, badToken.json.error]).toEqual([4, expect.stringMatching(/could not prove it is Till Companion.*token has changed/)]);
    const notRunning = await cli(['status', '--payment', 'pay_x', '--port', '9'], {});
    expect([notRunning.code, notRunning.json.error]).toEqual([4, expect.stringMatching(/not running/)]);
    const usage = await cli(['frobnicate']);
    expect(usage.code).toBe(4);
    expect(usage.stderr).toMatch(/Usage:/);
  });

  it('--token-stdin reads the token from standard input; --token still works but warns that ps shows it', async () => {
    const piped = await cli(['pay', '--amount', '1.50', '--reference', 'CLI-STDIN', '--token-stdin'], { TILL_EPOS_TOKEN: undefined }, `${TOKEN}\n`);
    expect([piped.code, piped.json.status]).toEqual([0, 'starting']);
    expect(piped.stderr).toBe('');
    const argv = await cli(['status', '--payment', piped.json.paymentId, '--wait', '--token', TOKEN], { TILL_EPOS_TOKEN: undefined });
    expect(argv.code).toBe(0);
    expect(argv.stderr).toMatch(/--token shows the EPOS token to every program on this computer/);
  });

  it('a companion outside production: pay needs --environment (or TILL_ENVIRONMENT) naming it, and every result exits 5', async () => {
    const sandboxPort = String(sandbox.epos.info().port);
    const refused = await cli(['pay', '--amount', '1.00', '--reference', 'SBX-1', '--wait', '--port', sandboxPort]);
    expect([refused.code, refused.json.problem.code]).toEqual([4, 'ENVIRONMENT_NOT_CONFIRMED']);
    const wrong = await cli(['pay', '--amount', '1.00', '--reference', 'SBX-1', '--wait', '--port', sandboxPort], { TILL_ENVIRONMENT: 'training' });
    expect([wrong.code, wrong.json.problem.code]).toEqual([4, 'ENVIRONMENT_MISMATCH']);
    const approved = await cli(['pay', '--amount', '1.00', '--reference', 'SBX-1', '--wait', '--port', sandboxPort, '--environment', 'sandbox']);
    expect([approved.code, approved.json.status, approved.json.environment]).toEqual([5, 'approved', 'sandbox']);
    const declined = await cli(['pay', '--amount', '1.00', '--reference', 'SBX-2', '--wait', '--port', sandboxPort, '--terminal', sandboxSim.admin.terminalByTid('VCMTILLDIP0')!.id], { TILL_ENVIRONMENT: 'sandbox' });
    expect([declined.code, declined.json.status]).toEqual([5, 'declined']);
    const started = await cli(['pay', '--amount', '1.00', '--reference', 'SBX-3', '--port', sandboxPort, '--environment', 'sandbox']);
    expect([started.code, started.json.environment]).toEqual([5, 'sandbox']);
    const bad = await cli(['pay', '--amount', '1.00', '--reference', 'SBX-4', '--port', sandboxPort, '--environment', 'live']);
    expect([bad.code, bad.json.error]).toEqual([4, expect.stringMatching(/training, sandbox or production/)]);
    await cli(['status', '--payment', started.json.paymentId, '--wait', '--port', sandboxPort]);
  }, 90_000); // seven CLI processes, each a fresh Node start: slow on a shared 2-core machine
});

describe('an answer lost or unproven once the request was sent (never "nothing started")', () => {
  /** The CLI in this process, on real HTTP to the companion; `after` decides what each request returns once sent. */
  async function run(args: string[], after: (method: string, url: string, response: Response) => Response | never) {
    let out = '';
    const code = await runCli(args, {
      fetch: async (url, init) => after(init?.method ?? 'GET', String(url), await fetch(url, init)),
      storedToken: async () => TOKEN,
      stdin: async () => '',
      env: { TILL_EPOS_PORT: String(port) },
      out: (text) => (out += text),
      err: () => {},
    });
    return { code, json: JSON.parse(out) };
  }
  const connectionReset = () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
  };
  const forged = () => new Response('{"status":"approved"}', { status: 200, headers: { 'till-proof': 'forged' } });
  /** Waits for the payment the companion started for `reference` to end (one per terminal), and returns it. */
  const settle = async (reference: string) => {
    const [payment] = services.epos.operations.byReference(reference);
    if (payment) await cli(['status', '--payment', payment.id, '--wait']);
    return payment;
  };

  it('the sale\'s own answer is lost after the request went out: exit 3, outcome unknown (it did start)', async () => {
    const lost = await run(['pay', '--amount', '2.00', '--reference', 'CLI-LOST-1', '--wait'], (method, _url, response) => (method === 'POST' ? connectionReset() : response));
    expect(await settle('CLI-LOST-1'), 'the companion started it').toBeDefined();
    expect([lost.code, lost.json.status]).toEqual([3, 'unknown']);
    expect(lost.json.error).toMatch(/may have started.*companion's screen/);
  });

  it('the sale\'s own answer cannot be proven: exit 3, outcome unknown (the token and the sale did go out)', async () => {
    const unproven = await run(['pay', '--amount', '2.00', '--reference', 'CLI-LOST-2', '--wait'], (method, _url, response) => (method === 'POST' ? forged() : response));
    expect(await settle('CLI-LOST-2'), 'the companion started it').toBeDefined();
    expect([unproven.code, unproven.json.status]).toEqual([3, 'unknown']);
  });

  it('after the start, a companion that stops answering or cannot prove an answer leaves the payment unknown (exit 3, with its id)', async () => {
    const silent = await run(['pay', '--amount', '2.00', '--reference', 'CLI-LOST-3', '--wait'], (method, url, response) => (method === 'GET' && url.includes('/v1/payments/') ? connectionReset() : response));
    const first = await settle('CLI-LOST-3');
    expect([silent.code, silent.json.status, silent.json.paymentId]).toEqual([3, 'unknown', first?.id]);
    const unproven = await run(['pay', '--amount', '2.00', '--reference', 'CLI-LOST-4', '--wait'], (method, url, response) => (method === 'GET' && url.includes('/v1/payments/') ? forged() : response));
    const second = await settle('CLI-LOST-4');
    expect([unproven.code, unproven.json.status, unproven.json.paymentId]).toEqual([3, 'unknown', second?.id]);
  });
});

describe('a program squatting on the EPOS port', () => {
  it('is refused by the CLI before the token leaves it (exit 4), is shown on the till and in the log, and loses the port once it goes', async () => {
    // It answers like the companion would, approving everything, and keeps what it is sent.
    const seen: { url: string; authorization?: string }[] = [];
    const squatter = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      res.writeHead(req.method === 'POST' ? 202 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url?.startsWith('/v1/health') ? { status: 'ok' } : { paymentId: 'pay_fake', status: 'approved', amount: 1250, updatedAt: 'x' }));
    });
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const squatted = (squatter.address() as AddressInfo).port;
    const lines: string[] = [];
    const statuses: string[] = [];
    const companion = await createServices(
      nodeAdapters({ host: 'test', dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'till-squat-')), logger: createLogger((line) => lines.push(line)), secrets: new MemorySecretStore(), env: { TILL_EPOS_PORT: String(squatted), TILL_EPOS_TOKEN: TOKEN, TILL_EPOS_RETRY_MS: '100', TILL_TRAINING_SIM_SPEED: '40' } }),
    );
    try {
      companion.events.on('epos:status', (status) => statuses.push(status.state));
      // The till: a status the screen shows, in words for the cashier; and an error line in the log.
      expect(companion.epos.info()).toMatchObject({ state: 'port_in_use', url: null, error: expect.stringMatching(new RegExp(`another program is using port ${squatted}.*Payments on this screen still work`)) });
      expect(lines.some((line) => JSON.parse(line).level === 'error' && /could not listen: the port is in use/.test(line))).toBe(true);

      const refused = await cli(['pay', '--amount', '12.50', '--reference', 'SQUAT-1', '--wait'], { TILL_EPOS_PORT: String(squatted) });
      expect(refused.code).toBe(4);
      expect(refused.json.error).toMatch(new RegExp(`program answering on 127.0.0.1:${squatted} could not prove it is Till Companion`));
      expect(seen.map((s) => s.url)).toEqual(['/v1/health']); // the challenge only: no sale was sent
      expect(seen.filter((s) => s.authorization)).toEqual([]); // and never the token

      // The squatter leaves: the companion takes the port by itself and the CLI works.
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
      for (let i = 0; i < 500 && companion.epos.info().state !== 'listening'; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(companion.epos.info()).toMatchObject({ state: 'listening', error: null, port: squatted });
      expect(statuses.at(-1)).toBe('listening');
      const status = await cli(['status', '--reference', 'NOPE'], { TILL_EPOS_PORT: String(squatted) });
      expect([status.code, status.json.error]).toEqual([4, 'No payment with reference "NOPE".']);
    } finally {
      squatter.close();
      await companion.close();
    }
  });
});
