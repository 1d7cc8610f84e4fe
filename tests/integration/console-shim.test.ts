import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { standInWindowsBuild } from '../support/stand-in-build';

/**
 * The Windows console entry point (console-shim/). This machine has no Windows: what can be proven here is
 * the committed binary's shape, that it is built from the committed source, and (under Wine, when installed)
 * its behaviour with a GUI-subsystem program standing in for the packaged app. What only Windows can show
 * (cmd.exe/PowerShell with the real Electron exe, the NSIS installer running it) is listed in
 * docs/epos-integration.md.
 */
const SHIM = path.resolve('console-shim/till-companion.exe');
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const MINGW = 'x86_64-w64-mingw32-gcc-win32';
const WINE = ['/usr/lib/wine/wine64', '/usr/bin/wine64', '/usr/bin/wine'].find((file) => fs.existsSync(file));
const WINESERVER = ['/usr/lib/wine/wineserver64', '/usr/lib/wine/wineserver', '/usr/bin/wineserver'].find((file) => fs.existsSync(file));
// CI installs both (.ci/run, .github/workflows/ci.yml): there a missing tool is a failure, not a skip.
if (process.env['CI'] === 'true' && (!WINE || !has(MINGW))) throw new Error(`CI must have wine64 and ${MINGW} for the console launcher's proof.`);
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'till-shim-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** The PE facts that matter: machine, console subsystem, and the DLLs it imports. */
function peFacts(file: string) {
  const bytes = fs.readFileSync(file);
  const pe = bytes.readUInt32LE(0x3c);
  expect(bytes.subarray(pe, pe + 4).toString('latin1')).toBe('PE\0\0');
  const optional = pe + 24;
  return {
    machine: bytes.readUInt16LE(pe + 4).toString(16),
    magic: bytes.readUInt16LE(optional).toString(16),
    subsystem: bytes.readUInt16LE(optional + 68),
    dlls: [...new Set(bytes.toString('latin1').match(/[A-Za-z0-9_]+\.dll/gi)!.map((name) => name.toLowerCase()))].sort(),
    size: bytes.length,
  };
}

