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
// The package's index first: its modules import each other in a cycle that only resolves in that order.
import { WinPackager, type Packager, type Target as BuilderTarget } from 'app-builder-lib';
import { NoOpTarget } from 'app-builder-lib/out/targets/targetFactory';
import { loadVariant, mergedConfig, ROOT, type Target } from '../../scripts/packaging/variant';
import { packagedApp, productFilename, type PackagedApp } from '../../scripts/packaging/smoke';

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
  cleanup(): void;
}

/**
 * Packages a reseller's Windows x64 app with electron-builder around a stand-in Electron. `npmRebuild` is off (a
 * Windows keytar.node cannot be built on Linux), so the native module packed is this machine's own build.
 */
export async function standInWindowsBuild(options: { variant: string; target?: Extract<Target, 'nsis' | 'msi'>; env?: Record<string, string>; fuses?: number }): Promise<StandInBuild> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-stand-in-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  // The project itself (its package.json, node_modules, resellers/, build/), with placeholders for electron-vite's
  // out/ (not needed to test the packaging, and a real out/ here is left alone).
  const out = path.join(dir, 'out');
  for (const file of ['main/index.js', 'preload/index.js', 'renderer/index.html']) {
    fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
    fs.writeFileSync(path.join(out, file), '// stand-in\n');
  }
  const electronDist = path.join(dir, 'electron-dist');
  fs.mkdirSync(electronDist);
  fs.writeFileSync(path.join(electronDist, 'electron.exe'), standInElectronExe(options.fuses));

  const variant = loadVariant(options.variant);
  const target = options.target ?? 'nsis';
  const config = mergedConfig(variant, target, { env: options.env ?? {} });
  const afterPack = require('../../scripts/packaging/after-pack.cjs') as (context: unknown) => Promise<void>;
  const app = packagedApp(path.join(dir, 'dist'), productFilename(variant, target), 'win32', 'x64');
  let wireAfterHook: Buffer | undefined;
  const { build, Platform, Arch } = await import('electron-builder');
  class StandInPackager extends WinPackager {
    // Each target keeps its name (electron-builder writes app-update.yml only for NSIS) but builds nothing.
    override createTargets(names: string[], mapper: (name: string, factory: (outDir: string) => BuilderTarget) => void) {
      for (const name of names) mapper(name, () => new NoOpTarget(name));
    }
    // Turning the PNG into an .ico needs a toolset electron-builder downloads.
    override getIconPath() {
      return Promise.resolve(null);
    }
  }
  try {
    await build({
      targets: Platform.WINDOWS.createTarget(target, Arch.x64),
      projectDir: ROOT,
      publish: 'never',
      config: {
        ...config,
        electronDist,
        npmRebuild: false,
        files: [{ from: out, to: 'out', filter: ['**/*'] }, ...(config['files'] as string[]).filter((pattern) => !pattern.startsWith('out/'))],
        directories: { ...config['directories'], output: path.join(dir, 'dist') },
        afterPack: async (context: unknown) => {
          await afterPack(context);
          wireAfterHook = fuseWire(app.binary, options.fuses);
        },
      },
      platformPackagerFactory: (info: Packager) => new StandInPackager(info),
    } as never);
  } catch (error) {
    cleanup();
    throw error;
  }
  return { dir, app, wireAfterHook, cleanup };
}

/** The fuse wire bytes of a built stand-in binary. */
export function fuseWire(binary: string, fuses = KNOWN_FUSES): Buffer {
  const bytes = fs.readFileSync(binary);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length + 2;
  return Buffer.from(bytes.subarray(at, at + fuses));
}
