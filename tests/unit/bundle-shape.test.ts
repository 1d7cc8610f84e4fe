import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../scripts/lib/build';

// The shape of what electron-vite builds (out/), as Electron will load it: a sandboxed preload can only be
// one CommonJS file that requires nothing but electron; main is CommonJS and loads keytar with require (no
// import() through the ESM loader inside app.asar); the renderer bundle reaches no Node built-in.
const root = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, 'out', file), 'utf8');
const requires = (code: string) => [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
const staticImports = (code: string) => [...code.matchAll(/(?:^|[;\n}])\s*(?:import\s[^'"();]*?from\s*|import\s*|export\s[^'"();]*?from\s*)["']([^"']+)["']/g)].map((m) => m[1]!);
const dynamicImports = (code: string) => [...code.matchAll(/\bimport\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]!);
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

beforeAll(() => {
  // Always the current sources: a stale out/ would test yesterday's code (rebuilt unless built from these very inputs).
  buildIfStale({ logLevel: 'error' });
}, 120_000);

describe('out/preload (sandboxed: CommonJS, one file, electron only)', () => {
  it('is a single file', () => {
    expect(fs.readdirSync(path.join(root, 'out/preload'))).toEqual(['index.js']);
  });

  it('is CommonJS that requires only electron, with no import or export statement', () => {
    const code = read('preload/index.js');
    expect(requires(code)).toEqual(['electron']);
    expect(staticImports(code)).toEqual([]);
    expect(dynamicImports(code)).toEqual([]);
  });

  it('carries no zod (validation stays in main)', () => {
    expect(read('preload/index.js')).not.toMatch(/ZodError|safeParse|\$ZodType|\$constructor|["']zod["']/);
  });
});

describe('out/main (CommonJS; keytar through require)', () => {
  it('is one CommonJS file: requires, no import/export statements, no dynamic import()', () => {
    expect(fs.readdirSync(path.join(root, 'out/main'))).toEqual(['index.js']);
    const code = read('main/index.js');
    expect(staticImports(code)).toEqual([]);
    expect(dynamicImports(code)).toEqual([]);
    expect(requires(code)).toContain('electron');
  });

  it('never loads keytar with import(): it goes through createRequire', () => {
    const code = read('main/index.js');
    expect(code).not.toMatch(/import\(\s*["']keytar["']\s*\)/);
    expect(code).toMatch(/createRequire\)?\(__filename\)/);
    expect(code).toMatch(/load\(\s*["']keytar["']\s*\)/);
  });

  it('uses electron-log\'s Node entry (its main entry registers a raw ipcMain channel on import)', () => {
    const mods = requires(read('main/index.js'));
    expect(mods).toContain('electron-log/node');
    expect(mods.filter((m) => m.startsWith('electron-log'))).toEqual(['electron-log/node']);
  });

  it('requires only Node built-ins, electron and the runtime dependencies in package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const allowed = new Set(['electron', ...Object.keys(pkg.dependencies)]);
    const outside = requires(read('main/index.js')).filter((m) => !builtins.has(m) && !allowed.has(m.split('/').slice(0, m.startsWith('@') ? 2 : 1).join('/')));
    expect(outside).toEqual([]);
  });
});

describe('out/renderer (no Node, no Electron)', () => {
  const scripts = () => fs.readdirSync(path.join(root, 'out/renderer/assets')).filter((f) => f.endsWith('.js'));

  it('loads only its own scripts, none inline (the CSP allows script-src \'self\' only)', () => {
    const html = read('renderer/index.html');
    const srcs = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(srcs.length).toBeGreaterThan(0);
    for (const [, attributes, body] of srcs) {
      expect(attributes).toMatch(/src="\.\/assets\/[^"]+\.js"/);
      expect(body!.trim()).toBe('');
    }
  });

  it('imports no Node built-in and not electron, and has no require()', () => {
    for (const file of scripts()) {
      const code = read(`renderer/assets/${file}`);
      const specifiers = [...staticImports(code), ...dynamicImports(code)];
      expect(specifiers.filter((s) => !s.startsWith('./') && !s.startsWith('../')), file).toEqual([]);
      expect(requires(code).filter((m) => builtins.has(m) || m === 'electron'), file).toEqual([]);
    }
  });
});
