// `npm run dist:win|dist:msi|dist:mac -- --reseller <id> [--test-build] [--publish]`: builds a reseller's installer
// on a build machine that can download Electron (see docs/resellers.md for signing and hosting updates).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { smoke } from './smoke';
import { loadVariant, mergedConfig, ROOT, type Target } from './variant';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { reseller: { type: 'string', default: 'default' }, 'test-build': { type: 'boolean', default: false }, publish: { type: 'boolean', default: false } },
});

async function main() {
  const kind = positionals[0];
  const target: Target | undefined = kind === 'win' ? 'nsis' : kind === 'msi' ? 'msi' : kind === 'mac' ? 'mac' : undefined;
  if (!target) throw new Error('Usage: dist.ts win|msi|mac --reseller <id>');
  const variant = loadVariant(values.reseller!);
  const testBuild = values['test-build']!;
  if (testBuild) process.env['TILL_TEST_BUILD'] = '1';
  const config = mergedConfig(variant, target, { testBuild });

  const built = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);

  const { build, Platform } = await import('electron-builder');
  const targets = target === 'mac' ? Platform.MAC.createTarget() : Platform.WINDOWS.createTarget();
  const artifacts = await build({ targets, config, publish: values.publish ? 'always' : 'never', projectDir: ROOT });
  process.stdout.write(`Built for ${variant.productName} (${variant.id}, ${target}${testBuild ? ', test build' : ''}):\n${artifacts.map((a) => `  ${path.relative(ROOT, a)}`).join('\n')}\n`);

  // Smoke-test the unpacked app when this machine can run it.
  const out = path.join(ROOT, 'dist', variant.id);
  const unpacked =
    target === 'mac' && process.platform === 'darwin'
      ? path.join(out, process.arch === 'arm64' ? 'mac-arm64' : 'mac', `${variant.productName}.app`)
      : target !== 'mac' && process.platform === 'win32'
        ? path.join(out, 'win-unpacked', `${variant.productName}.exe`)
        : undefined;
  if (unpacked) {
    const problems = await smoke(unpacked, variant.id, testBuild);
    if (problems.length) throw new Error(`packaged smoke test failed:\n${problems.join('\n')}`);
    process.stdout.write('Packaged smoke test passed: fuses as decided, the app starts with its build config.\n');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`dist failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
