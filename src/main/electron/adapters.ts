import { app, net } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging/logger';
import { KeytarSecretStore } from '../secrets/keytar-store';
import { loadBuildConfig, type BuildConfig } from '../settings/build-config';
import type { ServiceAdapters } from '../services';

/** The packaged package.json (inside app.asar, covered by ASAR integrity) carries the reseller build config. */
export function readBuildConfig(): BuildConfig {
  const packageJson = JSON.parse(fs.readFileSync(path.join(app.getAppPath(), 'package.json'), 'utf8'));
  return loadBuildConfig(packageJson);
}

export function electronAdapters(buildConfig: BuildConfig, logger: Logger, extras: Pick<ServiceAdapters, 'window' | 'updates' | 'logFiles'>): ServiceAdapters {
  return {
    host: 'electron',
    version: app.getVersion(),
    packaged: app.isPackaged,
    platform: process.platform,
    buildConfig,
    secrets: new KeytarSecretStore(buildConfig.appId),
    dataDir: app.getPath('userData'),
    // net.fetch uses Chromium's stack: the till's system proxy and OS certificate store.
    fetch: (input, init) => net.fetch(input instanceof URL ? input.toString() : input, init),
    now: Date.now,
    env: process.env,
    logger,
    ...extras,
  };
}
