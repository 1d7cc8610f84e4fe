import type { AppInfo } from '../shared/app-info';
import { EventBus } from './events';
import type { Logger } from './logging/logger';
import { SECRET_ACCOUNTS, type SecretStore } from './secrets/secret-store';
import type { BuildConfig } from './settings/build-config';
import { AppError } from './errors';

/** Everything the services need from their host; Electron, the web harness and tests each supply their own. */
export interface ServiceAdapters {
  host: AppInfo['host'];
  version: string;
  platform: string;
  buildConfig: BuildConfig;
  secrets: SecretStore;
  /** The app's user-data folder: the journal and settings live here. */
  dataDir: string;
  fetch: typeof fetch;
  now: () => number;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
}

export interface Services {
  readonly events: EventBus;
  appInfo(): Promise<AppInfo>;
  close(): Promise<void>;
}

/** Builds the service graph. The same graph runs inside Electron, in the web harness and in tests. */
export async function createServices(adapters: ServiceAdapters): Promise<Services> {
  const events = new EventBus();
  const { buildConfig } = adapters;

  async function keyState(): Promise<{ configured: boolean; reason?: string }> {
    try {
      const key = await adapters.secrets.get(SECRET_ACCOUNTS.dojoApiKey);
      return key ? { configured: true } : { configured: false, reason: 'No Dojo API key is set: payments go to the built-in simulator.' };
    } catch (error) {
      const reason = error instanceof AppError ? error.message : 'The system keychain could not be read.';
      adapters.logger.warn('keychain unavailable, staying in training mode');
      return { configured: false, reason };
    }
  }

  return {
    events,
    async appInfo() {
      const key = await keyState();
      return {
        productName: buildConfig.productName,
        version: adapters.version,
        environment: key.configured ? 'sandbox' : 'training',
        trainingMode: !key.configured,
        host: adapters.host,
        platform: adapters.platform,
        resellerId: buildConfig.variantId,
        ...(buildConfig.supportUrl ? { supportUrl: buildConfig.supportUrl } : {}),
        ...(key.reason ? { trainingReason: key.reason } : {}),
      };
    },
    async close() {},
  };
}
