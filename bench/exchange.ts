// Folder exchange figures: 100 requests written at once, the time from each rename to its acknowledgement
// (`responses/<id>.ack`), against the baseline of the same 100 sales sent at once to the HTTP API (request sent ->
// 202 Accepted), through the same service graph and the same engine, in the same run. Both doors journal the
// payment before answering. Also: from the first request, the time until every result file is there, against the
// time until every HTTP payment has ended.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeAdapters } from '../src/main/node-adapters';
import { MemorySecretStore } from '../src/main/secrets/secret-store';
import { createServices } from '../src/main/services';
import { startSimulator } from '../src/simulator';

const COUNT = 100;
const TOKEN = 'bench-exchange-epos-token-0123456789';
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
};
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

async function until(what: string, probe: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const sim = await startSimulator({ speed: 40 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-exchange-'));
  const folder = path.join(dir, 'exchange');
  const services = await createServices({
    ...nodeAdapters({
      host: 'test',
      dataDir: path.join(dir, 'data'),
      secrets: new MemorySecretStore({ 'dojo-api-key': 'sk_sandbox_bench_exchange_key' }),
      env: { DOJO_API_BASE_URL: sim.url, TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: TOKEN, TILL_EXCHANGE_DIR: folder, TILL_EXCHANGE_MAX_PENDING: String(COUNT * 2) },
    }),
    // The baseline is the engine path behind the HTTP API, not its load caps (32 connections, a burst of 60
    // requests): 100 sales at once would otherwise be answered 503/429 in part, as the caps intend.
    eposLimits: { connections: COUNT * 2, rate: { perSecond: COUNT * 10, burst: COUNT * 2 } },
  });
  try {
    const terminals = Array.from({ length: COUNT * 2 }, (_, i) => sim.admin.addTerminal({ tid: `VCMBENCH${i}SIP0` }).id);
    const api = services.epos.info().url!;

    // Baseline: the HTTP API, 100 sales at once.
    const httpAccepted: number[] = [];
    const httpStart = performance.now();
    const paymentIds = await Promise.all(
      terminals.slice(0, COUNT).map(async (terminalId, i) => {
        const sent = performance.now();
        const response = await fetch(`${api}/v1/sales`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': `bench-http-${i}`, 'till-environment': 'sandbox' },
          body: JSON.stringify({ amount: 100 + i, currency: 'GBP', reference: `HTTP ${i}`, terminalId }),
        });
        httpAccepted.push(performance.now() - sent);
        const body = (await response.json()) as { paymentId: string };
        if (response.status !== 202) throw new Error(`the HTTP baseline was refused: ${response.status} ${JSON.stringify(body)}`);
        return body.paymentId;
      }),
    );
    await until('the HTTP payments to end', () => paymentIds.every((id) => services.payments().payment(id).status === 'approved'));
    const httpAllDoneMs = performance.now() - httpStart;

    // The exchange: 100 requests renamed into requests/ at once.
    const written = new Map<string, number>();
    const acked = new Map<string, number>();
    const watcher = fs.watch(path.join(folder, 'responses'), (_event, name) => {
      if (name?.endsWith('.ack')) {
        const id = name.slice(0, -4);
        if (!acked.has(id)) acked.set(id, performance.now());
      }
    });
    const fileStart = performance.now();
    terminals.slice(COUNT).forEach((terminal, i) => {
      const id = `BENCH${i}`;
      const temp = path.join(folder, 'requests', `${id}.tmp`);
      fs.writeFileSync(temp, `type=sale\r\namount=${100 + i}\r\ncurrency=GBP\r\nreference=File ${i}\r\nterminal=${terminal}\r\nenvironment=sandbox\r\n`);
      fs.renameSync(temp, path.join(folder, 'requests', `${id}.req`));
      written.set(id, performance.now());
    });
    await until('every acknowledgement', () => acked.size === COUNT);
    await until('every result', () => [...written.keys()].every((id) => fs.existsSync(path.join(folder, 'responses', `${id}.res`))));
    const fileAllDoneMs = performance.now() - fileStart;
    watcher.close();
    const ackLatency = [...written].map(([id, at]) => acked.get(id)! - at);

    const exchangeAckP50Ms = round(quantile(ackLatency, 0.5), 1);
    const exchangeAckP95Ms = round(quantile(ackLatency, 0.95), 1);
    const httpAcceptP50Ms = round(quantile(httpAccepted, 0.5), 1);
    const httpAcceptP95Ms = round(quantile(httpAccepted, 0.95), 1);
    process.stdout.write(`exchange ack after rename: p50 ${exchangeAckP50Ms} ms, p95 ${exchangeAckP95Ms} ms (${COUNT} at once)\n`);
    process.stdout.write(`HTTP API 202 after send:   p50 ${httpAcceptP50Ms} ms, p95 ${httpAcceptP95Ms} ms (${COUNT} at once, baseline)\n`);
    process.stdout.write(`all ${COUNT} results: exchange ${round(fileAllDoneMs, 0)} ms, HTTP ${round(httpAllDoneMs, 0)} ms\n`);
    return {
      bench: 'exchange',
      requests: COUNT,
      exchangeAckP50Ms,
      exchangeAckP95Ms,
      httpAcceptP50Ms,
      httpAcceptP95Ms,
      ackP95RatioVsHttp: round(exchangeAckP95Ms / httpAcceptP95Ms),
      allResultsRatioVsHttp: round(fileAllDoneMs / httpAllDoneMs),
    };
  } finally {
    await services.close();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
