import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startHarnessProcess } from '../../support/till-process';
import { shoot } from './fixtures';

test('the till says so when another program holds the EPOS port, and clears once the companion takes it', async ({ page }) => {
  // The squatter takes the port first, as a program started before the companion would.
  const squatter = http.createServer((_req, res) => res.end('{"status":"ok"}'));
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const port = (squatter.address() as AddressInfo).port;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-e2e-port-'));
  const harness = await startHarnessProcess({ port: 0, token: `port-${Date.now().toString(36)}`, dataDir, build: false, env: { TILL_EPOS_PORT: String(port), TILL_EPOS_RETRY_MS: '200' } });
  try {
    await page.goto(harness.pageUrl);
    const banner = page.getByTestId('epos-banner');
    await expect(banner).toBeVisible();
    await expect(banner).toHaveAttribute('role', 'alert');
    await expect(banner).toContainText(`another program is using port ${port}`);
    await expect(banner).toContainText('Payments on this screen still work');
    await shoot(page, '22-epos-port-in-use');
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
    await expect(banner).toBeHidden({ timeout: 20_000 });
  } finally {
    squatter.close();
    harness.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
