import { app, Menu, net, session, type BrowserWindow } from 'electron';
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { TILL_API_KEYS } from '../../shared/channels';
import { createHandlers } from '../handlers';
import { createDispatcher } from '../ipc/dispatcher';
import { APP_ORIGIN } from '../ipc/sender';
import { KeytarSecretStore } from '../secrets/keytar-store';
import { SECRET_ACCOUNTS } from '../secrets/secret-store';
import { contentSecurityPolicy } from '../security/csp';
import { createServices, type Services } from '../services';
import { DEFAULT_SETTINGS } from '../settings/settings-store';
import { electronAdapters } from './adapters';
import type { ShellContext } from './app';
import { allowedOriginsFor } from './app';
import { applyPermissionPolicy, installGuards } from './guards';
import { registerIpcHandlers } from './ipc-main';
import { installMenu } from './lifecycle';
import { handleAppProtocol } from './protocol';
import { createMainWindow } from './window';

/** The whole run must end by then (a hang is a failure), inside the 180 s the packaged smoke runner allows. */
const SMOKE_LIMIT_MS = 120_000;

export interface SmokeReport {
  smoke: 'ok' | 'failed';
  version: string;
  variantId: string;
  packaged: boolean;
  checks: Record<string, string>;
  problems: string[];
}

/**
 * `--smoke-test`: the real start path, end to end, with a temporary user-data folder (set by the entry) and a
 * keychain service of its own (nothing of the till's is read or written). keytar loaded and asked, the
 * services started (SQLite journal, built-in simulator over net.fetch, EPOS API), a hidden window at
 * app://bundle with the preload, the CSP header, `window.till`'s keys and one call through IPC. Prints one
 * JSON line (`{"smoke":"ok"…}`) and exits 0, or `{"smoke":"failed"…}` and exits 1.
 */
