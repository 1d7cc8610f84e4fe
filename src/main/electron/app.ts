import { app, session, type BrowserWindow } from 'electron';
import path from 'node:path';
import { EVENT_CHANNELS } from '../../shared/channels';
import { createHandlers } from '../handlers';
import { createDispatcher } from '../ipc/dispatcher';
import { APP_ORIGIN } from '../ipc/sender';
import type { Logger } from '../logging/logger';
import { KeytarSecretStore } from '../secrets/keytar-store';
import { DEFAULT_EXTERNAL_HOSTS } from '../security/external-links';
import type { BuildConfig } from '../settings/build-config';
import { createServices, type Services } from '../services';
import { electronAdapters } from './adapters';
import { applyPermissionPolicy, installGuards } from './guards';
import { createEventSender, registerIpcHandlers } from './ipc-main';
import { askWithDialog, claimSingleInstance, installMenu, QuitPolicy, watchRenderer, type Fatal } from './lifecycle';
import { handleAppProtocol } from './protocol';
import { createUpdater } from './updater';
import { createMainWindow, WindowPlacement, windowControls } from './window';
import { windowStateFile } from './window-state';

export interface ShellContext {
  buildConfig: BuildConfig;
  logger: Logger;
  logFiles: () => string[];
  fatal: Fatal;
  platform: string;
  userData: string;
  /** The keychain service holding the Dojo key, the EPOS token and the supervisor seal (paths.ts: runName). */
  keychainService: string;
  /** out/main: the preload and the renderer are built beside it. */
  bundleDir: string;
  /** The Vite dev server (npm run dev), never in a packaged build. */
  devServerUrl: string | undefined;
  /** Lets the log redactor learn the secrets only the services know (the EPOS token). */
  exposeSecrets: (secrets: () => readonly string[]) => void;
}

export interface AppDeps {
  secrets: (service: string) => KeytarSecretStore;
  createServices: typeof createServices;
  createUpdater: typeof createUpdater;
}
const defaultDeps: AppDeps = { secrets: (service) => new KeytarSecretStore(service), createServices, createUpdater };

/** Origins the window may show and that may call main: app://bundle, plus the dev server from source. */
export const allowedOriginsFor = (devServerUrl: string | undefined) => [APP_ORIGIN, ...(devServerUrl ? [new URL(devServerUrl).origin] : [])];

/** Time the journal and the EPOS API get to close on quit before the app exits anyway. */
const SHUTDOWN_LIMIT_MS = 5_000;

/** The till app: one instance, the services, the window beside the EPOS, and how it all ends. */
export function runApp(ctx: ShellContext, deps: AppDeps = defaultDeps): void {
  const { buildConfig, logger, platform } = ctx;
  let services: Services | undefined;
  let window: BrowserWindow | undefined;
  let compact = false;
  let ready = false;
  let quitPolicy: QuitPolicy | undefined;
  const placement = new WindowPlacement(windowStateFile(ctx.userData));
  const controls = windowControls({ getWindow: () => window, platform, packaged: app.isPackaged, placement, isCompact: () => compact, setCompactFlag: (value) => (compact = value) });

  /** A second start, or the Dock icon: the window comes forward (or back, if it was closed). */
  const showWindow = () => {
    if (window) controls.bringToFront();
    else if (ready) openWindow();
    // Still starting: the window shows itself as soon as it has painted.
  };

  if (!claimSingleInstance(showWindow)) {
    // Another companion already runs with this user-data folder: it comes forward instead.
    app.quit();
    return;
  }
  app.on('window-all-closed', () => app.quit());
  app.on('activate', showWindow);
  app.whenReady().then(start).catch((error: unknown) => ctx.fatal(error, 'start'));

  async function start(): Promise<void> {
    installMenu(platform, buildConfig.productName);
    // keytar first: a module that does not load is a broken install, reported before anything else starts.
    const secrets = deps.secrets(ctx.keychainService);
    secrets.load();

    const allowedOrigins = allowedOriginsFor(ctx.devServerUrl);
    const externalHosts = [...DEFAULT_EXTERNAL_HOSTS, ...(buildConfig.supportUrl ? [new URL(buildConfig.supportUrl).hostname] : [])];
    installGuards(app, { allowedOrigins, externalHosts, log: (m) => logger.warn(m) });
    applyPermissionPolicy(session.defaultSession, allowedOrigins);
    handleAppProtocol(path.join(ctx.bundleDir, '../renderer'));

    const updater = deps.createUpdater(
      buildConfig,
      logger,
      () => services?.payments().hasRunningPayments() ?? false,
      (status) => services?.events.emit('updates:changed', status),
    );
    services = await deps.createServices(electronAdapters(buildConfig, logger, { secrets, dataDir: ctx.userData, window: controls, updates: updater, logFiles: ctx.logFiles }));
    const running = services;
    ctx.exposeSecrets(() => running.epos.secrets());
    running.events.on('payment:update', () => updater.paymentsChanged());
    registerIpcHandlers(createDispatcher(createHandlers(running), logger), allowedOrigins);
    const send = createEventSender(() => window?.webContents);
    for (const channel of Object.values(EVENT_CHANNELS)) running.events.on(channel, (payload) => send(channel, payload));

    quitPolicy = new QuitPolicy({
      paymentsRunning: () => running.payments().hasRunningPayments(),
      ask: askWithDialog,
      shutdown: () => Promise.race([running.close(), new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_LIMIT_MS).unref())]),
      logger,
    });
    quitPolicy.install();

    // Normal or compact is decided here, before the window exists, so it opens at its size and never jumps.
    compact = (await running.settingsView()).compactMode;
    openWindow();
    ready = true;
    updater.start();
  }

  function openWindow(): void {
    const url = ctx.devServerUrl ?? `${APP_ORIGIN}/index.html`;
    const created = createMainWindow({
      preloadPath: path.join(ctx.bundleDir, '../preload/index.js'),
      title: buildConfig.productName,
      devTools: !app.isPackaged,
      bounds: placement.boundsFor(compact),
      compact,
      platform,
    });
    window = created;
    const load = () => void created.loadURL(url).catch(() => {}); // failures arrive as did-fail-load
    placement.track(created, () => compact);
    quitPolicy?.guardWindow(created);
    watchRenderer(created, { load, ask: askWithDialog, quit: () => app.quit(), broken: (error) => ctx.fatal(error, 'running'), logger });
    created.once('ready-to-show', () => {
      if (placement.maximized && !compact) created.maximize();
      created.show();
    });
    created.on('closed', () => {
      if (window === created) window = undefined;
    });
    load();
  }
}
