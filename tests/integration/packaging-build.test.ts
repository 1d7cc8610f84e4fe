import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { decidedFuses } from '../../scripts/packaging/fuses.cjs';
import { asarModules, asarProblems, consoleLauncherOf, consoleLauncherProblems, fuseMismatches, nativeModuleProblems, updateConfigProblems, type LauncherRun } from '../../scripts/packaging/smoke';
import { appModules } from '../../scripts/packaging/app-files';
import { loadVariant, ROOT } from '../../scripts/packaging/variant';
import { fuseWire, KNOWN_FUSES, standInWindowsBuild, type StandInBuild } from '../support/stand-in-build';

// electron-builder's own packaging code, run on a stand-in Electron (tests/support/stand-in-build.ts): what a
// reseller's Windows build really contains, checked with the same functions the packaged smoke test uses.
describe('a reseller Windows build, packaged by electron-builder around a stand-in Electron', () => {
  let build: StandInBuild;
  beforeAll(async () => {
    build = await standInWindowsBuild({ variant: 'example-reseller' });
  }, 120_000);
  afterAll(() => build?.cleanup());

  it('writes app-update.yml with the feed and the publisher updates must be signed by', () => {
    const config = load(fs.readFileSync(path.join(build.app.resources, 'app-update.yml'), 'utf8'));
    expect(config).toMatchObject({
      provider: 'generic',
      url: 'https://updates.example-reseller.co.uk/till-companion',
      publisherName: ['CN=Example Reseller Ltd, O=Example Reseller Ltd, L=Leeds, C=GB'],
    });
    expect(updateConfigProblems(build.app, loadVariant('example-reseller'), true)).toEqual([]);
  });

  it('flips every fuse in our afterPack hook, and nothing changes them after it', async () => {
    expect(await fuseMismatches(build.app.binary)).toEqual([]);
    const expected = Buffer.from(Object.values(decidedFuses()).map((on) => (on ? '1' : '0')).join(''), 'ascii');
    expect(fuseWire(build.app.binary)).toEqual(expected);
    expect(build.wireAfterHook).toEqual(expected);
  });

  it('packs only what the app loads at run time: no React or zustand, none of keytar\'s install tools', () => {
    const packed = asarModules(build.app.resources);
    expect(packed).toEqual([...appModules(ROOT).runtime].sort());
    for (const name of ['react', 'react-dom', 'zustand', 'scheduler', 'prebuild-install', 'node-addon-api', 'tar-fs']) expect(packed, name).not.toContain(name);
    expect(asarProblems(build.app)).toEqual([]);
  });

  it("finds keytar.node unpacked, and tells when it is not the app's platform and architecture", () => {
    // npmRebuild is off here, so the packed keytar.node is this machine's own build: the check must say so.
    expect(fs.existsSync(path.join(build.app.resources, 'app.asar.unpacked/node_modules/keytar/build/Release/keytar.node'))).toBe(true);
    expect(nativeModuleProblems(build.app)).toEqual([`${path.normalize('app.asar.unpacked/node_modules/keytar/build/Release/keytar.node')} is built for ${process.platform} ${process.arch}, the app for win32 x64`]);
  });
});

describe('the packaged smoke test runs the EPOS command line through the console launcher (Windows)', () => {
  let build: StandInBuild;
  beforeAll(async () => {
    build = await standInWindowsBuild({ variant: 'default' });
  }, 120_000);
  afterAll(() => build?.cleanup());
  const seen: { file: string; args: string[]; input: string }[] = [];
  const answering = (status: number | null, stdout: string): LauncherRun => (file, args, input) => (seen.push({ file, args, input }), { status, stdout, stderr: '' });

  it('the launcher electron-builder shipped is found; where the app cannot start here, that is all it checks', () => {
    expect(fs.existsSync(consoleLauncherOf(build.app))).toBe(true);
    expect(consoleLauncherProblems(build.app, 9, { run: answering(0, '') })).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('on Windows it asks a port where nothing listens, token on stdin: the CLI\'s JSON and exit code 4 must come through', () => {
    const notRunning = JSON.stringify({ error: 'The companion is not running (nothing answers on the EPOS port).' });
    expect(consoleLauncherProblems(build.app, 40123, { canStart: true, run: answering(4, `${notRunning}\n`) })).toEqual([]);
    expect(seen.at(-1)).toEqual({ file: consoleLauncherOf(build.app), args: ['status', '--reference', 'PACKAGED-SMOKE', '--port', '40123', '--token-stdin'], input: 'packaged-smoke-token\n' });
    // A GUI program run directly: cmd.exe does not wait, gets no output and exit code 0.
    expect(consoleLauncherProblems(build.app, 40123, { canStart: true, run: answering(0, '') })).toEqual([expect.stringContaining('exited 0'), expect.stringContaining('did not relay')]);
  });

  it('a build without the launcher fails the check', () => {
    fs.rmSync(consoleLauncherOf(build.app));
    expect(consoleLauncherProblems(build.app, 9)).toEqual([expect.stringContaining('was not shipped')]);
  });
});

describe('builds without an update feed, and a newer Electron', () => {
  it('a variant without updates gets no app-update.yml (nothing for the updater to follow)', async () => {
    const build = await standInWindowsBuild({ variant: 'default' });
    try {
      expect(fs.existsSync(path.join(build.app.resources, 'app-update.yml'))).toBe(false);
      expect(updateConfigProblems(build.app, loadVariant('default'), false)).toEqual([]);
    } finally {
      build.cleanup();
    }
  }, 120_000);

  it('refuses to build an Electron whose fuse wire has a fuse nobody decided', async () => {
    await expect(standInWindowsBuild({ variant: 'default', fuses: KNOWN_FUSES + 1 })).rejects.toThrow(/strictlyRequireAllFuses/);
  }, 120_000);
});

describe('npm run dist -- --publish', () => {
  const dist = (args: string[]) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(WIN_)?CSC_|^AZURE_|^APPLE_/.test(name)));
    return spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/packaging/dist.ts', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  };

  it.each([
    ['win', 'Refusing to publish an unsigned Windows build of a production variant'],
    ['mac', 'Refusing to publish an unsigned macOS build of a production variant'],
  ])('refuses an unsigned %s build of a production variant before building anything', (kind, message) => {
    const run = dist([kind, '--reseller', 'example-reseller', '--publish']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stdout).not.toContain('vite'); // refused before the build started
  }, 130_000);
});