export async function runSmoke(ctx: ShellContext): Promise<void> {
  const { buildConfig, logger } = ctx;
  const checks: Record<string, string> = {};
  const problems: string[] = [];
  let services: Services | undefined;
  let window: BrowserWindow | undefined;
  const secrets = new KeytarSecretStore(`${buildConfig.appId}.smoke-test`);

  const check = async (name: string, run: () => Promise<string> | string) => {
    try {
      checks[name] = await run();
    } catch (error) {
      problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const expect = (ok: boolean, what: string) => {
    if (!ok) throw new Error(what);
  };

  const finish = async () => {
    window?.destroy();
    await services?.close().catch(() => {});
    // Everything the run wrote to its own keychain service (the EPOS token, the supervisor settings' seal) goes.
    for (const account of Object.values(SECRET_ACCOUNTS)) await secrets.delete(account).catch(() => false);
    const report: SmokeReport = { smoke: problems.length ? 'failed' : 'ok', version: app.getVersion(), variantId: buildConfig.variantId, packaged: app.isPackaged, checks, problems };
    // The report goes out first, and is flushed before the exit (app.exit does not wait for a pending write).
    await new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(report)}\n`, () => resolve()));
    removeTemporaryFolder(ctx.userData);
    app.exit(problems.length ? 1 : 0);
  };
  setTimeout(() => {
    problems.push(`the smoke test did not finish within ${SMOKE_LIMIT_MS / 1000} s`);
    void finish();
  }, SMOKE_LIMIT_MS).unref();

  await app.whenReady();
  installMenu(ctx.platform, buildConfig.productName);
  await check('menu', () => {
    const menu = Menu.getApplicationMenu();
    if (ctx.platform !== 'darwin') expect(menu === null, 'a menu bar is installed (it would offer Reload and DevTools)');
    return menu ? 'minimal' : 'none';
  });

  await check('keytar', async () => {
    secrets.load();
    try {
      await secrets.get(SECRET_ACCOUNTS.dojoApiKey);
      return 'loaded; getPassword answered';
    } catch (error) {
      // Linux CI runners may have no Secret Service; Windows and macOS always have their keychain.
      if (ctx.platform === 'linux') return `loaded; keychain unavailable here (${(error as Error).message.slice(0, 120)})`;
      throw error;
    }
  });
  if (problems.length) return finish();

  await check('services', async () => {
    writeSettings(ctx.userData, await freePort());
    services = await createServices(electronAdapters(buildConfig, logger, { secrets, dataDir: ctx.userData, logFiles: ctx.logFiles }));
    const journal = path.join(ctx.userData, `journal-${services.environment()}.sqlite`);
    expect(fs.existsSync(journal), `no journal at ${journal}`);
    const terminals = await services.payments().listTerminals();
    expect(terminals.length > 0, 'the built-in simulator listed no terminals over net.fetch');
    expect(!!services.epos.url, `the EPOS API did not start: ${services.epos.info().error ?? ''}`);
    return `${services.environment()}: journal open, ${terminals.length} terminals over net.fetch, EPOS API at ${services.epos.url}`;
  });
  if (!services) return finish();

  const allowedOrigins = allowedOriginsFor(undefined);
  installGuards(app, { allowedOrigins, externalHosts: [], log: (m) => logger.warn(m) });
  applyPermissionPolicy(session.defaultSession, allowedOrigins);
  handleAppProtocol(path.join(ctx.bundleDir, '../renderer'));
  registerIpcHandlers(createDispatcher(createHandlers(services), logger), allowedOrigins);

  await check('csp', async () => {
    const response = await net.fetch(`${APP_ORIGIN}/index.html`);
    const header = response.headers.get('content-security-policy');
    expect(response.ok, `app://bundle/index.html answered ${response.status}`);
    expect(header === contentSecurityPolicy('production'), `CSP header is ${header}`);
    return 'app://bundle sends the production CSP';
  });

  await check('window', async () => {
    window = createMainWindow({ preloadPath: path.join(ctx.bundleDir, '../preload/index.js'), title: buildConfig.productName, devTools: !app.isPackaged, bounds: { x: 0, y: 0, width: 1024, height: 700 }, compact: false, platform: ctx.platform });
    await window.loadURL(`${APP_ORIGIN}/index.html`);
    const contents = window.webContents;
    const page = <T>(script: string) => contents.executeJavaScript(script) as Promise<T>;
    expect(contents.getURL().startsWith(`${APP_ORIGIN}/`), `the window shows ${contents.getURL()}`);
    const keys = await page<string[]>('Object.keys(window.till ?? {}).sort()');
    expect(JSON.stringify(keys) === JSON.stringify(TILL_API_KEYS), `window.till has ${keys.join(', ')}`);
    expect((await page<string>('typeof require')) === 'undefined', 'the page can reach require');
    expect((await page<string>("(() => { try { eval('1'); return 'allowed'; } catch { return 'blocked'; } })()")) === 'blocked', 'the CSP does not block eval');
    const info = await page<{ ok: boolean; data?: { host?: string } }>('window.till.getAppInfo()');
    expect(info.ok && info.data?.host === 'electron', `app:info over IPC answered ${JSON.stringify(info).slice(0, 200)}`);
    if (app.isPackaged) {
      contents.openDevTools();
      expect(!contents.isDevToolsOpened(), 'DevTools opened in a packaged build');
    }
    return `app://bundle loaded, window.till has ${keys.length} methods, IPC answers${app.isPackaged ? ', DevTools refused' : ''}`;
  });

  return finish();
}

/**
 * Best effort: on Windows Chromium keeps its own files in the user-data folder open (without FILE_SHARE_DELETE)
 * until the process exits, so removing the folder from inside the app fails there. It is a temporary folder;
 * a cleanup that fails must not turn a finished run into a fatal one.
 */
function removeTemporaryFolder(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // left in the temporary folder
  }
}

/** The EPOS API gets a free port, so the smoke test runs beside a real companion. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function writeSettings(dir: string, port: number): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, epos: { enabled: true, port } }), { mode: 0o600 });
}
