import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';

const root = path.resolve(__dirname, '../..');

/**
 * The web harness as its own process (one node process with tsx's loader, so a kill really stops it), for the
 * UI benchmark, the soak and each end-to-end worker: resolves once it prints its address.
 */
export async function startHarnessProcess(options: { port: number; token: string; dataDir: string; build?: boolean; env?: Record<string, string>; stderr?: 'inherit' | 'ignore' }): Promise<ChildProcess & { pageUrl: string }> {
  // The token by environment: never in argv, where `ps` shows it to every user.
  const args = ['--import', 'tsx', 'scripts/dev-web.ts', '--port', String(options.port), '--data-dir', options.dataDir, ...(options.build === false ? ['--no-build'] : [])];
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, TILL_EPOS_PORT: '0', ...options.env, TILL_HARNESS_TOKEN: options.token }, stdio: ['ignore', 'pipe', options.stderr ?? 'ignore'] });
  const pageUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the web harness did not start')), 90_000);
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the web harness exited (${code}) before it started`))));
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const printed = /web harness: (\S+)/.exec(out);
      if (printed) {
        clearTimeout(timer);
        resolve(printed[1]!);
      }
    });
  });
  return Object.assign(child, { pageUrl });
}

/** Chooses a terminal on the till screen and waits until the choice is saved. */
export async function chooseTerminalOnPage(page: Page, tid: string): Promise<void> {
  await page.getByRole('radio', { name: new RegExp(tid) }).click();
  await page.getByRole('radio', { name: new RegExp(tid), checked: true }).waitFor();
}

/** One sale as a cashier does it (digits, Enter, wait for approved, New sale); says what the screen showed if it stalls. */
export async function saleOnPage(page: Page, digits: string): Promise<void> {
  await page.keyboard.type(digits);
  // Pay is on once the terminal is known to be free again (the till refreshes it when the last sale ends).
  await page.locator('button.pay:enabled').waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  try {
    await page.locator('[data-testid=payment-panel][data-status=approved]').waitFor({ timeout: 20_000 });
  } catch (error) {
    const panel = await page.getByTestId('payment-panel').textContent().catch(() => null);
    const amount = await page.getByTestId('amount-display').inputValue().catch(() => null);
    throw new Error(`sale of ${digits} did not finish: panel=${panel} amount=${amount} alert=${await page.getByRole('alert').allTextContents()}`, { cause: error });
  }
  await page.getByRole('button', { name: /New sale/ }).click();
}
