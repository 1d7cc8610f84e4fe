// Which npm packages belong in app.asar. electron-builder copies every production dependency with all of its own
// dependencies; keytar declares the tools that download or compile its binary (prebuild-install and its tar/http
// tree, node-addon-api's headers) as dependencies, though the app never loads them. They are worked out here from
// package-lock.json and excluded through the `files` patterns.
import fs from 'node:fs';
import path from 'node:path';

/** Dependencies a runtime package needs only to install (build or fetch its native binary). */
export const INSTALL_ONLY: Readonly<Record<string, readonly string[]>> = { keytar: ['prebuild-install', 'node-addon-api'] };

interface LockEntry {
  dev?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const nameOf = (lockPath: string) => lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** Node's lookup: <from>/node_modules/<name>, then each enclosing node_modules folder up to the root. */
function resolve(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const up = base.lastIndexOf('/node_modules/');
    base = up === -1 ? '' : base.slice(0, up);
  }
}

function closure(packages: Record<string, LockEntry>, skipInstallOnly: boolean): Set<string> {
  const seen = new Set<string>();
  const visit = (from: string) => {
    const entry = packages[from]!;
    const skip = skipInstallOnly ? (INSTALL_ONLY[nameOf(from)] ?? []) : [];
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      if (skip.includes(name)) continue;
      const target = resolve(packages, from, name);
      if (!target || seen.has(target)) continue; // an optional dependency not installed on this platform
      seen.add(target);
      visit(target);
    }
  };
  visit('');
  return seen;
}

/** Package names the app loads at run time, and those electron-builder would otherwise copy for nothing. */
export function appModules(root: string): { runtime: Set<string>; installOnly: Set<string> } {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const runtime = new Set([...closure(lock.packages, true)].map(nameOf));
  // A name also needed at run time stays (its install-only copy, nested under an excluded package, goes with it).
  const installOnly = new Set([...closure(lock.packages, false)].map(nameOf).filter((name) => !runtime.has(name)));
  return { runtime, installOnly };
}

/** `files` patterns that keep install-only packages out of app.asar, wherever electron-builder places them. */
export function installOnlyExclusions(root: string): string[] {
  return [...appModules(root).installOnly].sort().map((name) => `!**/node_modules/${name}/**`);
}
