// Simulator throughput: GET /terminals and whole sale flows with 20 concurrent clients, against a bare
// node:http server answering the same JSON (the baseline, measured in the same run).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator } from '../src/simulator';

const HEADERS = { authorization: 'Basic sk_sandbox_bench_key', version: '2026-02-27', 'software-house-id': 'softwareHouse1', 'reseller-id': 'reseller1', 'content-type': 'application/json' };
const CLIENTS = 20;

async function hammer(url: string, durationMs: number): Promise<number> {
  let done = 0;
  const until = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) {
        const response = await fetch(url, { headers: HEADERS });
        await response.arrayBuffer();
        done++;
      }
    }),
  );
  return done / (durationMs / 1000);
}

export async function run() {
  const sim = await startSimulator({ speed: 2_000 });
  const terminalsBody = JSON.stringify(sim.admin.snapshot().terminals.map(({ activeSessionId: _a, ...t }) => t));
  const bare = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(terminalsBody);
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/terminals`;

  await hammer(bareUrl, 300); // warm-up
  await hammer(`${sim.url}/terminals`, 300);
  const baselineRps = await hammer(bareUrl, 2_000);
  const terminalsRps = await hammer(`${sim.url}/terminals`, 2_000);

  // Whole sale flows: intent -> session -> poll until Captured, one terminal per client.
  const terminals = Array.from({ length: CLIENTS }, (_, i) => sim.admin.addTerminal({ tid: `VCMB${String(i).padStart(3, '0')}SCP0` }).id);
  let flows = 0;
  let requests = 0;
  const call = async (method: string, path: string, body?: unknown) => {
    requests++;
    const response = await fetch(`${sim.url}${path}`, { method, headers: HEADERS, ...(body ? { body: JSON.stringify(body) } : {}) });
    return (await response.json()) as { id: string; status: string };
  };
  const until = performance.now() + 3_000;
  const started = performance.now();
  await Promise.all(
    terminals.map(async (terminalId) => {
      while (performance.now() < until) {
        const intent = await call('POST', '/payment-intents', { amount: { value: 500, currencyCode: 'GBP' }, reference: 'bench' });
        const session = await call('POST', '/terminal-sessions', { terminalId, details: { sessionType: 'Sale', sale: { paymentIntentId: intent.id } } });
        let status = session.status;
        while (status !== 'Captured') status = (await call('GET', `/terminal-sessions/${session.id}`)).status;
        await call('GET', `/payment-intents/${intent.id}`);
        flows++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  bare.close();
  await sim.close();

  const result = {
    bench: 'sim',
    concurrentClients: CLIENTS,
    getTerminalsRps: Math.round(terminalsRps),
    bareHttpBaselineRps: Math.round(baselineRps),
    getTerminalsRatioVsBareHttp: Number((terminalsRps / baselineRps).toFixed(3)),
    saleFlowsPerSecond: Number((flows / seconds).toFixed(1)),
    saleFlowRequestsPerSecond: Math.round(requests / seconds),
    saleFlowRequestRatioVsBareHttp: Number((requests / seconds / baselineRps).toFixed(3)),
  };
  process.stdout.write(
    `GET /terminals: ${result.getTerminalsRps} req/s (bare node:http with the same body: ${result.bareHttpBaselineRps} req/s, ratio ${result.getTerminalsRatioVsBareHttp})\n` +
      `sale flows, ${CLIENTS} clients: ${result.saleFlowsPerSecond} flows/s (${result.saleFlowRequestsPerSecond} req/s)\n`,
  );
  return result;
}
