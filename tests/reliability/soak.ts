// Soak: many sales at simulator speed; the service process's memory (after GC) must stay within ±10% of its
// level after warm-up with no growth in open handles, and so must the renderer's (web harness in Chromium).
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator } from '../../src/simulator';
import { CHROMIUM_ARGS, chromiumExecutable } from '../support/browser';
import { chooseTerminalOnPage, saleOnPage, startHarnessProcess } from '../support/till-process';
import { runStandalone, type CheckResult, type Profile } from './report';

async function serviceSoak(sales: number) {
  const sim = await startSimulator({ speed: 1_000 });
  const terminals = Array.from({ length: 50 }, (_, i) => sim.admin.addTerminal({ tid: `VCMK${String(i).padStart(3, '0')}SCP0` }).id);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'tests/reliability/soak-worker.ts', sim.url, String(sales), JSON.stringify(terminals)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`soak worker exited ${code}`))));
  });
  await sim.close();
  return JSON.parse(output.trim().split('\n').at(-1)!) as { done: number; approved: number; warm: { heapMb: number; handles: number }; end: { heapMb: number; handles: number } };
}

async function rendererSoak(sales: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-soak-ui-'));
  // Port 0: the harness takes a free port and prints its address (other runs and checks never meet it).
  const harness = await startHarnessProcess({ port: 0, token: 'soak', dataDir, env: { TILL_TRAINING_SIM_SPEED: '100' } });
  const executablePath = chromiumExecutable();
  const browser = await chromium.launch({ args: CHROMIUM_ARGS, ...(executablePath ? { executablePath } : {}) });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(harness.pageUrl);
    await chooseTerminalOnPage(page, 'VCMTILLSCP0');
    const cdp = await context.newCDPSession(page);
    const heapMb = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize / 1024 / 1024;
    };
    let warm = 0;
    for (let i = 0; i < sales; i++) {
      await saleOnPage(page, String(100 + (i % 900)));
      if (i === Math.round(sales * 0.3)) warm = await heapMb();
    }
    return { warm, end: await heapMb() };
  } finally {
    await browser.close();
    harness.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(profile: Profile = 'quick'): Promise<CheckResult> {
  const sales = profile === 'full' ? 5_000 : 1_000;
  const uiSales = profile === 'full' ? 1_000 : 200;
  const failures: string[] = [];
  const service = await serviceSoak(sales);
  const serviceGrowth = service.end.heapMb / service.warm.heapMb - 1;
  if (service.done !== sales) failures.push(`${service.done} of ${sales} sales finished`);
  if (Math.abs(serviceGrowth) > 0.1) failures.push(`service heap ${service.warm.heapMb.toFixed(1)} -> ${service.end.heapMb.toFixed(1)} MB (${(serviceGrowth * 100).toFixed(1)}%)`);
  if (service.end.handles > service.warm.handles) failures.push(`open handles grew ${service.warm.handles} -> ${service.end.handles}`);
  const ui = await rendererSoak(uiSales);
  const uiGrowth = ui.end / ui.warm - 1;
  if (Math.abs(uiGrowth) > 0.1) failures.push(`renderer heap ${ui.warm.toFixed(1)} -> ${ui.end.toFixed(1)} MB (${(uiGrowth * 100).toFixed(1)}%)`);
  return {
    name: 'soak',
    passed: 3 - new Set(failures.map((f) => f.split(' ')[0])).size,
    total: 3,
    figures: {
      'service sales': `${service.done} (${service.approved} approved)`,
      'service heap MB (warm -> end)': `${service.warm.heapMb.toFixed(1)} -> ${service.end.heapMb.toFixed(1)} (${(serviceGrowth * 100).toFixed(1)}%)`,
      'open handles (warm -> end)': `${service.warm.handles} -> ${service.end.handles}`,
      'renderer sales': uiSales,
      'renderer heap MB (warm -> end)': `${ui.warm.toFixed(1)} -> ${ui.end.toFixed(1)} (${(uiGrowth * 100).toFixed(1)}%)`,
    },
    failures,
  };
}

if (require.main === module) runStandalone((profile) => run(profile));
