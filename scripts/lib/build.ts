import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildBridgeScript } from '../../src/web-harness/server/build-bridge';

const ROOT = path.resolve(__dirname, '../..');
/** What electron-vite's output depends on: the sources, the build config, the locked dependencies, TypeScript's settings. */
const INPUTS = ['src', 'electron.vite.config.ts', 'package.json', 'package-lock.json', ...fs.readdirSync(ROOT).filter((f) => /^tsconfig.*\.json$/.test(f))];
const ENTRIES = ['out/main/index.js', 'out/preload/index.js', 'out/renderer/index.html'];
const STAMP = 'out/.build-inputs';

function files(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs.readdirSync(full).sort().flatMap((name) => files(path.join(entry, name)));
}

/** A digest of every input's path and content. */
export function buildInputsDigest(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(files)) hash.update(file).update('\0').update(fs.readFileSync(path.join(ROOT, file))).update('\0');
  return hash.digest('hex');
}

/**
 * `npm run build` (electron-vite: out/main, out/preload, out/renderer) unless out/ was built from exactly the
 * current inputs: `npm test` builds once up front, and the bundle-shape tests, the end-to-end setup and the web
 * harness then find out/ current instead of building it again (a stale out/ is always rebuilt).
 */
export function buildIfStale(options: { logLevel?: 'info' | 'warn' | 'error' } = {}): 'built' | 'current' {
  const digest = buildInputsDigest();
  const stamp = path.join(ROOT, STAMP);
  if (ENTRIES.every((file) => fs.existsSync(path.join(ROOT, file))) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) return 'current';
  fs.rmSync(stamp, { force: true });
  const built = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', options.logLevel ?? 'info'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error(`npm run build failed (exit ${built.status ?? built.signal})`);
  fs.writeFileSync(stamp, digest);
  return 'built';
}

/**
 * The web harness's bridge script (out/web-harness/bridge.js), built aside and renamed into place (atomic): another
 * harness started from this folder (the end-to-end tests run one per worker) may be serving the file at this
 * moment, and must never read it half written.
 */
export async function buildHarnessBridge(): Promise<string> {
  const staging = fs.mkdtempSync(path.join(ROOT, 'out', '.web-harness-'));
  try {
    const bridge = path.join(ROOT, 'out/web-harness/bridge.js');
    fs.mkdirSync(path.dirname(bridge), { recursive: true });
    fs.renameSync(await buildBridgeScript(ROOT, staging), bridge);
    return bridge;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
