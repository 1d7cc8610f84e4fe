// `npm start`: builds and launches the desktop app. Where Electron's binary cannot be installed (a machine
// without access to its download), it says so and serves the same app through the web harness instead.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { electronAppArgs, findElectronBinary } from './lib/electron-binary';
import { requireSupportedNode } from './lib/node-version';

const root = path.resolve(__dirname, '..');
requireSupportedNode(root);
const binary = findElectronBinary(root);

if ('path' in binary) {
  const built = spawnSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const env = { ...process.env };
  delete env['ELECTRON_RUN_AS_NODE'];
  const child = spawn(binary.path, electronAppArgs(root), { cwd: root, stdio: 'inherit', env });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  process.stdout.write(`${binary.missing}\nStarting the same app in the web harness instead (open the address below in a browser).\n`);
  const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'scripts/dev-web.ts'), ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 0));
}
