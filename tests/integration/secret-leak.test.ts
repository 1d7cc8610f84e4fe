import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHandlers } from '../../src/main/handlers';
import { createDispatcher } from '../../src/main/ipc/dispatcher';
import { createLogger } from '../../src/main/logging/logger';
import { nodeAdapters } from '../../src/main/node-adapters';
import { createServices } from '../../src/main/services';
import { startWebHarness } from '../../src/web-harness/server/harness';
import { startSimulator } from '../../src/simulator';

/**
 * Sets a recognisable key through the web harness (as the renderer would), runs a sale, and scans everything the
 * renderer received, the logs, the settings file and the journal databases: the key must appear nowhere.
 */
describe('the API key never leaks', () => {
  it('is absent from renderer-visible data, logs, settings and journals after a full sale', async () => {
    const KEY = 'sk_sandbox_LEAKCANARY_7f3a9c21e5';
    const needles = [KEY, 'LEAKCANARY_7f3a9c21e5'];
    const sim = await startSimulator({ speed: 40 });
    sim.admin.acceptKeys([KEY]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-leak-'));
    const logs: string[] = [];
    const logger = createLogger((line) => logs.push(line));
    const services = await createServices(nodeAdapters({ host: 'web-harness', dataDir: dir, logger, env: { DOJO_API_BASE_URL: sim.url, TILL_TRAINING_SIM_SPEED: '40' } }));
    const bridge = path.join(dir, 'bridge.js');
    fs.writeFileSync(bridge, '');
    fs.mkdirSync(path.join(dir, 'renderer'));
    fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<html><head></head><body></body></html>');
    const token = 'leak-test-token-0123456789';
    const harness = await startWebHarness({ dispatch: createDispatcher(createHandlers(services), logger), events: services.events, rendererDir: path.join(dir, 'renderer'), bridgeScriptPath: bridge, token });

    const received: string[] = [];
    const events = await fetch(`${harness.url}/__harness/events`, { headers: { 'x-till-harness-token': token } });
    const reader = events.body!.getReader();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) break;
        received.push(new TextDecoder().decode(value));
      }
    })();
    const call = async (channel: string, request?: unknown) => {
      const response = await fetch(`${harness.url}/__harness/ipc/${channel}`, { method: 'POST', headers: { 'x-till-harness-token': token, 'content-type': 'application/json' }, body: JSON.stringify({ request }) });
      const text = await response.text();
      received.push(text);
      return JSON.parse(text);
    };

    expect((await call('settings:setSupervisorPin', { next: '246813', confirm: '246813' })).ok).toBe(true);
    expect((await call('settings:setApiKey', { apiKey: KEY, supervisorPin: '246813' })).ok).toBe(true);
    await call('settings:get');
    await call('app:info');
    const terminals = (await call('terminals:list')).data.terminals;
    await call('settings:update', { terminalId: terminals[0].id });
    const sale = (await call('payment:startSale', { amount: 4321, currency: 'GBP', reference: 'Leak test', terminalId: terminals.find((t: { tid: string }) => t.tid === 'VCMTILLSIP0').id })).data;
    for (let i = 0; i < 300; i++) {
      const { data } = await call('payment:get', { paymentId: sale.id });
      if (data.payment.status === 'approved') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await call('history:list', {});
    await call('history:exportCsv', {});
    await call('payment:listActive');
    await reader.cancel();
    await harness.close();
    await services.close();
    await sim.close();

    expect(received.join('\n')).toContain('Leak test');
    const places: Record<string, string> = {
      'renderer-visible data': received.join('\n'),
      logs: logs.join('\n'),
    };
    for (const file of fs.readdirSync(dir)) {
      if (file.endsWith('.sqlite') || file.endsWith('-wal') || file === 'settings.json') places[file] = fs.readFileSync(path.join(dir, file), 'latin1');
    }
    expect(Object.keys(places)).toEqual(expect.arrayContaining(['settings.json', 'journal-sandbox.sqlite']));
    for (const [place, content] of Object.entries(places)) {
      for (const needle of needles) expect(content.includes(needle), `${needle} found in ${place}`).toBe(false);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
