// Fraud review item 2: every answer the folder exchange writes carries a proof line (HMAC with the EPOS token, the
// construction of the HTTP API's Till-Proof), and the guide's verification procedure — its Python block, run as
// written — accepts the companion's answers and refuses tampered or forged ones. Real files, the real service graph,
// the simulator over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices, type Services } from '../../src/main/services';
import { fileProofFor } from '../../src/main/integration/proof';
import { startSimulator, type Simulator } from '../../src/simulator';
import { FileEpos, kv, waitUntil } from '../support/exchange-files';

const TOKEN = 'exchange-proof-token-7c6b5a4d3e2f';
const guide = fs.readFileSync('docs/epos-integration.md', 'utf8');
const section = /### Checking that an answer is the companion's([\s\S]*?)\n### /.exec(guide)?.[1] ?? '';
const verifier = /```python\n([\s\S]*?)```/.exec(section)?.[1];
const worked = /\*\*Worked example\.\*\* Token `([^`]+)`[\s\S]*?```text\n([\s\S]*?)```/.exec(section);
const python = spawnSync('python3', ['--version']).status === 0;

let sim: Simulator;
let services: Services;
let dir: string;
let epos: FileEpos;
const secrets = new MemorySecretStore({ 'dojo-api-key': 'sk_sandbox_exchange_proof_key' });
const ended = (a: Record<string, any>) => !['starting', 'in_progress', 'signature_required'].includes(a['status']);

async function start(): Promise<Services> {
  const started = await createServices(
    nodeAdapters({ host: 'test', dataDir: path.join(dir, 'data'), secrets, env: { DOJO_API_BASE_URL: sim.url, TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: TOKEN, TILL_EXCHANGE_DIR: epos.folder, TILL_EXCHANGE_SCAN_MS: '250' } }),
  );
  await started.updateSettings({ terminalId: sim.admin.terminalByTid('VCMTILLSIP0')!.id });
  return started;
}

/** The guide's verifier, run as written on a file: 0 and "Written by Till Companion", or non-zero and why. */
function verify(file: string, token = TOKEN): { ok: boolean; out: string } {
  const tokenFile = path.join(dir, `token-${token.length}`);
  fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const run = spawnSync('python3', ['-c', verifier!, file], { env: { ...process.env, TILL_EPOS_TOKEN_FILE: tokenFile }, encoding: 'utf8' });
  return { ok: run.status === 0 && run.stdout.trim() === 'Written by Till Companion', out: `${run.stdout}${run.stderr}`.trim() };
}

/** A copy of an answer under the same name in a scratch folder, changed by `edit` (what a forger could write). */
function tampered(answer: string, edit: (bytes: Buffer) => Buffer | string, name = path.basename(answer)): string {
  const scratch = fs.mkdtempSync(path.join(dir, 'forged-'));
  const file = path.join(scratch, name);
  fs.writeFileSync(file, edit(fs.readFileSync(answer)));
  return file;
}

beforeAll(async () => {
  sim = await startSimulator({ speed: 40 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-exchange-proof-'));
  epos = new FileEpos(path.join(dir, 'exchange'));
  services = await start();
});
afterAll(async () => {
  await services?.close();
  await sim?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('folder exchange: proof lines on answers', () => {
  it('the guide has the procedure, a worked example and a verifier', () => {
    expect(verifier).toMatch(/till-companion-file-proof-v1/);
    expect(worked?.[1]).toBeTruthy();
  });

  it('the worked example is right: the proof in the guide is the companion\'s for that file', () => {
    const [, token, text] = worked!;
    const file = text!.replace(/\n/g, '\r\n');
    const [proofLine, ...rest] = file.split('\r\n');
    expect(proofLine).toBe(`proof=${fileProofFor(token!, 'ORDER4711.res', rest.join('\r\n'))}`);
  });

  it.skipIf(!python)('the guide\'s verifier accepts the worked example and refuses it with the total or status changed', () => {
    const [, token, text] = worked!;
    const file = path.join(fs.mkdtempSync(path.join(dir, 'worked-')), 'ORDER4711.res');
    fs.writeFileSync(file, text!.replace(/\n/g, '\r\n'));
    expect(verify(file, token)).toMatchObject({ ok: true });
    expect(verify(tampered(file, (b) => b.toString('utf8').replace('total=1250', 'total=125000')), token).ok).toBe(false);
  });

  it.skipIf(!python)('a sale\'s .ack, .status and .res check out with the guide\'s procedure; tampered or forged copies do not', async () => {
    epos.sale('PROOF-1', { environment: 'sandbox' });
    const result = await epos.waitFor('responses', 'PROOF-1.res', { until: ended });
    expect(result).toMatchObject({ status: 'approved', proof: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const res = epos.path('responses', 'PROOF-1.res');
    expect(verify(res)).toEqual({ ok: true, out: 'Written by Till Companion' });
    expect(verify(epos.path('responses', 'PROOF-1.ack')).ok).toBe(true);
    if (epos.has('responses', 'PROOF-1.status')) expect(verify(epos.path('responses', 'PROOF-1.status')).ok).toBe(true);

    const forgeries = {
      'the amount changed': tampered(res, (b) => b.toString('utf8').replace(/^total=\d+/m, 'total=99999')),
      'the status changed': tampered(res, (b) => b.toString('utf8').replace(/^status=approved/m, 'status=declined')),
      'a line added': tampered(res, (b) => `${b.toString('utf8')}note=paid in full\r\n`),
      'the proof line removed': tampered(res, (b) => b.toString('utf8').replace(/^proof=.*\r\n/, '')),
      'a proof made up': tampered(res, (b) => b.toString('utf8').replace(/^proof=.*\r\n/, `proof=${'A'.repeat(43)}\r\n`)),
      'signed with another token': tampered(res, (b) => {
        const content = b.toString('utf8').replace(/^proof=.*\r\n/, '');
        return `proof=${fileProofFor('not-the-epos-token-000000', 'PROOF-1.res', content)}\r\n${content}`;
      }),
      'the .ack passed off as the result': tampered(epos.path('responses', 'PROOF-1.ack'), (b) => b, 'PROOF-1.res'),
      'another id\'s result': tampered(res, (b) => b, 'PROOF-2.res'),
    };
    for (const [what, file] of Object.entries(forgeries)) {
      const check = verify(file);
      expect({ what, ok: check.ok }).toEqual({ what, ok: false });
      expect(check.out).toMatch(/Do not record this result/);
    }
  });

  it.skipIf(!python)('JSON answers stay JSON, with the proof as their first member, and check out the same way', async () => {
    epos.send('PROOF-JSON', { type: 'sale', amount: 700, currency: 'GBP', reference: 'Proof JSON', environment: 'sandbox' });
    const result = await epos.waitFor('responses', 'PROOF-JSON.res', { until: ended });
    expect(Object.keys(result)[0]).toBe('proof');
    expect(verify(epos.path('responses', 'PROOF-JSON.res')).ok).toBe(true);
    const changed = tampered(epos.path('responses', 'PROOF-JSON.res'), (b) => b.toString('utf8').replace('"amount": 700', '"amount": 70000'));
    expect(verify(changed).ok).toBe(false);
  });

  it.skipIf(!python)('a refusal (.err) checks out too', async () => {
    epos.send('PROOF-BAD', kv({ type: 'sale', amount: 'twelve', currency: 'GBP', reference: 'x', environment: 'sandbox' }));
    await epos.waitFor('responses', 'PROOF-BAD.err');
    expect(verify(epos.path('responses', 'PROOF-BAD.err')).ok).toBe(true);
  });

  it.skipIf(!python)('a forged "approved" .res left while the companion was closed is not taken for the result: the request runs and the real one replaces it', async () => {
    await services.close();
    const declining = sim.admin.terminalByTid('VCMTILLDIP0')!.id;
    epos.sale('PROOF-FORGED', { environment: 'sandbox', terminal: declining });
    fs.writeFileSync(epos.path('responses', 'PROOF-FORGED.res'), kv({ proof: 'A'.repeat(43), id: 'PROOF-FORGED', status: 'approved', environment: 'sandbox', type: 'sale', amount: 1250, currency: 'GBP', total: 1250 }));
    expect(verify(epos.path('responses', 'PROOF-FORGED.res')).ok).toBe(false);
    services = await start();
    const real = await waitUntil('the real result', () => {
      const answer = epos.has('responses', 'PROOF-FORGED.res') ? epos.read('responses', 'PROOF-FORGED.res') : undefined;
      return answer && answer['proof'] !== 'A'.repeat(43) && ended(answer) ? answer : undefined;
    });
    expect(real['status']).toBe('declined');
    expect(verify(epos.path('responses', 'PROOF-FORGED.res')).ok).toBe(true);
  });
});
