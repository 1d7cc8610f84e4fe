import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appArguments, debuggingSwitches, launchMode } from '../../src/main/electron/launch-args';
import { electronAppArgs } from '../../scripts/lib/electron-binary';

const root = path.resolve(__dirname, '../..');

/**
 * Electron's own rule for the app path when started from source (electron/electron default_app/main.ts,
 * loadApplicationPackage): skip options and `-r <module>`; the first other argument is the app; if it is a
 * folder with a package.json, that folder is the app path (name and version come from it), else the folder
 * of the file.
 */
function appPathElectronWouldUse(args: readonly string[]): string {
  let target: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-r' || args[i] === '--require') i++;
    else if (!args[i]!.startsWith('-')) {
      target = path.resolve(root, args[i]!);
      break;
    }
  }
  if (!target) throw new Error('no app given');
  return fs.existsSync(path.join(target, 'package.json')) ? target : path.dirname(target);
}

describe('npm start and the Electron e2e suite start the project folder (item 1)', () => {
  it('Electron then reads the project package.json: name, version, main and the build config are right', () => {
    const appPath = appPathElectronWouldUse(electronAppArgs(root));
    expect(appPath).toBe(root);
    const pkg = JSON.parse(fs.readFileSync(path.join(appPath, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ productName: 'Till Companion', main: 'out/main/index.js' });
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('the launchers use those arguments (never out/main/index.js)', () => {
    for (const file of ['scripts/start.ts', 'tests/e2e/electron/launch.spec.ts', 'tests/e2e/electron/smoke.spec.ts']) {
      const source = fs.readFileSync(path.join(root, file), 'utf8');
      expect(source, file).toMatch(/electronAppArgs\(/);
      expect(source, file).not.toMatch(/out\/main\/index\.js/);
    }
  });

  it('started with the file instead, the app path would be out/main, where no package.json is', () => {
    expect(appPathElectronWouldUse([path.join(root, 'out/main/index.js')])).toBe(path.join(root, 'out', 'main'));
  });
});

describe('what a start is for', () => {
  it.each([
    [['/usr/bin/electron', '.'], true, { kind: 'app' }],
    [['/usr/bin/electron', '--inspect=0', '--remote-debugging-port=0', '/repo'], true, { kind: 'app' }], // Playwright puts switches first
    [['/usr/bin/electron', '-r', '/tmp/loader.js', '/repo', 'pay', '--amount', '1.00'], true, { kind: 'cli', args: ['pay', '--amount', '1.00'] }],
    [['C:\\Till.exe'], false, { kind: 'app' }],
    [['C:\\Till.exe', 'status', '--payment', 'p1'], false, { kind: 'cli', args: ['status', '--payment', 'p1'] }],
    [['C:\\Till.exe', '--smoke-test'], false, { kind: 'smoke' }],
    [['/usr/bin/electron', '.', '--smoke-test'], true, { kind: 'smoke' }],
  ])('%j (from source: %s) → %j', (argv, defaultApp, mode) => {
    expect(launchMode(argv, defaultApp)).toEqual(mode);
  });

  it('the app folder itself is never taken for a command', () => {
    expect(appArguments(['/usr/bin/electron', '/home/dev/pay'], true)).toEqual([]);
  });

  it('names the debugging switches a packaged till refuses (item 3)', () => {
    expect(debuggingSwitches(['C:\\Till.exe', '--remote-debugging-port=9222', '--inspect', '--inspect-brk=9229', '--js-flags=--expose-gc', 'pay'])).toEqual(['--remote-debugging-port=9222', '--inspect', '--inspect-brk=9229', '--js-flags=--expose-gc']);
    expect(debuggingSwitches(['C:\\Till.exe', '--smoke-test', '--inspector-free'])).toEqual([]);
  });

  // Chromium takes "--", "-" and, on Windows, "/" as switch prefixes, and on Windows matches names in any case
  // (base/command_line.cc): each spelling opens the same remote-debugging port.
  it.each([
    ['linux', '-remote-debugging-port=9222'],
    ['darwin', '-remote-debugging-pipe'],
    ['win32', '-remote-debugging-port=9222'],
    ['win32', '/remote-debugging-port=9222'],
    ['win32', '--Remote-Debugging-Port=9222'],
    ['win32', '/JS-FLAGS=--allow-natives-syntax'],
  ])('%s: %s is a debugging switch too', (platform, arg) => {
    expect(debuggingSwitches(['Till', arg], platform)).toEqual([arg]);
  });

  it('a "/" argument is a path, not a switch, outside Windows', () => {
    expect(debuggingSwitches(['Till', '/remote-debugging-port=9222'], 'darwin')).toEqual([]);
  });
});
