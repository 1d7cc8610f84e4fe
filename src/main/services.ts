import type { AppInfo, Environment } from '../shared/app-info';
import type { SettingsUpdate, SettingsView } from '../shared/settings';
import { EventBus } from './events';
import type { Logger } from './logging/logger';
import type { PaymentEngine } from './payments/engine';
import { ModeManager } from './mode/mode-manager';
import { SECRET_ACCOUNTS, type SecretStore } from './secrets/secret-store';
import type { BuildConfig } from './settings/build-config';
import { SettingsService } from './settings/settings-service';
import { SettingsStore } from './settings/settings-store';
import { EposService } from './integration/epos-service';
import type { UpdateStatus } from '../shared/updates';
import { createSupportBundle } from './support/bundle';
import { loadTillId } from './settings/till-id';
import { supervisorRequired, type EodAuthority } from './reports/authority';
import { Reconciler } from './reports/reconciler';
import { ReportService } from './reports/report-service';
import { tradingDays, type TradingDays } from './reports/trading-day';

/** Everything the services need from their host; Electron, the web harness and tests each supply their own. */
export interface ServiceAdapters {
  host: AppInfo['host'];
  version: string;
  platform: string;
  /** A packaged (shipped) build: development overrides such as DOJO_API_BASE_URL are off unless the build allows them. */
  packaged?: boolean;
  buildConfig: BuildConfig;
  secrets: SecretStore;
  /** The app's user-data folder: the journals and settings live here. */
  dataDir: string;
  fetch: typeof fetch;
  now: () => number;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** The desktop window, where there is one (Electron); the web harness has none. */
  window?: WindowControls;
  /** The in-app updater (Electron builds); absent elsewhere. */
  updates?: { status(): UpdateStatus; install(): UpdateStatus };
  /** The log files a support bundle should include. */
  logFiles?: () => string[];
  /** Trading days for reports (tests give their own, so that no test depends on the hour it runs). */
  tradingDays?: TradingDays;
}

export interface WindowControls {
  print(): Promise<void>;
  setCompact(compact: boolean): void;
  bringToFront(): void;
}

export interface Services {
  readonly events: EventBus;
  readonly settings: SettingsService;
  appInfo(): Promise<AppInfo>;
  /** The payment engine of the current environment (training, sandbox or production). */
  payments(): PaymentEngine;
  /** X and Z reports and reconciliation with Dojo, on the current environment's journal. */
  reports(): ReportService;
  reconciler(): Reconciler;
  environment(): Environment;
  settingsView(): Promise<SettingsView>;
  updateSettings(change: SettingsUpdate): Promise<SettingsView>;
  /** Checks the key's form, tests it against Dojo, stores it in the keychain and switches to it: no restart. */
  setApiKey(key: string): Promise<SettingsView>;
  clearApiKey(): Promise<SettingsView>;
  readonly window: WindowControls | undefined;
  updateStatus(): UpdateStatus;
  installUpdate(): UpdateStatus;
  supportBundle(): Promise<{ filename: string; zip: Buffer }>;
  /** The EPOS loopback API and its token (started with the services). */
  readonly epos: EposService;
  close(): Promise<void>;
}

/**
 * The composition root: builds the service graph from the host's adapters. The same graph runs inside
 * Electron, in the web harness and in tests. The till's mode (training, sandbox, production) and its key live
 * in mode/mode-manager.ts; the EPOS integration sees only the narrow EposHost.
 */
