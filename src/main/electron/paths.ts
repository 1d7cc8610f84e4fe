import fs from 'node:fs';
import path from 'node:path';

/**
 * The name a run goes by, for its user-data folder and its keychain service: the app id, or `<app id>-dev` from
 * source, so a run from source on a machine with the app installed never touches the till's journal, lock, Dojo
 * key or supervisor seal.
 */
export const runName = (appId: string, fromSource: boolean): string => (fromSource ? `${appId}-dev` : appId);

/**
 * Where the app keeps its journals, settings and logs. Not Electron's default (`%APPDATA%\<name>`): on Windows
 * that is the *roaming* profile, which domain policies copy to a server at sign-out (or redirect to a share
 * outright) — no place for an SQLite journal. The local app-data folder stays on the till. The folder is named
 * by the build's app id, so two resellers' builds never share a journal; a run from source gets its own folder
 * (and, because Electron keys the single-instance lock by it, its own lock).
 */
export function userDataDir(options: { platform: string; env: Readonly<Record<string, string | undefined>>; home: string; appId: string; fromSource: boolean }): string {
  const name = runName(options.appId, options.fromSource);
  const { env, home } = options;
  switch (options.platform) {
    case 'win32':
      return path.win32.join(env['LOCALAPPDATA'] || path.win32.join(home, 'AppData', 'Local'), name);
    case 'darwin':
      return path.posix.join(home, 'Library', 'Application Support', name);
    default:
      return path.posix.join(env['XDG_DATA_HOME'] || path.posix.join(home, '.local', 'share'), name);
  }
}

// Linux statfs magic numbers of network file systems (linux/magic.h).
const NETWORK_FS_TYPES = new Map<number, string>([
  [0x6969, 'NFS'],
  [0x517b, 'SMB'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x5346414f, 'AFS'],
  [0x564c, 'NCP'],
]);

export interface FsProbe {
  realpath(dir: string): string;
  statfsType(dir: string): number;
}
const realFs: FsProbe = { realpath: (dir) => fs.realpathSync.native(dir), statfsType: (dir) => fs.statfsSync(dir).type };

/**
 * Why `dir` is on a network share, or null. SQLite's locking (and WAL) is not safe over SMB or NFS, and a till
 * must not lose its journal when the network drops. On Windows the native realpath of a mapped drive letter
 * is its UNC path (\\server\share\…), so mapped drives are caught too; on Linux the file-system type says it.
 */
export function networkShareReason(dir: string, platform: string, probe: FsProbe = realFs): string | null {
  let real: string;
  try {
    real = probe.realpath(dir);
  } catch {
    return null;
  }
  if (platform === 'win32') {
    if (/^\\\\\?\\UNC\\/i.test(real) || (/^\\\\[^\\?.]/.test(real))) return `${real} is on a network share`;
    return null;
  }
  if (platform === 'linux') {
    try {
      const kind = NETWORK_FS_TYPES.get(probe.statfsType(real));
      return kind ? `${real} is on a network file system (${kind})` : null;
    } catch {
      return null;
    }
  }
  return null;
}
