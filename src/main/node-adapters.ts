import packageJson from '../../package.json';
import { createLogger, silentLogger, type Logger } from './logging/logger';
import { MemorySecretStore, type SecretStore } from './secrets/secret-store';
import { loadBuildConfig, type BuildConfig } from './settings/build-config';
import type { ServiceAdapters } from './services';

/** Adapters for running the service graph under plain Node: the web harness, tests and benchmarks. */
export function nodeAdapters(options: {
  host: ServiceAdapters['host'];
  dataDir: string;
  secrets?: SecretStore;
  buildConfig?: BuildConfig;
  env?: Record<string, string | undefined>;
  logger?: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}): ServiceAdapters {
  return {
    host: options.host,
    version: packageJson.version,
    platform: process.platform,
    buildConfig: options.buildConfig ?? loadBuildConfig(packageJson),
    secrets: options.secrets ?? new MemorySecretStore(),
    dataDir: options.dataDir,
    fetch: options.fetch ?? globalThis.fetch,
    now: options.now ?? Date.now,
    // Tests never take the till's real EPOS port: they get a free one unless they ask for a port.
    env: options.host === 'test' ? { TILL_EPOS_PORT: '0', ...(options.env ?? process.env) } : (options.env ?? process.env),
    logger: options.logger ?? silentLogger,
  };
}

export const stderrLogger = (): Logger => createLogger((line) => process.stderr.write(`${line}\n`));