export async function createServices(adapters: ServiceAdapters): Promise<Services> {
  const events = new EventBus();
  const { buildConfig, env, logger } = adapters;
  const devOverrides = !adapters.packaged || buildConfig.allowBaseUrlOverride;
  const settings = new SettingsService(new SettingsStore(adapters.dataDir, logger), adapters.secrets, buildConfig, adapters.now);
  const tillId = loadTillId(adapters.dataDir, adapters.now);
  const days = adapters.tradingDays ?? tradingDays(() => settings.tradingDayStart());
  const authority: EodAuthority = {
    async requireSupervisor(pin, action) {
      if (!pin) throw supervisorRequired('This needs the supervisor PIN.');
      await settings.requireSupervisor(pin);
      logger.info('supervisor approved', { action });
    },
    audit: (action, detail) => logger.info('audit', { action, ...detail }),
  };
  const modes = await ModeManager.start({
    tillId,
    endOfDay: ({ environment, journal, engine, client }) => {
      const common = { journal, days, now: adapters.now, tillId, authority, logger };
      const reconciler = new Reconciler({ ...common, engine, client: () => client });
      return { reconciler, reports: new ReportService({ ...common, environment, reconciler }) };
    },
    buildConfig,
    secrets: adapters.secrets,
    dataDir: adapters.dataDir,
    fetch: adapters.fetch,
    now: adapters.now,
    env,
    logger,
    events,
    devOverrides,
    tradingDayStart: () => settings.tradingDayStart(),
  });

  const envNumber = (name: string) => (devOverrides && env[name] ? Number(env[name]) : undefined);
  const epos = new EposService(
    { payments: () => modes.payments(), reports: () => modes.current.reports, environment: () => modes.environment(), settings, events, window: adapters.window },
    {
      secrets: adapters.secrets,
      logger,
      now: adapters.now,
      version: adapters.version,
      overrides: { ...(envNumber('TILL_EPOS_PORT') !== undefined ? { port: envNumber('TILL_EPOS_PORT')! } : {}), ...(devOverrides && env['TILL_EPOS_TOKEN'] ? { token: env['TILL_EPOS_TOKEN'] } : {}) },
    },
  );

  const services: Services = {
    events,
    settings,
    async appInfo() {
      const mode = modes.current;
      return {
        productName: buildConfig.productName,
        version: adapters.version,
        environment: mode.environment,
        trainingMode: mode.environment === 'training',
        host: adapters.host,
        platform: adapters.platform,
        resellerId: buildConfig.variantId,
        brandColour: buildConfig.brandColour,
        ...(buildConfig.supportUrl ? { supportUrl: buildConfig.supportUrl } : {}),
        ...(mode.reason ? { trainingReason: mode.reason } : {}),
      };
    },
    payments: () => modes.payments(),
    reports: () => modes.current.reports,
    reconciler: () => modes.current.reconciler,
    environment: () => modes.environment(),
    settingsView: () => settings.view(modes.environment()),
    async updateSettings(change) {
      await settings.update(modes.environment(), change);
      return settings.view(modes.environment());
    },
    async setApiKey(raw) {
      await modes.setApiKey(raw);
      return settings.view(modes.environment());
    },
    async clearApiKey() {
      await modes.clearApiKey();
      return settings.view(modes.environment());
    },
    window: adapters.window,
    updateStatus: () => adapters.updates?.status() ?? { state: 'disabled', reason: adapters.host === 'electron' ? 'Updates are not available in this build.' : 'Updates belong to the installed app, not the web harness.' },
    installUpdate: () => adapters.updates?.install() ?? services.updateStatus(),
    async supportBundle() {
      const { token: _token, ...eposInfo } = epos.info();
      const key = await adapters.secrets.get(SECRET_ACCOUNTS.dojoApiKey).catch(() => null);
      const now = adapters.now();
      const zip = await createSupportBundle({
        appInfo: { ...(await services.appInfo()), updates: services.updateStatus() },
        settings: await settings.view(modes.environment()), // the view: PIN as set/not set, key as its hint
        epos: eposInfo,
        logFiles: adapters.logFiles?.() ?? [],
        secrets: [...(key ? [key] : []), ...epos.secrets()],
        now,
      });
      return { filename: `till-support-${new Date(now).toISOString().replace(/[:.]/g, '-')}.zip`, zip };
    },
    epos,
    async close() {
      await epos.stop();
      await modes.close();
    },
  };
  await epos.start();
  return services;
}
