// electron-builder's real Windows packaging, run here without Electron's binary: a stand-in electron.exe (a valid
// PE file with a version resource and Electron's fuse wire, made with resedit, the library electron-builder edits
// executables with) is given as `electronDist`, and the installer step is left out (it would download NSIS).
// Everything before it is electron-builder's own code: the app file set and app.asar, the asar integrity resource,
// the afterPack hooks (ours, and electron-builder's that writes app-update.yml), the resource edit and signing.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { NtExecutable, NtExecutableResource, Resource } from 'resedit';
import { FuseV1Options } from '@electron/fuses';
import { loadVariant, mergedConfig, ROOT, type Target } from '../../scripts/packaging/variant';
import { packagedApp, type PackagedApp } from '../../scripts/packaging/smoke';

const require = createRequire(import.meta.url);
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
export const KNOWN_FUSES = Object.keys(FuseV1Options).filter((k) => Number.isNaN(Number(k))).length;

/** A 64-bit Windows executable with a version resource and a fuse wire of `fuses` fuses, all on. */
export function standInElectronExe(fuses = KNOWN_FUSES): Buffer {
  const exe = NtExecutable.createEmpty(false, false);
  const resources = NtExecutableResource.from(exe);
  const version = Resource.VersionInfo.createEmpty();
  version.lang = 1033;
  version.setStringValues({ lang: 1033, codepage: 1200 }, { ProductName: 'Electron', FileDescription: 'Electron' });
  version.outputToResourceEntries(resources.entries);
  resources.outputResource(exe);
  exe.setExtraData(Buffer.concat([Buffer.from(SENTINEL, 'ascii'), Buffer.from([1, fuses]), Buffer.from('1'.repeat(fuses), 'ascii')]));
  return Buffer.from(exe.generate());
}

export interface StandInBuild {
  dir: string;
  app: PackagedApp;
  /** The fuse wire bytes right after our afterPack hook returned. */
  wireAfterHook: Buffer | undefined;
  log: string[];
  cleanup(): void;
}

/**
 * Packages a reseller's Windows x64 app with electron-builder around a stand-in Electron. `npmRebuild` is off (a
 * Windows keytar.node cannot be built on Linux), so the native module packed is this machine's own build.
 */
export async function standInWindowsBuild(options: { variant: string; target?: Extract<Target, 'nsis' | 'msi'>; env?: Record<string, string>; fuses?: number }): Promise<StandInBuild> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-stand-in-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  // A project folder whose out/ holds placeholders (electron-vite's output is not needed to test the packaging).
  const project = path.join(dir, 'project');
  fs.mkdirSync(project);
  for (const entry of ['node_modules', 'build', 'resellers', 'scripts']) fs.symlinkSync(path.join(ROOT, entry), path.join(project, entry));
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, file), path.join(project, file));
  for (const file of ['out/main/index.js', 'out/preload/index.js', 'out/renderer/index.html']) {
    fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    fs.writeFileSync(path.join(project, file), '// stand-in\n');
  }
  const electronDist = path.join(dir, 'electron-dist');
  fs.mkdirSync(electronDist);
  fs.writeFileSync(path.join(electronDist, 'electron.exe'), standInElectronExe(options.fuses));

  const variant = loadVariant(options.variant);
  const target = options.target ?? 'nsis';
  const config = mergedConfig(variant, target, { env: options.env ?? {} });
  const afterPack = require('../../scripts/packaging/after-pack.cjs') as (context: unknown) => Promise<void>;
  const app = packagedApp(path.join(dir, 'dist'), variant.productName, 'win32', 'x64');
  let wireAfterHook: Buffer | undefined;
  const { build, Platform, Arch } = await import('electron-builder');
  const { WinPackager } = require('app-builder-lib/out/winPackager');
  const { NoOpTarget } = require('app-builder-lib/out/targets/targetFactory');
  const { setPrinter } = require('builder-util/out/log');
  class StandInPackager extends WinPackager {
    // Each target keeps its name (electron-builder writes app-update.yml only for NSIS) but builds nothing.
    override createTargets(names: string[], mapper: (name: string, factory: () => unknown) => void) {
      for (const name of names) mapper(name, () => new NoOpTarget(name));
    }
    // Turning the PNG into an .ico needs a toolset electron-builder downloads.
    override getIconPath() {
      return Promise.resolve(null);
    }
  }
  const log: string[] = [];
  setPrinter((line: string) => log.push(line));
  try {
    await build({
      targets: Platform.WINDOWS.createTarget(target, Arch.x64),
      projectDir: project,
      publish: 'never',
      config: {
        ...config,
        electronDist,
        npmRebuild: false,
        directories: { ...config['directories'], output: path.join(dir, 'dist') },
        afterPack: async (context: unknown) => {
          await afterPack(context);
          wireAfterHook = fuseWire(app.binary, options.fuses);
        },
      },
      platformPackagerFactory: (info: unknown) => new StandInPackager(info),
    } as never);
  } catch (error) {
    cleanup();
    throw error;
  } finally {
    setPrinter(null);
  }
  return { dir, app, wireAfterHook, log, cleanup };
}

/** The fuse wire bytes of a built stand-in binary. */
export function fuseWire(binary: string, fuses = KNOWN_FUSES): Buffer {
  const bytes = fs.readFileSync(binary);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length + 2;
  return Buffer.from(bytes.subarray(at, at + fuses));
}
