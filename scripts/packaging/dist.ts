// `npm run dist:win|dist:msi|dist:mac -- --reseller <id> [--arch x64|arm64] [--dir] [--test-build] [--publish]
// [--no-checks]`: builds a reseller's installers on a machine that can download Electron (docs/resellers.md: signing,
// hosting updates, CI), then runs the packaged checks on every app it built (smoke.ts; CI runs them as a step).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { publishProblems } from './signing';
import { expectsUpdateConfig, packagedApp, packagedProblems, productFilename, type Arch } from './smoke';
import { loadVariant, mergedConfig, ROOT, type Target } from './variant';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  allowNegative: true,
  options: {
    checks: { type: 'boolean', default: true },
    reseller: { type: 'string', default: 'default' },
    arch: { type: 'string' },
    dir: { type: 'boolean', default: false },
    'test-build': { type: 'boolean', default: false },
    publish: { type: 'boolean', default: false },
  },
});

/** The architectures a target is built for (electron-builder.yml), or the one asked for. */
function archesOf(config: Record<string, unknown>, target: Target, only?: string): Arch[] {
  const platform = (target === 'mac' ? config['mac'] : config['win']) as { target: { arch: Arch[] }[] };
  const all = [...new Set(platform.target.flatMap((t) => t.arch))];
  if (only && !all.includes(only as Arch)) throw new Error(`--arch ${only}: this target builds ${all.join(', ')}`);
  return only ? [only as Arch] : all;
}

async function main() {
  const kind = positionals[0];
  const target: Target | undefined = kind === 'win' ? 'nsis' : kind === 'msi' ? 'msi' : kind === 'mac' ? 'mac' : undefined;
  if (!target) throw new Error('Usage: dist.ts win|msi|mac --reseller <id>');
  const variant = loadVariant(values.reseller!);
  const testBuild = values['test-build']!;
  const publish = values.publish!;

  // Refuse before spending a build on it: an update feed gets only signed (and on macOS notarised) builds.
  if (publish) {
    const problems = publishProblems({ target, updatesEnabled: variant.updates.enabled && target !== 'msi', production: variant.allowedEnvironments.includes('production'), testBuild, env: process.env });
    if (values.dir) problems.push('--dir makes no installer to publish.');
    if (problems.length) throw new Error(`not publishing ${variant.id}:\n  ${problems.join('\n  ')}`);
  }
  if (testBuild) process.env['TILL_TEST_BUILD'] = '1'; // read by the afterPack hook (fuses.cjs: the test flavour)
  const config = mergedConfig(variant, target, { publish });
  const arches = archesOf(config, target, values.arch);

  const built = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);

  const { build, Platform, Arch: BuilderArch } = await import('electron-builder');
  const platform = target === 'mac' ? Platform.MAC : Platform.WINDOWS;
  const names = values.dir ? ['dir'] : target === 'msi' ? ['msi'] : target === 'mac' ? ['dmg', 'zip'] : ['nsis'];
  const targets = platform.createTarget(names, ...arches.map((a) => BuilderArch[a]));
  const artifacts = await build({ targets, config, publish: publish ? 'always' : 'never', projectDir: ROOT });
  process.stdout.write(`Built for ${variant.productName} (${variant.id}, ${target}${testBuild ? ', test build' : ''}):\n${artifacts.map((a) => `  ${path.relative(ROOT, a)}`).join('\n')}\n`);

  if (!values.checks) return;
  // The packaged checks on every app built; the ones this machine can run are started too.
  const outDir = path.join(ROOT, 'dist', variant.id);
  const problems: string[] = [];
  for (const arch of arches) {
    const app = packagedApp(outDir, productFilename(variant, target), target === 'mac' ? 'darwin' : 'win32', arch);
    problems.push(...(await packagedProblems(app, variant, { updates: expectsUpdateConfig(variant, target, values.dir), testBuild })));
  }
  if (problems.length) throw new Error(`packaged checks failed:\n  ${problems.join('\n  ')}`);
  process.stdout.write(`Packaged checks passed for ${arches.join(', ')}: fuses as decided, native modules per architecture, app.asar contents, update config; started where this machine can run it.\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`dist failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