describe('Windows console launcher', () => {
  it('is a small x64 console-subsystem program that needs only Windows system DLLs', () => {
    expect(peFacts(SHIM)).toEqual({ machine: '8664', magic: '20b', subsystem: 3, dlls: ['advapi32.dll', 'kernel32.dll', 'msvcrt.dll', 'user32.dll'], size: expect.any(Number) });
    expect(peFacts(SHIM).size).toBeLessThan(64 * 1024);
  });

  it('electron-builder ships it in bin\\ beside the app, which is the only other program there; the NSIS installer puts it on PATH', async () => {
    const build = await standInWindowsBuild({ variant: 'default' });
    try {
      const appDir = path.dirname(build.app.binary);
      expect(fs.readFileSync(path.join(appDir, 'bin', 'till-companion.exe')).equals(fs.readFileSync(SHIM))).toBe(true);
      // How the launcher finds the app: the one .exe in the folder above bin\ that is not an uninstaller.
      expect(fs.readdirSync(appDir).filter((name) => name.toLowerCase().endsWith('.exe') && !name.startsWith('Uninstall '))).toEqual([path.basename(build.app.binary)]);
    } finally {
      build.cleanup();
    }
    expect(fs.readFileSync('electron-builder.yml', 'utf8')).toMatch(/include: console-shim\/installer\.nsh/);
    const nsh = fs.readFileSync('console-shim/installer.nsh', 'utf8');
    expect(nsh).toMatch(/!macro customInstall\s+nsExec::Exec '"\$INSTDIR\\bin\\till-companion\.exe" --till-shim-path=add'/);
    expect(nsh).toMatch(/!macro customUnInstall\s+nsExec::Exec '"\$INSTDIR\\bin\\till-companion\.exe" --till-shim-path=remove'/);
  }, 120_000);

  it.skipIf(!has(MINGW))(`is built from console-shim/till-companion.c byte for byte (needs ${MINGW})`, () => {
    const rebuilt = path.join(temp, 'rebuilt.exe');
    execFileSync('sh', ['console-shim/build.sh', rebuilt], { env: { ...process.env, CC: MINGW } });
    expect(fs.readFileSync(rebuilt).equals(fs.readFileSync(SHIM))).toBe(true);
  });

  describe.skipIf(!WINE || !has(MINGW))('under Wine, with a GUI-subsystem program standing in for the app (needs wine64 and MinGW-w64)', () => {
    const prefix = path.join(os.tmpdir(), 'till-companion-wine-prefix'); // reused: creating one takes a while
    const install = path.join(temp, 'Till Companion');
    const wine = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) => {
      const run = spawnSync(WINE!, args, { input: options.input ?? '', env: { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', ...options.env }, timeout: 240_000 });
      return { code: run.status, out: run.stdout.toString('utf8').replace(/\r\n/g, '\n'), err: run.stderr.toString('utf8').replace(/\r\n/g, '\n').replace(/^wine: .*\n/gm, '') }; // Wine's own notes (prefix set-up) are not the program's
    };
    const userPath = () => /Path\s+REG_\w+\s+(.*)/.exec(wine(['reg', 'query', 'HKCU\\Environment', '/v', 'Path']).out)?.[1]?.trim();

    // Speed only, never correctness: a wineserver started by a call below would keep that call's output pipes open
    // for its 3 s linger (each call then lasts ~3.5 s). So start one first, detached from every pipe, that stays 60 s
    // after its last program (it ends by itself: never killed here, as a parallel run may share the prefix), and let
    // wineboot create or update the prefix and start Wine's own services under it.
    beforeAll(() => {
      const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all' };
      if (WINESERVER) spawnSync(WINESERVER, ['-p60'], { env, stdio: 'ignore', timeout: 60_000 });
      spawnSync(WINE!, ['wineboot'], { env, stdio: 'ignore', timeout: 240_000 });
    }, 300_000);

    it('relays arguments (quoting kept), standard input, output and error, and returns the app\'s exit code', () => {
      fs.mkdirSync(path.join(install, 'bin'), { recursive: true });
      execFileSync(MINGW, ['-municode', '-mwindows', '-Os', '-o', path.join(install, 'Till Companion.exe'), 'tests/support/console-shim/fake-app.c']);
      expect(peFacts(path.join(install, 'Till Companion.exe')).subsystem).toBe(2); // GUI, like Electron's exe
      fs.copyFileSync(path.join(install, 'Till Companion.exe'), path.join(install, 'Uninstall Till Companion.exe'));
      fs.copyFileSync(SHIM, path.join(install, 'bin', 'till-companion.exe'));
      const run = wine([path.join(install, 'bin', 'till-companion.exe'), 'pay', '--reference', 'Table 5 "window"', '--token-stdin', '--read-stdin', '--exit', '3'], { input: 'token-from-stdin\n' });
      expect(run.code).toBe(3);
      expect(run.out).toBe('arg:pay\narg:--reference\narg:Table 5 "window"\narg:--token-stdin\narg:--read-stdin\nstdin:token-from-stdin\narg:--exit\narg:3\n');
      expect(run.err).toBe('to stderr\n');
      expect(wine([path.join(install, 'bin', 'till-companion.exe'), 'status', '--exit', '0']).code).toBe(0);
    }, 300_000);

    it('without the app beside it: exit 4 and a message saying what to do', () => {
      const lonely = path.join(temp, 'lonely', 'bin');
      fs.mkdirSync(lonely, { recursive: true });
      fs.copyFileSync(SHIM, path.join(lonely, 'till-companion.exe'));
      const run = wine([path.join(lonely, 'till-companion.exe'), 'pay']);
      expect(run.code).toBe(4);
      expect(run.err).toMatch(/cannot find the Till Companion program next to this command/);
    }, 300_000);

    it('adds its folder to the user PATH once, keeps the other entries as stored, and removes only itself', () => {
      fs.mkdirSync(path.join(install, 'bin'), { recursive: true });
      fs.copyFileSync(SHIM, path.join(install, 'bin', 'till-companion.exe'));
      wine(['reg', 'add', 'HKCU\\Environment', '/v', 'Path', '/t', 'REG_EXPAND_SZ', '/d', '%USERPROFILE%\\tools;C:\\Other', '/f']);
      const shim = path.join(install, 'bin', 'till-companion.exe');
      expect(wine([shim, '--till-shim-path=add']).code).toBe(0);
      expect(wine([shim, '--till-shim-path=add']).code).toBe(0);
      const added = userPath()!;
      expect(added.split(';').slice(0, 2)).toEqual(['%USERPROFILE%\\tools', 'C:\\Other']);
      expect(added.split(';').filter((entry) => /Till Companion\\bin$/i.test(entry))).toHaveLength(1);
      expect(wine(['reg', 'query', 'HKCU\\Environment', '/v', 'Path']).out).toMatch(/REG_EXPAND_SZ/);
      expect(wine([shim, '--till-shim-path=remove']).code).toBe(0);
      expect(userPath()).toBe('%USERPROFILE%\\tools;C:\\Other');
    }, 300_000);
  });
});
