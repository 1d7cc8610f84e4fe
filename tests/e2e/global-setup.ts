import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * Builds the app once before any worker starts (electron-vite: main, preload and the renderer the web harnesses
 * serve; the Electron project loads the same out/). Each worker's harness then starts with --no-build, so two
 * workers never build into out/ at once.
 */
export default function globalSetup() {
  const root = path.resolve(__dirname, '../..');
  const built = spawnSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`the build for the end-to-end tests failed (exit ${built.status})`);
}
