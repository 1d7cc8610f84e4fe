// Secret leak scan: a full run with a recognisable API key and a recognisable EPOS token (key set through the
// renderer's channel, a sale through the EPOS API, a refund, the support bundle), then a search of everything
// the app wrote or showed: logs, journals, settings, renderer-visible data, crash dumps and the support bundle.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createHandlers } from '../../src/main/handlers';
import { createDispatcher } from '../../src/main/ipc/dispatcher';
import { createLogger } from '../../src/main/logging/logger';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices } from '../../src/main/services';
import { startSimulator } from '../../src/simulator';
import { runStandalone, type CheckResult } from './report';

const KEY = 'sk_sandbox_LEAKSCANKEY_5c1e9a7b3d';
const TOKEN = 'epos-LEAKSCANTOKEN-8f2b6d4a0c9e7b5a3f1d';
const NEEDLES = [KEY, 'LEAKSCANKEY_5c1e9a7b3d', TOKEN, 'LEAKSCANTOKEN'];

/** Every file under a folder, as text (binary files searched as latin1), including zip entries inflated. */
function contents(file: string): string {
  const raw = fs.readFileSync(file);
  if (!file.endsWith('.zip')) return raw.toString('latin1');
  const parts: string[] = [];
  for (let offset = raw.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04])); offset >= 0; offset = raw.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]), offset + 4)) {
    const start = offset + 30 + raw.readUInt16LE(offset + 26) + raw.readUInt16LE(offset + 28);
    try {
      parts.push(zlib.inflateRawSync(raw.subarray(start)).toString('latin1'));
    } catch {
      parts.push(raw.subarray(start, start + 65_536).toString('latin1'));
    }
  }
  return parts.join('\n');
}

export async function run(): Promise<CheckResult> {
  const sim = await startSimulator({ speed: 40 });
  sim.admin.acceptKeys([KEY]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-leakscan-'));
  const logFile = path.join(dir, 'logs', 'main.log');
  fs.mkdirSync(path.dirname(logFile));
  // The logger exists before the services whose EPOS token it must redact: it asks for the secrets late.
  const late: { secrets: () => string[] } = { secrets: () => [] };
  const logger = createLogger((line) => fs.appendFileSync(logFile, `${line}\n`), () => late.secrets());
  const services = await createServices({
    ...nodeAdapters({ host: 'web-harness', dataDir: dir, logger, secrets: new MemorySecretStore(), env: { DOJO_API_BASE_URL: sim.url, TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: TOKEN, TILL_TRAINING_SIM_SPEED: '40' } }),
    logFiles: () => [logFile],
  });
  late.secrets = () => services.epos.secrets();
  const rendererSaw: string[] = [];
  services.events.on('payment:update', (view) => rendererSaw.push(JSON.stringify(view)));
  const dispatch = createDispatcher(createHandlers(services), logger);
  const ipc = async (channel: string, request?: unknown) => {
    const result = await dispatch(channel, request);
    rendererSaw.push(JSON.stringify(result));
    return result as { ok: boolean; data?: any };
  };

  await ipc('settings:setSupervisorPin', { next: '246813', confirm: '246813' });
  await ipc('settings:setApiKey', { apiKey: KEY, supervisorPin: '246813' });
  await ipc('settings:update', { terminalId: sim.admin.terminalByTid('VCMTILLSIP0')!.id });
  await ipc('epos:info');
  // The token is shown to a supervisor (with the PIN) in Settings: allowed there only.
  const eposInfo = await ipc('epos:revealToken', { supervisorPin: '246813' });
  const base = services.epos.info().url!;
  const epos = async (method: string, route: string, body?: unknown) =>
    (await fetch(`${base}${route}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'till-environment': 'sandbox' }, ...(body ? { body: JSON.stringify(body) } : {}) })).json() as Promise<any>;
  const sale = await epos('POST', '/v1/sales', { amount: 4321, currency: 'GBP', reference: 'LEAK-SCAN' });
  let payment = await epos('GET', `/v1/payments/${sale.paymentId}`);
  while (['starting', 'in_progress'].includes(payment.status)) payment = await epos('GET', `/v1/payments/${sale.paymentId}?wait=5&since=${encodeURIComponent(payment.updatedAt)}`);
  const refund = await epos('POST', '/v1/refunds', { paymentId: sale.paymentId, amount: 1000 });
  while ((await epos('GET', `/v1/payments/${refund.paymentId}`)).status !== 'approved') await new Promise((r) => setTimeout(r, 50));
  await epos('GET', '/v1/payments/pay_does_not_exist');
  await fetch(`${base}/v1/terminals`, { headers: { authorization: 'Bearer wrong-token' } });
  for (const channel of ['app:info', 'settings:get', 'history:list', 'payment:listActive', 'history:exportCsv', 'audit:list']) await ipc(channel, channel.startsWith('history') || channel === 'audit:list' ? {} : undefined);
  const bundle = await ipc('support:exportBundle');
  fs.writeFileSync(path.join(dir, 'support-bundle.zip'), Buffer.from(bundle.data.base64, 'base64'));
  await services.close();
  await sim.close();

  // Renderer-visible data may hold the EPOS token only in the one place made to show it (Settings).
  const shown = rendererSaw.filter((text) => text !== JSON.stringify(eposInfo));
  const places: Record<string, string> = { 'renderer-visible data': shown.join('\n') };
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else places[path.relative(dir, full)] = contents(full);
    }
  };
  walk(dir);
  const dumps = Object.keys(places).filter((f) => /\.(dmp|crash)$/.test(f));
  const failures: string[] = [];
  for (const [place, text] of Object.entries(places)) for (const needle of NEEDLES) if (text.includes(needle)) failures.push(`${needle.slice(0, 12)}… found in ${place}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const scanned = Object.keys(places);
  return {
    name: 'secret leak scan',
    passed: scanned.length - new Set(failures.map((f) => f.split(' found in ')[1])).size,
    total: scanned.length,
    figures: { 'places scanned': scanned.join(', '), 'crash dumps': dumps.length },
    failures,
  };
}

if (require.main === module) runStandalone(() => run());
