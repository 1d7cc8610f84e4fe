// The packaged checks, run by dist.ts on every app it built and by CI (`npm run smoke:packaged -- --reseller <id>
// --kind win|msi|mac [--arch x64|arm64] [--dir] [--test-build]`). On any machine: the binary's fuses are the policy's,
// every native module (keytar.node) is built for the app's platform and architecture, app.asar holds only what
// runs, and the update config (app-update.yml) names the feed and, on Windows, the publisher updates must be signed
// by. Where the machine can run the app: it starts with --smoke-test and reports the reseller's build, and on Windows
// the EPOS command line answers through the console launcher in bin\ with its own output and exit code.
import * as asar from '@electron/asar';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { load } from 'js-yaml';
import { REQUIRE_ELECTRON } from '../lib/electron-binary';
import { freePortBlock } from '../lib/free-port-block';
import { appModules } from './app-files';
import { PLATFORM_OF, readBinaryKind } from './binary-arch';
import { decidedFuses } from './fuses.cjs';
import { sanitizeFileName } from 'builder-util/out/filename';
import { loadVariant, mergedConfig, publisherNames, ROOT, type Target, type Variant } from './variant';

export type Arch = 'x64' | 'arm64';
export interface PackagedApp {
  platform: 'win32' | 'darwin';
  arch: Arch;
  /** The executable (.exe) or the .app bundle: what @electron/fuses reads. */
  binary: string;
  /** The folder holding app.asar. */
  resources: string;
}

/** The file name electron-builder gives the executable (.exe) or bundle (.app): its own sanitising of the name. */
export function productFilename(variant: Variant, target: Target): string {
  const executableName = target === 'mac' ? undefined : (mergedConfig(variant, target, { env: {} })['win']?.executableName as string | undefined);
  return sanitizeFileName(executableName ?? variant.productName);
}

/** Where electron-builder leaves the unpacked app for a platform and architecture (its own folder names). */
export function packagedApp(outDir: string, productFilename: string, platform: 'win32' | 'darwin', arch: Arch): PackagedApp {
  if (platform === 'win32') {
    const dir = path.join(outDir, arch === 'x64' ? 'win-unpacked' : `win-${arch}-unpacked`);
    return { platform, arch, binary: path.join(dir, `${productFilename}.exe`), resources: path.join(dir, 'resources') };
  }
  const bundle = path.join(outDir, arch === 'x64' ? 'mac' : `mac-${arch}`, `${productFilename}.app`);
  return { platform, arch, binary: bundle, resources: path.join(bundle, 'Contents', 'Resources') };
}

