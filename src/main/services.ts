import path from 'node:path';
import type { AppInfo, Environment } from '../shared/app-info';
import { EventBus } from './events';
import { AppError } from './errors';
import { DojoClient } from './dojo/client';
import { Journal } from './journal/journal';
import type { Logger } from './logging/logger';
import { PaymentEngine } from './payments/engine';
import { SECRET_ACCOUNTS, type SecretStore } from './secrets/secret-store';
import { environmentOfKey } from './settings/api-key';
import { SANDBOX_PARTNER_IDS, type BuildConfig } from './settings/build-config';
import { startSimulator, type Simulator } from '../simulator';

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
}

export const DOJO_BASE_URL = 'https://api.dojo.tech';
/** The key training mode uses against the built-in simulator (it moves no money anywhere). */
export const TRAINING_KEY = 'sk_sandbox_training';

interface Mode {
  environment: Environment;
  reason?: string;
  client: DojoClient;
  journal: Journal;
  engine: PaymentEngine;
  simulator?: Simulator;
}

export interface Services {
  readonly events: EventBus;
  appInfo(): Promise<AppInfo>;
  /** The payment engine of the current environment (training, sandbox or production). */
  payments(): PaymentEngine;
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

  async function readKey(): Promise<{ key?: string; reason?: string }> {
    try {
      const key = await adapters.secrets.get(SECRET_ACCOUNTS.dojoApiKey);
      return key ? { key } : { reason: 'No Dojo API key is set: payments go to the built-in simulator.' };
    } catch (error) {
      logger.warn('keychain unavailable, staying in training mode');
      return { reason: error instanceof AppError ? error.message : 'The system keychain could not be read.' };
    }
  }

  function engineFor(environment: Environment, client: DojoClient, scale = 1): { journal: Journal; engine: PaymentEngine } {
    const journal = Journal.open(path.join(adapters.dataDir, `journal-${environment}.sqlite`));
    const engine = new PaymentEngine({
      journal,
      client: () => client,
      environment,
      now: adapters.now,
      policy: { scale },
      logger,
      onUpdate: (view) => events.emit('payment:update', view),
    });
    return { journal, engine };
  }

  async function trainingMode(reason: string): Promise<Mode> {
    const speed = devOverrides && env['TILL_TRAINING_SIM_SPEED'] ? Number(env['TILL_TRAINING_SIM_SPEED']) : 1;
    const port = devOverrides && env['TILL_TRAINING_SIM_PORT'] ? Number(env['TILL_TRAINING_SIM_PORT']) : 0;
    const simulator = await startSimulator({ port, speed });
    logger.info('training mode on the built-in simulator', { url: simulator.url, speed });
    const client = new DojoClient({
      baseUrl: simulator.url,
      fetch: adapters.fetch,
      apiKey: async () => TRAINING_KEY,
      version: buildConfig.apiVersion,
      ...SANDBOX_PARTNER_IDS,
    });
    return { environment: 'training', reason, client, simulator, ...engineFor('training', client, 1 / speed) };
  }

  function liveMode(key: string): Mode {
    const environment = environmentOfKey(key);
    if (!buildConfig.allowedEnvironments.includes(environment)) {
      throw new AppError('NOT_CONFIGURED', `This build of ${buildConfig.productName} is not allowed to use ${environment} keys.`);
    }
    const partner =
      buildConfig.softwareHouseId && buildConfig.resellerId
        ? { softwareHouseId: buildConfig.softwareHouseId, resellerId: buildConfig.resellerId }
        : environment === 'sandbox'
          ? SANDBOX_PARTNER_IDS
          : undefined;
    if (!partner) {
      throw new AppError('NOT_CONFIGURED', 'Production keys need the Dojo-issued software-house-id and reseller-id in this build. Ask your reseller for a production build.');
    }
    const baseUrl = (devOverrides && env['DOJO_API_BASE_URL']) || DOJO_BASE_URL;
    const client = new DojoClient({ baseUrl: baseUrl.replace(/\/$/, ''), fetch: adapters.fetch, apiKey: async () => key, version: buildConfig.apiVersion, ...partner });
    return { environment, client, ...engineFor(environment, client) };
  }

  async function activate(): Promise<Mode> {
    const { key, reason } = await readKey();
    if (key) {
      try {
        return liveMode(key);
      } catch (error) {
        return trainingMode(error instanceof AppError ? error.message : 'The saved API key cannot be used.');
      }
    }
    return trainingMode(reason!);
  }

  const mode = await activate();
  // Start-up recovery: unfinished payments are resumed or resolved before the till takes new work.
  const resumed = await mode.engine.recover();
  if (resumed) logger.info('resumed unfinished payments', { count: resumed });

  return {
    events,
    async appInfo() {
      return {
        productName: buildConfig.productName,
        version: adapters.version,
        environment: mode.environment,
        trainingMode: mode.environment === 'training',
        host: adapters.host,
        platform: adapters.platform,
        resellerId: buildConfig.variantId,
        ...(buildConfig.supportUrl ? { supportUrl: buildConfig.supportUrl } : {}),
        ...(mode.reason ? { trainingReason: mode.reason } : {}),
      };
    },
    payments: () => mode.engine,
    async close() {
      mode.engine.close();
      mode.journal.close();
      await mode.simulator?.close();
    },
  };
}
