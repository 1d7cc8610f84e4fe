import path from 'node:path';
import type { AppInfo, Environment } from '../shared/app-info';
import type { SettingsUpdate, SettingsView } from '../shared/settings';
import { EventBus } from './events';
import { AppError } from './errors';
import { DojoClient } from './dojo/client';
import { Journal } from './journal/journal';
import type { Logger } from './logging/logger';
import { PaymentEngine } from './payments/engine';
import { SECRET_ACCOUNTS, type SecretStore } from './secrets/secret-store';
import { environmentOfKey, type LiveEnvironment } from './settings/api-key';
import { SANDBOX_PARTNER_IDS, type BuildConfig } from './settings/build-config';
import { SettingsService } from './settings/settings-service';
import { SettingsStore } from './settings/settings-store';
import { loadTillId } from './settings/till-id';
import { startSimulator, type Simulator } from '../simulator';
import { EposService } from './integration/epos-service';
import type { UpdateStatus } from '../shared/updates';
import { createSupportBundle } from './support/bundle';
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

export const DOJO_BASE_URL = 'https://api.dojo.tech';
/** The key training mode uses against the built-in simulator (it moves no money anywhere). */
export const TRAINING_KEY = 'sk_sandbox_training';

interface Mode {
  environment: Environment;
  reason?: string;
  journal: Journal;
  engine: PaymentEngine;
  reports: ReportService;
  reconciler: Reconciler;
  simulator?: Simulator;
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
 * Builds the service graph. The same graph runs inside Electron, in the web harness and in tests. Without a
 * usable API key it runs in training mode on a built-in Dojo simulator; each environment has its own journal,
 * so training or sandbox payments never mix with real totals.
 */
export async function createServices(adapters: ServiceAdapters): Promise<Services> {
  const events = new EventBus();
  const { buildConfig, env, logger } = adapters;
  const devOverrides = !adapters.packaged || buildConfig.allowBaseUrlOverride;
  const settings = new SettingsService(new SettingsStore(adapters.dataDir, logger), adapters.secrets, buildConfig, adapters.now);
  const tillId = loadTillId(adapters.dataDir, adapters.now);
  const liveBaseUrl = ((devOverrides && env['DOJO_API_BASE_URL']) || DOJO_BASE_URL).replace(/\/$/, '');

  function partnerIds(environment: LiveEnvironment) {
    if (buildConfig.softwareHouseId && buildConfig.resellerId) return { softwareHouseId: buildConfig.softwareHouseId, resellerId: buildConfig.resellerId };
    if (environment === 'sandbox') return SANDBOX_PARTNER_IDS;
    throw new AppError('NOT_CONFIGURED', 'Production keys need the Dojo-issued software-house-id and reseller-id in this build. Ask your reseller for a production build.');
  }

  /** A client for a live key, after the build's rules for that key's environment. */
  function liveClient(key: string): { environment: LiveEnvironment; client: DojoClient } {
    const environment = environmentOfKey(key);
    if (!buildConfig.allowedEnvironments.includes(environment)) {
      throw new AppError('NOT_CONFIGURED', `This build of ${buildConfig.productName} does not accept ${environment} keys.`);
    }
    const client = new DojoClient({ baseUrl: liveBaseUrl, fetch: adapters.fetch, apiKey: async () => key, version: buildConfig.apiVersion, ...partnerIds(environment) });
    return { environment, client };
  }

  const days = adapters.tradingDays ?? tradingDays(() => 0);
  const eodAuthority: EodAuthority = {
    async requireSupervisor(pin, action) {
      if (!pin) throw supervisorRequired('This needs the supervisor PIN.');
      await settings.requireSupervisor(pin);
      logger.info('supervisor approved', { action });
    },
    audit: (action, detail) => logger.info('audit', { action, ...detail }),
  };

  function engineFor(environment: Environment, client: DojoClient, scale = 1): Pick<Mode, 'journal' | 'engine' | 'reports' | 'reconciler'> {
    const journal = Journal.open(path.join(adapters.dataDir, `journal-${environment}.sqlite`));
    const engine = new PaymentEngine({
      journal,
      client: () => client,
      environment,
      tillId,
      now: adapters.now,
      policy: { scale },
      logger,
      onUpdate: (view) => events.emit('payment:update', view),
    });
    const common = { journal, days, now: adapters.now, tillId, authority: eodAuthority, logger };
    const reconciler = new Reconciler({ ...common, engine, client: () => client });
    const reports = new ReportService({ ...common, environment, reconciler });
    return { journal, engine, reports, reconciler };
  }

  async function trainingMode(reason: string): Promise<Mode> {
    const speed = devOverrides && env['TILL_TRAINING_SIM_SPEED'] ? Number(env['TILL_TRAINING_SIM_SPEED']) : 1;
    const port = devOverrides && env['TILL_TRAINING_SIM_PORT'] ? Number(env['TILL_TRAINING_SIM_PORT']) : 0;
    const simulator = await startSimulator({ port, speed });
    logger.info('training mode on the built-in simulator', { url: simulator.url, speed });
    const client = new DojoClient({ baseUrl: simulator.url, fetch: adapters.fetch, apiKey: async () => TRAINING_KEY, version: buildConfig.apiVersion, ...SANDBOX_PARTNER_IDS });
    return { environment: 'training', reason, simulator, ...engineFor('training', client, 1 / speed) };
  }

  async function activate(): Promise<Mode> {
    let key: string | null;
    try {
      key = await adapters.secrets.get(SECRET_ACCOUNTS.dojoApiKey);
    } catch (error) {
      logger.warn('keychain unavailable, staying in training mode');
      return trainingMode(error instanceof AppError ? error.message : 'The system keychain could not be read.');
    }
    if (!key) return trainingMode('No Dojo API key is set: payments go to the built-in simulator.');
    try {
      const { environment, client } = liveClient(key);
      return { environment, ...engineFor(environment, client) };
    } catch (error) {
      return trainingMode(error instanceof AppError ? error.message : 'The saved API key cannot be used.');
    }
  }

  async function start(next: Mode): Promise<Mode> {
    if (next.environment === 'training') {
      const ended = next.engine.abandonUnfinished('Training payment interrupted by a restart (the training simulator starts afresh). No money moves in training.');
      if (ended) logger.info('ended interrupted training payments', { count: ended });
    }
    // Start-up recovery: unfinished payments are resumed or resolved before the till takes new work.
    const resumed = await next.engine.recover();
    if (resumed) logger.info('resumed unfinished payments', { environment: next.environment, count: resumed });
    return next;
  }

  async function stop(old: Mode): Promise<void> {
    old.engine.close();
    old.journal.close();
    await old.simulator?.close();
  }

  let mode = await start(await activate());

  /** Switches environment without a restart, never while a payment is running. */
  async function switchMode(): Promise<void> {
    if (mode.engine.hasRunningPayments()) {
      throw new AppError('PAYMENT_IN_PROGRESS', 'A payment is running. Let it finish before changing the API key.');
    }
    await mode.engine.settled();
    const old = mode;
    await stop(old);
    mode = await start(await activate());
    logger.info('switched environment', { from: old.environment, to: mode.environment });
  }

  const services: Services = {
    events,
    settings,
    async appInfo() {
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
    payments: () => mode.engine,
    reports: () => mode.reports,
    reconciler: () => mode.reconciler,
    environment: () => mode.environment,
    settingsView: () => settings.view(mode.environment),
    async updateSettings(change) {
      await settings.update(mode.environment, change);
      return settings.view(mode.environment);
    },
    async setApiKey(raw) {
      const key = raw.trim();
      const { client } = liveClient(key);
      try {
        await client.listTerminals();
      } catch (error) {
        if (error instanceof AppError && (error.code === 'NETWORK' || error.code === 'TIMEOUT')) {
          throw new AppError(error.code, 'Dojo could not be reached to test the key, so it was not saved. Check the connection and try again.');
        }
        throw error;
      }
      if (mode.engine.hasRunningPayments()) throw new AppError('PAYMENT_IN_PROGRESS', 'A payment is running. Let it finish before changing the API key.');
      await adapters.secrets.set(SECRET_ACCOUNTS.dojoApiKey, key);
      await switchMode();
      return settings.view(mode.environment);
    },
    async clearApiKey() {
      if (mode.engine.hasRunningPayments()) throw new AppError('PAYMENT_IN_PROGRESS', 'A payment is running. Let it finish before removing the API key.');
      await adapters.secrets.delete(SECRET_ACCOUNTS.dojoApiKey);
      await switchMode();
      return settings.view(mode.environment);
    },
    window: adapters.window,
    updateStatus: () => adapters.updates?.status() ?? { state: 'disabled', reason: adapters.host === 'electron' ? 'Updates are not available in this build.' : 'Updates belong to the installed app, not the web harness.' },
    installUpdate: () => adapters.updates?.install() ?? services.updateStatus(),
    async supportBundle() {
      const { token: _token, ...epos } = services.epos.info();
      const key = await adapters.secrets.get(SECRET_ACCOUNTS.dojoApiKey).catch(() => null);
      const now = adapters.now();
      const zip = await createSupportBundle({
        appInfo: { ...(await services.appInfo()), updates: services.updateStatus() },
        settings: await settings.view(mode.environment), // the view: PIN as set/not set, key as its hint
        epos,
        logFiles: adapters.logFiles?.() ?? [],
        secrets: [...(key ? [key] : []), ...services.epos.secrets()],
        now,
      });
      return { filename: `till-support-${new Date(now).toISOString().replace(/[:.]/g, '-')}.zip`, zip };
    },
    get epos() {
      return epos;
    },
    async close() {
      await epos.stop();
      await stop(mode);
    },
  };
  const envNumber = (name: string) => (devOverrides && env[name] ? Number(env[name]) : undefined);
  const epos = new EposService(services, {
    secrets: adapters.secrets,
    logger,
    now: adapters.now,
    version: adapters.version,
    overrides: { ...(envNumber('TILL_EPOS_PORT') !== undefined ? { port: envNumber('TILL_EPOS_PORT')! } : {}), ...(devOverrides && env['TILL_EPOS_TOKEN'] ? { token: env['TILL_EPOS_TOKEN'] } : {}) },
  });
  await epos.start();
  return services;
}