/** Differences between a binary's fuses and the policy (empty when they match). */
export async function fuseMismatches(binary: string, testBuild = false): Promise<string[]> {
  const wire = await getCurrentFuseWire(binary);
  return Object.entries(decidedFuses(testBuild)).flatMap(([name, enabled]) => {
    const state = wire[FuseV1Options[name as keyof typeof FuseV1Options]];
    const actual = state === FuseState.ENABLE ? true : state === FuseState.DISABLE ? false : undefined;
    return actual === enabled ? [] : [`${name}: expected ${enabled ? 'on' : 'off'}, found ${actual === undefined ? 'absent' : actual ? 'on' : 'off'}`];
  });
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Every native module must be built for the app's own platform and architecture; keytar's must be there. */
export function nativeModuleProblems(app: PackagedApp): string[] {
  const modules = filesUnder(path.join(app.resources, 'app.asar.unpacked')).filter((f) => f.endsWith('.node'));
  const problems = modules.some((f) => path.basename(f) === 'keytar.node') ? [] : ['keytar.node is not in app.asar.unpacked'];
  for (const file of modules) {
    const kind = readBinaryKind(file);
    const where = path.relative(app.resources, file);
    if (!kind) problems.push(`${where} is not a native binary`);
    else if (PLATFORM_OF[kind.format] !== app.platform || !kind.arches.includes(app.arch)) problems.push(`${where} is built for ${PLATFORM_OF[kind.format]} ${kind.arches.join('+')}, the app for ${app.platform} ${app.arch}`);
  }
  return problems;
}

/** The npm packages inside app.asar (names). */
export function asarModules(resources: string): string[] {
  const archive = path.join(resources, 'app.asar');
  const names = new Set<string>();
  for (const entry of asar.listPackage(archive, { isPack: false })) {
    const parts = entry.split(/[\\/]/).filter(Boolean);
    for (let i = 0; i < parts.length - 2; i++) {
      if (parts[i] !== 'node_modules') continue;
      const name = parts[i + 1]!.startsWith('@') ? `${parts[i + 1]}/${parts[i + 2]}` : parts[i + 1]!;
      if ('files' in asar.statFile(archive, entry.replace(/^[\\/]/, ''))) continue; // a folder left by an excluded package
      names.add(name);
    }
  }
  return [...names].sort();
}

/** app.asar holds what the app loads at run time and nothing else (no bundled UI libraries, no install tools). */
export function asarProblems(app: PackagedApp): string[] {
  const { runtime } = appModules(ROOT);
  const packed = asarModules(app.resources);
  const extra = packed.filter((name) => !runtime.has(name));
  const missing = [...runtime].filter((name) => !packed.includes(name));
  return [...(extra.length ? [`app.asar carries packages the app does not load: ${extra.join(', ')}`] : []), ...(missing.length ? [`app.asar lacks runtime packages: ${missing.join(', ')}`] : [])];
}

/**
 * Whether electron-builder writes app-update.yml: the variant has a feed, the target updates in the app (not MSI)
 * and an installer is made (a --dir build has no installer target, so no update config).
 */
export const expectsUpdateConfig = (variant: Variant, target: Target, dir = false) => variant.updates.enabled && target !== 'msi' && !dir;

/** app-update.yml: present exactly when the build updates itself, with the feed and (Windows) the trusted publisher. */
export function updateConfigProblems(app: PackagedApp, variant: Variant, updates: boolean): string[] {
  const file = path.join(app.resources, 'app-update.yml');
  if (!updates) return fs.existsSync(file) ? ['app-update.yml is present in a build without updates'] : [];
  if (!fs.existsSync(file)) return ['app-update.yml is missing: the updater has no feed'];
  const config = load(fs.readFileSync(file, 'utf8')) as { provider?: string; url?: string; publisherName?: string[] };
  const problems: string[] = [];
  if (config.provider !== 'generic' || config.url !== variant.updates.url) problems.push(`app-update.yml points at ${config.provider} ${config.url}, not ${variant.updates.url}`);
  if (app.platform === 'win32' && JSON.stringify(config.publisherName ?? []) !== JSON.stringify(publisherNames(variant))) {
    problems.push(`app-update.yml names publisher ${JSON.stringify(config.publisherName ?? null)}: updates would install without the signature check`);
  }
  return problems;
}

/** The executable inside a .app bundle, or the path itself. */
export const executableOf = (binary: string) => (binary.endsWith('.app') ? path.join(binary, 'Contents', 'MacOS', path.basename(binary, '.app')) : binary);

/** Whether this machine can start the app (same platform and architecture). */
export const canRun = (app: PackagedApp) => app.platform === process.platform && app.arch === process.arch;

/** Starts the app with --smoke-test: it must exit 0 and report the reseller's build as packaged. */
export function runProblems(app: PackagedApp, variantId: string): string[] {
  const env = { ...process.env };
  delete env['ELECTRON_RUN_AS_NODE'];
  const run = spawnSync(executableOf(app.binary), ['--smoke-test'], { encoding: 'utf8', timeout: 180_000, env });
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('{"smoke"'));
  const problems: string[] = [];
  if (run.status !== 0) problems.push(`--smoke-test exited ${run.status ?? run.signal}: ${(run.stderr ?? '').slice(-600)}`);
  if (!line) problems.push('the app did not report itself on stdout');
  else {
    const report = JSON.parse(line) as { smoke?: string; variantId?: string; packaged?: boolean; problems?: string[] };
    // The app's own checks (keytar, services, app://bundle and its CSP, window.till): src/main/electron/smoke.ts.
    if (report.smoke !== 'ok') problems.push(`the app's smoke checks failed: ${(report.problems ?? []).join('; ')}`);
    if (report.variantId !== variantId) problems.push(`built for ${report.variantId}, expected ${variantId}`);
    if (!report.packaged) problems.push('the app does not know it is packaged');
  }
  return problems;
}

/**
 * The start with --smoke-test where this machine can run the app. Where it cannot (another platform or
 * architecture, or this Node runs under emulation) the start is skipped, unless `mustStart` (CI: the runner was
 * chosen to start this very app) makes that a failure instead of a green run that never started anything.
 */
export function startProblems(app: PackagedApp, variantId: string, mustStart = false, run = runProblems): string[] {
  if (canRun(app)) return run(app, variantId);
  return mustStart ? [`not started: this machine runs ${process.platform} ${process.arch} Node, the app is ${app.platform} ${app.arch} (${REQUIRE_ELECTRON}=1 requires the start)`] : [];
}

