import { app, net } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging/logger';
import { loadBuildConfig, type BuildConfig } from '../settings/build-config';
import type { ServiceAdapters } from '../services';
import { StartupProblem } from './lifecycle';

/**
 * The packaged package.json (inside app.asar, covered by ASAR integrity) carries the reseller build config.
 * From source the app path must be the project folder (`electron .`): started with a file instead, Electron
 * makes that file's folder the app path (electron/electron default_app/main.ts), and nothing here is right.
 */
export function readBuildConfig(appPath = app.getAppPath()): BuildConfig {
  const file = path.join(appPath, 'package.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new StartupProblem(
      'This copy of the app is incomplete (its build information is missing). Reinstall the app or contact your reseller.',
      `no package.json in the app path ${appPath}: start Electron with the project folder ("electron ." / npm start), not a file`,
    );
  }
  return loadBuildConfig(JSON.parse(text));
}

export function electronAdapters(
  buildConfig: BuildConfig,
  logger: Logger,
  extras: Pick<ServiceAdapters, 'secrets' | 'dataDir' | 'window' | 'updates' | 'logFiles'>,
): ServiceAdapters {
  return {
    host: 'electron',
    version: app.getVersion(),
    packaged: app.isPackaged,
    platform: process.platform,
    buildConfig,
    // net.fetch uses Chromium's stack: the till's system proxy and OS certificate store.
    fetch: (input, init) => net.fetch(input instanceof URL ? input.toString() : input, init),
    now: Date.now,
    env: process.env,
    logger,
    ...extras,
  };
}

