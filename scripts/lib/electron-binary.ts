import fs from 'node:fs';
import path from 'node:path';

/**
 * Where Electron's own binary is, without triggering its download (requiring the `electron` package would try
 * to fetch it). Machines that cannot reach GitHub's release downloads do not have it.
 */
export function findElectronBinary(root = process.cwd(), env: NodeJS.ProcessEnv = process.env): { path: string } | { missing: string } {
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  const packageDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  if (!override && !fs.existsSync(pathFile)) {
    return {
      missing:
        "Electron's binary is not installed here (node_modules/electron/path.txt is absent: its download from GitHub releases is not reachable on this machine). Run `npx install-electron` on a machine that can download it.",
    };
  }
  const executable = override
    ? path.join(override, process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron')
    : path.join(packageDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(executable) ? { path: executable } : { missing: `Electron's binary was expected at ${executable} but is not there.` };
}

/** The variable GitHub's workflows set where Electron's binary can be downloaded: the Electron tests must run there. */
export const REQUIRE_ELECTRON = 'TILL_REQUIRE_ELECTRON';

/**
 * Whether the Electron end-to-end project runs here. Where the binary is absent it is skipped with the reason,
 * except where TILL_REQUIRE_ELECTRON=1 says it must run: there a missing binary is a failure, not a skip.
 */
export function electronRequirement(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): { run: string } | { skip: string } | { fail: string } {
  const binary = findElectronBinary(root, env);
  if ('path' in binary) return { run: binary.path };
  if (env[REQUIRE_ELECTRON] === '1') return { fail: `${REQUIRE_ELECTRON}=1 but ${binary.missing}` };
  return { skip: binary.missing };
}

/**
 * How Electron is started from source (npm start, the Electron e2e suite): with the project folder, as
 * `electron-vite dev` does. Given a folder, Electron reads its package.json (name, version, main, tillBuild)
 * and makes it the app path; given out/main/index.js it would make out/main the app path, where no
 * package.json is (electron/electron default_app/main.ts). Linux CI runners have no setuid sandbox helper.
 */
export function electronAppArgs(root = process.cwd(), extra: readonly string[] = []): string[] {
  return [root, ...(process.platform === 'linux' ? ['--no-sandbox'] : []), ...extra];
}
