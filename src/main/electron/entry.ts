import { app } from 'electron';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logging/logger';
import type { BuildConfig } from '../settings/build-config';
import { readBuildConfig } from './adapters';
import { runApp, type AppDeps } from './app';
import { runCliMode } from './cli';
import { debuggingSwitches, launchMode } from './launch-args';
import { createFatal, installProcessHandlers, StartupProblem, type ErrorSource } from './lifecycle';
import { electronLogger } from './logging';
import { networkShareReason, runName, userDataDir } from './paths';
import { registerAppScheme } from './protocol';
import { runSmoke } from './smoke';

export interface ProcessInfo {
  argv: readonly string[];
  platform: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Electron's default_app started us (`electron .`, from source). */
  defaultApp: boolean;
  /** out/main, where this bundle lives. */
  bundleDir: string;
  /** Where uncaught errors are heard (the process; tests pass their own emitter). */
  errors?: ErrorSource;
}

/**
 * What the app does when it starts, in order. Everything that must happen before `ready` happens here:
 * the sandbox for every renderer, the app:// scheme, refusing debugging switches in a packaged build, the
 * user-data folder (which also keys the single-instance lock), the Windows AppUserModelID; then one of three
 * programs runs: the smoke test, the EPOS command line, or the till app.
 */
export function launch(proc: ProcessInfo, deps?: AppDeps): void {
  const mode = launchMode(proc.argv, proc.defaultApp);
  // Checklist item 4: every renderer is sandboxed, whatever a window asks for.
  app.enableSandbox();
  registerAppScheme();

  const log: { current?: Logger } = {}; // the fatal path works before the log exists
  let productName = app.name || 'Till Companion';
  const fatal = createFatal({ productName: () => productName, interactive: mode.kind === 'app', logger: () => log.current });
  installProcessHandlers(fatal, proc.errors);

  let buildConfig: BuildConfig;
  try {
    buildConfig = readBuildConfig();
  } catch (error) {
    return fatal(error, 'start');
  }
  productName = buildConfig.productName;

  const switches = debuggingSwitches(proc.argv, proc.platform);
  if (app.isPackaged && switches.length && !buildConfig.testBuild) {
    return fatal(new StartupProblem('The app was started with a debugging option, which a till does not allow. Start it from its usual shortcut.', `refused debugging switches: ${switches.join(' ')}`), 'start');
  }
  if (proc.platform === 'win32') app.setAppUserModelId(buildConfig.appId);
  const fromSource = !app.isPackaged;
  const keychainService = runName(buildConfig.appId, fromSource);
  if (mode.kind === 'cli') return runCliMode(mode.args, keychainService, fatal);

  let userData: string;
  try {
    userData =
      mode.kind === 'smoke'
        ? fs.mkdtempSync(path.join(os.tmpdir(), 'till-smoke-'))
        : (fromSource && proc.env['TILL_USER_DATA_DIR']) || userDataDir({ platform: proc.platform, env: proc.env, home: os.homedir(), appId: buildConfig.appId, fromSource });
    fs.mkdirSync(userData, { recursive: true });
  } catch (error) {
    return fatal(error, 'start');
  }
  const share = networkShareReason(userData, proc.platform);
  if (share) {
    return fatal(new StartupProblem(`The app's data folder is on a network drive (${userData}). The payment journal must stay on this till: ask your IT support to keep the local app-data folder local.`, share), 'start');
  }
  app.setPath('userData', userData);

  let secrets: () => readonly string[] = () => [];
  const logs = electronLogger(path.join(userData, 'logs', 'main.log'), productName, () => secrets());
  log.current = logs.logger;
  const ctx = {
    buildConfig,
    logger: logs.logger,
    logFiles: logs.files,
    fatal,
    platform: proc.platform,
    userData,
    keychainService,
    bundleDir: proc.bundleDir,
    devServerUrl: fromSource ? proc.env['ELECTRON_RENDERER_URL'] : undefined,
    exposeSecrets: (fn: () => readonly string[]) => (secrets = fn),
  };
  if (mode.kind === 'smoke') {
    runSmoke(ctx).catch((error: unknown) => fatal(error, 'start'));
    return;
  }
  runApp(ctx, deps);
}
