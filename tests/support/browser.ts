import fs from 'node:fs';
import { chromium } from '@playwright/test';

/** Playwright's own Chromium when it is installed, else the system's (Debian's /usr/bin/chromium). */
export function chromiumExecutable(): string | undefined {
  try {
    const own = chromium.executablePath();
    if (own && fs.existsSync(own)) return undefined;
  } catch {
    // Playwright's browsers are not installed: fall through to the system browser.
  }
  for (const candidate of [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Flags for a headless Chromium on a machine with a closed network (and as root in CI containers). */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];
