import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import config from '../../electron.vite.config';
import { CHROMIUM_ARGS, chromiumExecutable } from '../support/browser';

// `npm run dev` serves the renderer from Vite's dev server with the dev CSP header. In dev Vite injects every
// stylesheet as a <style> element, so a CSP without inline styles renders the till unstyled. This starts that
// server with the project's own renderer config and looks at the page in Chromium.
const executablePath = chromiumExecutable();
const renderer = (config as unknown as { renderer: Record<string, any> }).renderer;

describe('npm run dev: the renderer on the Vite dev server', () => {
  let server: ViteDevServer;
  let browser: Browser;
  let url: string;
  beforeAll(async () => {
    server = await createServer({ ...renderer, configFile: false, logLevel: 'silent', server: { ...renderer['server'], host: '127.0.0.1', port: 0, strictPort: false, hmr: false } });
    await server.listen();
    const address = server.httpServer!.address() as { port: number };
    url = `http://127.0.0.1:${address.port}/`;
    browser = await chromium.launch({ args: CHROMIUM_ARGS, ...(executablePath ? { executablePath } : {}) });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is styled: the CSP lets Vite inject its <style> elements, and nothing is refused', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto(url);
    expect(response!.headers()['content-security-policy']).toMatch(/style-src [^;]*'unsafe-inline'/);
    // styles.css sets the page background (--bg, #f2f4f8) on :root; unstyled it stays transparent.
    await expect.poll(() => page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor'), { timeout: 15_000 }).toBe('rgb(242, 244, 248)');
    expect(await page.evaluate<number>("document.querySelectorAll('style').length")).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });
});
