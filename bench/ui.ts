// Renderer figures (goals in brackets), each beside a baseline measured in the same run:
// rendererJsGzipKb [<= 200] vs a bare React page; timeToInteractiveMs in Chromium against the web harness
// [<= 400] vs a static page from the same server; msPerStatusRender p95 [<= 8]; heapMbAfter500Sales [<= 40]
// vs the heap right after start-up.
import { chromium } from '@playwright/test';
import react from '@vitejs/plugin-react';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { build } from 'vite';
import { CHROMIUM_ARGS, chromiumExecutable } from '../tests/support/browser';
import { chooseTerminalOnPage, saleOnPage, startHarnessProcess } from '../tests/support/till-process';

const root = path.resolve(__dirname, '..');
const gzipKb = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(path.join(dir, f)), { level: 9 }).length, 0) / 1024;
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]!;

async function baselineBundleKb(): Promise<number> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-react-'));
  const fixtures = path.join(root, 'bench/fixtures');
  await build({ configFile: false, logLevel: 'silent', root: fixtures, plugins: [react()], build: { outDir, minify: true, modulePreload: { polyfill: false }, rollupOptions: { input: path.join(fixtures, 'react-baseline.html') } } });
  const kb = gzipKb(path.join(outDir, 'assets'));
  fs.rmSync(outDir, { recursive: true, force: true });
  return kb;
}

export async function run() {
  const built = spawn(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'ignore' });
  await new Promise((resolve) => built.on('exit', resolve));
  const rendererKb = gzipKb(path.join(root, 'out/renderer/assets'));
  const baselineKb = await baselineBundleKb();

  const port = 5197;
  const token = 'bench-ui-token';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-ui-'));
  const harness = await startHarnessProcess({ port, token, dataDir, build: false, env: { TILL_TRAINING_SIM_SPEED: '100' } });
  const executablePath = chromiumExecutable();
  const browser = await chromium.launch({ args: CHROMIUM_ARGS, ...(executablePath ? { executablePath } : {}) });
  try {
    const base = `http://127.0.0.1:${port}`;
    // Time to interactive: navigation start -> the terminals are listed and the keypad answers.
    const tti: number[] = [];
    const staticPage: number[] = [];
    for (let i = 0; i < 7; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(`${base}/?token=${token}`);
      await page.getByRole('radio').first().waitFor();
      tti.push(performance.now() - t0);
      const s0 = performance.now();
      await page.goto(`${base}/favicon.svg`);
      staticPage.push(performance.now() - s0);
      await context.close();
    }

    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
    // Render cost of a status change: each pushed update -> the payment panel's DOM updated, in the page.
    // A plain string: the bench runs through tsx, whose helpers do not exist in the page.
    await page.addInitScript(`
      window.arrivals = [];
      window.renders = [];
      const Native = window.EventSource;
      window.EventSource = class extends Native {
        addEventListener(type, listener, options) {
          super.addEventListener(type, (event) => {
            window.arrivals.push(performance.now());
            (typeof listener === 'function' ? listener : listener.handleEvent.bind(listener))(event);
          }, options);
        }
      };
      new MutationObserver(() => {
        if (document.querySelector('[data-testid=payment-panel]')) window.renders.push(performance.now());
      }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    `);
    await page.goto(`${base}/?token=${token}`);
    await chooseTerminalOnPage(page, 'VCMTILLSCP0');
    const cdp = await context.newCDPSession(page);
    const heapMb = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize / 1024 / 1024;
    };
    for (let i = 0; i < 20; i++) await saleOnPage(page, '150');
    const heapBefore = await heapMb();
    for (let i = 0; i < 480; i++) await saleOnPage(page, String(100 + (i % 900)));
    const heapAfter = await heapMb();
    const renderMs: number[] = await page.evaluate(`window.arrivals.flatMap((t) => {
      const next = window.renders.find((r) => r >= t);
      return next === undefined ? [] : [next - t];
    })`);
    const result = {
      bench: 'ui',
      rendererJsGzipKb: Number(rendererKb.toFixed(1)),
      bareReactPageGzipKb: Number(baselineKb.toFixed(1)),
      rendererSizeRatioVsBareReact: Number((rendererKb / baselineKb).toFixed(2)),
      timeToInteractiveMs: Math.round(quantile(tti, 0.5)),
      staticPageLoadMs: Math.round(quantile(staticPage, 0.5)),
      ttiRatioVsStaticPage: Number((quantile(tti, 0.5) / quantile(staticPage, 0.5)).toFixed(2)),
      msPerStatusRender: Number(quantile(renderMs, 0.95).toFixed(2)),
      statusRendersMeasured: renderMs.length,
      heapMbAfterWarmUp: Number(heapBefore.toFixed(1)),
      heapMbAfter500Sales: Number(heapAfter.toFixed(1)),
      heapRatioVsWarmUp: Number((heapAfter / heapBefore).toFixed(2)),
    };
    process.stdout.write(
      `renderer JS ${result.rendererJsGzipKb} kB gzip (bare React page ${result.bareReactPageGzipKb} kB); interactive in ${result.timeToInteractiveMs} ms (static page ${result.staticPageLoadMs} ms); status render p95 ${result.msPerStatusRender} ms over ${result.statusRendersMeasured}; heap ${result.heapMbAfterWarmUp} -> ${result.heapMbAfter500Sales} MB after 500 sales\n`,
    );
    return result;
  } finally {
    await browser.close();
    harness.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
