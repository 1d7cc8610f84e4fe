// The project's scripts need Node 22.13 or newer (node:sqlite, Electron 45's tooling, Vitest 5). On an older Node
// they would fail deep inside a test runner with an unrelated-looking error; say what is wrong instead.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function requireSupportedNode(root: string): void {
  const wanted = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const [major, minor] = wanted.replace(/^>=\s*/, '').split('.').map(Number) as [number, number];
  const [haveMajor, haveMinor] = process.versions.node.split('.').map(Number) as [number, number];
  if (haveMajor > major || (haveMajor === major && haveMinor >= minor)) return;
  process.stderr.write(
    `This is Node ${process.version}; Till Companion needs Node ${wanted} (Node 24 recommended). ` +
      'See README "Requirements": install Node 24 (for example `npm install --prefix "$HOME/.node24" node@24` and put ' +
      '"$HOME/.node24/node_modules/.bin" first on PATH), then run the command again.\n',
  );
  process.exit(1);
}
