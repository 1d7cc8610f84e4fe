import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { networkShareReason, userDataDir } from '../../src/main/electron/paths';

const appId = 'com.tillcompanion.acme';

describe('the user-data folder (item 9)', () => {
  it('Windows: the local (non-roaming) app-data folder, named by the app id', () => {
    const dir = userDataDir({ platform: 'win32', env: { LOCALAPPDATA: 'C:\\Users\\till\\AppData\\Local', APPDATA: 'C:\\Users\\till\\AppData\\Roaming' }, home: 'C:\\Users\\till', appId, fromSource: false });
    expect(dir).toBe('C:\\Users\\till\\AppData\\Local\\com.tillcompanion.acme');
    expect(userDataDir({ platform: 'win32', env: {}, home: 'C:\\Users\\till', appId, fromSource: false })).toBe('C:\\Users\\till\\AppData\\Local\\com.tillcompanion.acme');
  });

  it('macOS: Application Support, named by the app id', () => {
    expect(userDataDir({ platform: 'darwin', env: {}, home: '/Users/till', appId, fromSource: false })).toBe('/Users/till/Library/Application Support/com.tillcompanion.acme');
  });

  it('from source: a folder of its own (so also its own single-instance lock)', () => {
    expect(userDataDir({ platform: 'darwin', env: {}, home: '/Users/dev', appId, fromSource: true })).toBe('/Users/dev/Library/Application Support/com.tillcompanion.acme-dev');
  });
});

describe('the journal never on a network share (item 9)', () => {
  const probe = (real: string, type = 0xef53) => ({ realpath: () => real, statfsType: () => type });

  it.each([
    ['\\\\fileserver\\profiles\\till\\AppData\\Local\\x'], // UNC, or a mapped drive letter resolved by the native realpath
    ['\\\\?\\UNC\\fileserver\\profiles\\x'],
  ])('Windows: %s is refused', (real) => {
    expect(networkShareReason('Z:\\AppData\\Local\\x', 'win32', probe(real))).toMatch(/network share/);
  });

  it('Windows: a local drive is fine', () => {
    expect(networkShareReason('C:\\x', 'win32', probe('C:\\Users\\till\\AppData\\Local\\x'))).toBeNull();
  });

  it.each([
    [0x6969, 'NFS'],
    [0xff534d42, 'CIFS'],
    [0xfe534d42, 'SMB2'],
  ])('Linux: file system type %s (%s) is refused; ext4 is fine', (type, name) => {
    expect(networkShareReason('/home/till/.local/share/x', 'linux', probe('/home/till/.local/share/x', type))).toMatch(new RegExp(name));
    expect(networkShareReason('/home/till/.local/share/x', 'linux', probe('/home/till/.local/share/x'))).toBeNull();
  });

  it('the real folder on this machine is local', () => {
    expect(networkShareReason(path.resolve('.'), process.platform)).toBeNull();
  });
});
