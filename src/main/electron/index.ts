import { app, BrowserWindow, session } from 'electron';
import path from 'node:path';
import { EVENT_CHANNELS } from '../../shared/channels';
import { createHandlers } from '../handlers';
import { createDispatcher } from '../ipc/dispatcher';
import { APP_ORIGIN } from '../ipc/sender';
import { DEFAULT_EXTERNAL_HOSTS } from '../security/external-links';
import { createServices, type Services } from '../services';
import { electronAdapters, readBuildConfig } from './adapters';
import { electronLogger } from './logging';
import { createUpdater } from './updater';
import { denyAllPermissions, installGuards } from './guards';
import { createEventSender, registerIpcHandlers } from './ipc-main';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { createMainWindow, windowControls } from './window';
import { cliCommand, runCliFromKeychain } from '../integration/cli';

// Checklist item 4: every renderer is sandboxed, whatever a window asks for.
app.enableSandbox();
registerAppScheme();

let services: Services | undefined;
const { logger, files: logFiles } = electronLogger(() => services?.epos.secrets() ?? []);
const devServerUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const allowedOrigins = [APP_ORIGIN, ...(devServerUrl ? [new URL(devServerUrl).origin] : [])];

let mainWindow: BrowserWindow | undefined;
const cliArgs = process.argv.slice(app.isPackaged ? 1 : 2);

if (process.argv.includes('--smoke-test')) {
  // Packaged smoke test (scripts/packaging/smoke.ts): prove the app starts and reads its build config, then exit.
  void app.whenReady().then(() => {
    const build = readBuildConfig();
    process.stdout.write(`${JSON.stringify({ smoke: 'ok', version: app.getVersion(), variantId: build.variantId, packaged: app.isPackaged })}\n`);
    app.exit(0);
  });
} else if (cliCommand(cliArgs)) {
  // `till-companion pay …` from an EPOS: no window; talk to the running companion over its loopback API.
  void runCliFromKeychain(cliArgs, readBuildConfig().appId).then((code) => app.exit(code));
} else if (!app.requestSingleInstanceLock()) {
  // Another companion already runs on this till: it takes over (see 'second-instance').
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.whenReady().then(start, (error) => {
    logger.error('start-up failed', { error: String(error) });
    app.exit(1);
  });

  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void services?.close());
}

async function start(): Promise<void> {
  const buildConfig = readBuildConfig();
  const externalHosts = [...DEFAULT_EXTERNAL_HOSTS, ...(buildConfig.supportUrl ? [new URL(buildConfig.supportUrl).hostname] : [])];
  installGuards(app, { allowedOrigins, externalHosts, log: (m) => logger.warn(m) });
  denyAllPermissions(session.defaultSession);
  handleAppProtocol(path.join(__dirname, '../renderer'));

  const updater = createUpdater(buildConfig, logger, () => services?.payments().hasRunningPayments() ?? false, () => {});
  services = await createServices(electronAdapters(buildConfig, logger, { window: windowControls(() => mainWindow), updates: updater, logFiles }));
  services.events.on('payment:update', () => updater.paymentsChanged());
  updater.start();
  registerIpcHandlers(createDispatcher(createHandlers(services), logger), allowedOrigins);

  const send = createEventSender(() => mainWindow?.webContents);
  for (const channel of Object.values(EVENT_CHANNELS)) services.events.on(channel, (payload) => send(channel, payload));

  mainWindow = createMainWindow({
    preloadPath: path.join(__dirname, '../preload/index.js'),
    url: devServerUrl ?? `${APP_ORIGIN}/index.html`,
    title: buildConfig.productName,
  });
  mainWindow.on('closed', () => (mainWindow = undefined));
}