/** The EPOS command line's console launcher a Windows build carries in bin\\ (console-shim/, docs/epos-integration.md). */
export const consoleLauncherOf = (app: PackagedApp) => path.join(path.dirname(app.binary), 'bin', 'till-companion.exe');

export type LauncherRun = (file: string, args: string[], input: string) => { status: number | null; stdout: string; stderr: string };
const runLauncher: LauncherRun = (file, args, input) => {
  const env = { ...process.env };
  delete env['ELECTRON_RUN_AS_NODE'];
  const run = spawnSync(file, args, { input, encoding: 'utf8', timeout: 180_000, env });
  return { status: run.status, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
};

/**
 * Windows: the command line as a batch file runs it, through the console launcher and the real app. Nothing listens
 * on `port`, so the app's CLI must answer with its own JSON and exit code 4 ("not running"): cmd.exe gets the app's
 * output and exit code through the launcher. Where the app cannot run here, only that the launcher was shipped.
 */
export function consoleLauncherProblems(app: PackagedApp, port: number, options: { run?: LauncherRun; canStart?: boolean } = {}): string[] {
  const { run = runLauncher, canStart = canRun(app) } = options;
  if (app.platform !== 'win32') return [];
  const launcher = consoleLauncherOf(app);
  if (!fs.existsSync(launcher)) return [`${launcher} was not shipped: the EPOS command line would not work from cmd.exe`];
  if (!canStart) return [];
  const result = run(launcher, ['status', '--reference', 'PACKAGED-SMOKE', '--port', String(port), '--token-stdin'], 'packaged-smoke-token\n');
  let answer: { error?: unknown } | undefined;
  try {
    answer = JSON.parse(result.stdout) as { error?: unknown };
  } catch {
    answer = undefined;
  }
  const problems: string[] = [];
  if (result.status !== 4) problems.push(`the console launcher exited ${result.status} (expected the CLI's 4, "not running"): ${result.stderr.slice(-600)}`);
  if (typeof answer?.error !== 'string' || !/not running/.test(answer.error)) problems.push(`the console launcher did not relay the CLI's JSON answer: ${JSON.stringify(result.stdout.slice(0, 300))}`);
  return problems;
}

/** Every packaged check for one built app; the start-up check only where this machine can run it. */
export async function packagedProblems(app: PackagedApp, variant: Variant, options: { updates: boolean; testBuild?: boolean; mustStart?: boolean }): Promise<string[]> {
  const tag = (problems: string[]) => problems.map((p) => `${app.platform} ${app.arch}: ${p}`);
  if (!fs.existsSync(app.binary)) return tag([`${app.binary} was not built`]);
  return tag([
    ...(await fuseMismatches(app.binary, options.testBuild)),
    ...nativeModuleProblems(app),
    ...asarProblems(app),
    ...updateConfigProblems(app, variant, options.updates),
    ...startProblems(app, variant.id, options.mustStart),
    ...consoleLauncherProblems(app, freePortBlock(1)),
  ]);
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      reseller: { type: 'string', default: 'default' },
      kind: { type: 'string', default: 'win' },
      arch: { type: 'string' },
      dir: { type: 'boolean', default: false },
      'test-build': { type: 'boolean', default: false },
    },
  });
  const target = ({ win: 'nsis', msi: 'msi', mac: 'mac' } as const)[values.kind as 'win' | 'msi' | 'mac'];
  if (!target) throw new Error('--kind is win, msi or mac');
  const variant = loadVariant(values.reseller!);
  const arch = (values.arch ?? process.arch) as Arch;
  const app = packagedApp(path.join(ROOT, 'dist', variant.id), productFilename(variant, target), target === 'mac' ? 'darwin' : 'win32', arch);
  // Where the workflows require Electron (desktop.yml), the app built for this runner must really start.
  const mustStart = process.env[REQUIRE_ELECTRON] === '1';
  void packagedProblems(app, variant, { updates: expectsUpdateConfig(variant, target, values.dir), testBuild: values['test-build'], mustStart }).then((problems) => {
    const ran = canRun(app) ? ', started with --smoke-test' : ' (not started: another platform or architecture)';
    process.stdout.write(problems.length ? `packaged smoke test FAILED:\n${problems.map((p) => `  ${p}`).join('\n')}\n` : `packaged smoke test passed: ${app.binary}${ran}\n`);
    process.exit(problems.length ? 1 : 0);
  });
}
